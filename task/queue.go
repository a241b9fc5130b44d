package task

import "sync/atomic"

// Queue is a run queue of tasks that any goroutine may push to and one
// goroutine, the executor's, pops from: an intrusive multi-producer
// single-consumer queue (Dmitry Vyukov's), linked through the tasks themselves, so a
// push never allocates and costs one atomic swap.
//
// When the executor runs out of work it parks: Park records that it is
// about to sleep, and the next Push calls the wake function it was given
// (which interrupts the executor's wait on the event queue).
type Queue struct {
	// head is where producers push: the newest task, or &stub.
	head atomic.Pointer[Task]
	// tail is where the consumer pops: the oldest task, or &stub. Only
	// the consumer touches it.
	tail *Task
	// stub is the node that keeps the list non-empty, so that push needs
	// no lock and no compare-and-swap loop.
	stub Task

	parked atomic.Bool // the consumer is asleep or about to be
	wake   func()      // wakes the parked consumer
}

// NewQueue returns an empty queue whose Push calls wake when the consumer
// has parked.
func NewQueue(wake func()) *Queue {
	q := &Queue{wake: wake}
	q.head.Store(&q.stub)
	q.tail = &q.stub
	return q
}

// Push adds t at the end of the queue. It is safe from any goroutine.
func (q *Queue) Push(t *Task) {
	t.next.Store(nil)
	// Swap makes t the head; until prev.next is set the consumer sees the
	// queue end at prev, and Pop reports the queue busy, not empty.
	prev := q.head.Swap(t)
	prev.next.Store(t)
	// Park sets parked and then looks at the queue; Push links the task
	// and then looks at parked. One of them sees the other.
	q.Notify()
}

// Notify wakes the consumer if it has parked. Push calls it; so does
// anything else that gives the consumer work outside the queue, after
// recording that work.
func (q *Queue) Notify() {
	if q.parked.Load() && q.parked.CompareAndSwap(true, false) {
		q.wake()
	}
}

// Pop removes and returns the oldest task, or nil if the queue is empty or
// a producer is midway through a push (which then wakes the consumer if it
// parks). Only the consumer may call it.
func (q *Queue) Pop() *Task {
	tail := q.tail
	next := tail.next.Load()
	if tail == &q.stub {
		if next == nil {
			return nil
		}
		// Step over the stub.
		q.tail = next
		tail = next
		next = next.next.Load()
	}
	if next != nil {
		q.tail = next
		return tail
	}
	if tail != q.head.Load() {
		return nil // a push is in progress
	}
	// tail is the last task: put the stub behind it so it can be taken.
	q.stub.next.Store(nil)
	if prev := q.head.Swap(&q.stub); prev != nil {
		prev.next.Store(&q.stub)
	}
	if next = tail.next.Load(); next != nil {
		q.tail = next
		return tail
	}
	return nil
}

// Empty reports whether the queue holds no task. Only the consumer may
// call it; a push in progress counts as a task.
func (q *Queue) Empty() bool {
	return q.tail == &q.stub && q.tail.next.Load() == nil && q.head.Load() == &q.stub
}

// Park records that the consumer is about to sleep and reports whether it
// may: false if tasks arrived meanwhile. After Park returns true, the next
// Push calls the wake function; the consumer calls Unpark when it wakes.
func (q *Queue) Park() bool {
	q.parked.Store(true)
	if !q.Empty() {
		q.parked.Store(false)
		return false
	}
	return true
}

// Unpark records that the consumer is awake, so pushes need not wake it.
func (q *Queue) Unpark() { q.parked.Store(false) }
