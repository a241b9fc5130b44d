package executor

import (
	"sync/atomic"

	"github.com/asyncgo/async/task"
)

// localSize is the capacity of a worker's local run queue: 256, as in
// tokio and Go's scheduler. A worker that has more spills half to the
// inject queue, where every worker can take them.
const localSize = 256

// localQueue is a worker's run queue: a bounded ring that only its owner
// pushes to and pops from, and that other workers steal half of when they
// run dry (Go's runq, tokio's queue::Local). head is where tasks are taken,
// by the owner or a thief, with a compare-and-swap; tail is where the owner
// pushes, and only it writes tail. The slots are atomic so that a thief's
// read of a slot the owner is about to reuse is not a data race: the thief
// then fails its compare-and-swap and drops what it read. Whoever takes a
// task clears its slot, by compare-and-swap since the owner may have
// reused it already, so that the ring keeps no finished task alive.
type localQueue struct {
	head atomic.Uint32
	tail atomic.Uint32
	buf  [localSize]atomic.Pointer[task.Task]
}

// len returns how many tasks the queue holds, as seen now.
func (q *localQueue) len() int {
	return int(q.tail.Load() - q.head.Load())
}

// push adds t at the tail. If the queue is full it moves half of it, and
// t, to inject, and reports that it did (the caller may wake a worker to
// take them). Owner only.
func (q *localQueue) push(t *task.Task, inject *injectQueue) (spilled bool) {
	for {
		head := q.head.Load()
		tail := q.tail.Load()
		if tail-head < localSize {
			q.buf[tail%localSize].Store(t)
			q.tail.Store(tail + 1) // publishes the slot to thieves
			return false
		}
		if q.spill(head, t, inject) {
			return true
		}
		// A thief took some meanwhile: there is room now.
	}
}

// spill moves the older half of a full queue, then t, to the inject queue.
// It fails if a thief moved head first.
func (q *localQueue) spill(head uint32, t *task.Task, inject *injectQueue) bool {
	const n = localSize / 2
	var batch [n]*task.Task
	for i := range uint32(n) {
		batch[i] = q.buf[(head+i)%localSize].Load()
	}
	if !q.head.CompareAndSwap(head, head+n) {
		return false
	}
	for i, b := range batch {
		q.buf[(head+uint32(i))%localSize].CompareAndSwap(b, nil)
	}
	inject.pushBatch(batch[:], t)
	return true
}

// pop takes the task at the head, or nil. Owner only.
func (q *localQueue) pop() *task.Task {
	for {
		head := q.head.Load()
		if head == q.tail.Load() {
			return nil
		}
		t := q.buf[head%localSize].Load()
		if q.head.CompareAndSwap(head, head+1) {
			q.buf[head%localSize].CompareAndSwap(t, nil)
			return t
		}
	}
}

// stealInto moves about half of q's tasks into dst, whose owner is the
// caller and whose queue is empty, and returns one of them to run at once,
// or nil if q had none.
func (q *localQueue) stealInto(dst *localQueue) *task.Task {
	dstTail := dst.tail.Load()
	for {
		head := q.head.Load()
		tail := q.tail.Load()
		n := tail - head
		n -= n / 2
		if n == 0 || n > localSize/2 {
			// Empty, or head moved past a tail we read earlier: the
			// owner is busy with it; look again only if it changes.
			if n == 0 {
				return nil
			}
			continue
		}
		for i := range n {
			dst.buf[(dstTail+i)%localSize].Store(q.buf[(head+i)%localSize].Load())
		}
		if q.head.CompareAndSwap(head, head+n) {
			for i := range n {
				q.buf[(head+i)%localSize].CompareAndSwap(dst.buf[(dstTail+i)%localSize].Load(), nil)
			}
			// Keep the last one to run now; publish the rest.
			n--
			t := dst.buf[(dstTail+n)%localSize].Swap(nil)
			if n > 0 {
				dst.tail.Store(dstTail + n)
			}
			return t
		}
		for i := range n { // lost the race: forget what we copied
			dst.buf[(dstTail+i)%localSize].Store(nil)
		}
	}
}
