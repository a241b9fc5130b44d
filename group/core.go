package group

import (
	"sync"

	"github.com/asyncgo/async"
)

// maxFree is how many finished entries a set keeps for its next spawns.
// A set that runs a thousand tasks at a time spawns and reaps them without
// allocating an entry; a burst beyond it leaves the surplus to the
// collector instead of holding it for the set's life.
const maxFree = 1024

// core is the state a Set or a Group shares with its tasks. Every field
// is guarded by mu, and no waker is called with mu held: an operation
// takes the wakers it must call out of the core, unlocks, and only then
// wakes them, so a waker that re-enters the set (or runs a task inline)
// cannot deadlock or see it half-updated.
//
// Each task is an entry. A running entry is in live, or in aborting once
// the set asked it to abort (the two lists let abortAll visit each task
// once, waking each outside the lock). A finished entry goes to the back
// of the ready queue (a Set) or is counted and dropped at once (a Group,
// which keeps only the first error). n counts the tasks spawned and not yet
// reported: in the lists or the ready queue.
type core[T any] struct {
	mu sync.Mutex

	live, aborting entryList[T]
	readyHead      *entry[T] // finished tasks, oldest first
	readyTail      *entry[T]
	free           *entry[T] // entries to reuse, linked by next
	nfree          int
	n              int // tasks spawned and not yet reported

	// closed makes every later spawn abort at once: set by Close, and by
	// a Group's first error.
	closed bool
	// discard marks a Group's core: results are dropped as tasks finish,
	// and the first failure (err) aborts the rest.
	discard bool
	err     error

	waiters waiterList // Next, Wait and Shutdown futures and blocked goroutines
}

// entryList is an intrusive list of running entries, doubly linked so
// that a finishing task leaves from the middle in constant time.
type entryList[T any] struct {
	head, tail *entry[T]
	n          int
}

func (l *entryList[T]) pushBack(e *entry[T]) {
	e.prev, e.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = e
	} else {
		l.head = e
	}
	l.tail = e
	l.n++
}

func (l *entryList[T]) remove(e *entry[T]) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
	l.n--
}

// add takes an entry for a new task of future f, counts it and lists it
// as running (aborting, if the set is closed: the task's first poll then
// cancels f). discard is true for a Group's core.
func (c *core[T]) add(f async.Future[T], discard bool) *entry[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.discard = discard
	e := c.free
	if e != nil {
		c.free, e.next = e.next, nil
		c.nfree--
	} else {
		e = &entry[T]{c: c}
	}
	e.f, e.started = f, false
	e.abort.Store(c.closed)
	if c.closed {
		e.where = aborting
		c.aborting.pushBack(e)
	} else {
		e.where = running
		c.live.pushBack(e)
	}
	c.n++
	return e
}

// start records the waker of e's task, at its first pending poll.
func (c *core[T]) start(e *entry[T], w async.Waker) {
	c.mu.Lock()
	e.waker = w
	c.mu.Unlock()
}

// finish takes the result of e's task, whose future is done with: v, or
// err if it failed. It is the task's last use of e. A Set queues the
// result for Next and wakes the waiters; a Group records the first
// failure, aborting the other tasks, and wakes the waiters once the last
// task is done.
func (c *core[T]) finish(e *entry[T], v T, err error) {
	e.f = nil
	c.mu.Lock()
	switch e.where {
	case running:
		c.live.remove(e)
	case aborting:
		c.aborting.remove(e)
	default:
		c.mu.Unlock()
		panic("group: a task finished twice")
	}
	e.waker = nil
	wake, abortRest := true, false
	if c.discard {
		if fail := failure(v, err); fail != nil && c.err == nil {
			c.err = fail
			abortRest = !c.closed
			c.closed = true
		}
		c.n--
		c.recycle(e)
		wake = c.n == 0
	} else {
		e.value, e.err, e.where = v, err, finished
		if c.readyTail != nil {
			c.readyTail.next = e
		} else {
			c.readyHead = e
		}
		c.readyTail = e
	}
	var w async.Waker
	rest := 0
	if wake {
		_, w = c.waiters.PopFront()
		rest = c.waiters.Len()
	}
	c.mu.Unlock()
	if abortRest {
		c.abortAll()
	}
	c.wake(w, rest)
}

// failure is the error a Group's task ended with: err if it failed,
// otherwise its value if that is a non-nil error.
func failure[T any](v T, err error) error {
	if err != nil {
		return err
	}
	if e, ok := any(v).(error); ok {
		return e
	}
	return nil
}

// wake calls w, if any, and then the wakers of the first rest waiters
// still queued, one at a time so that none is called with mu held and
// nothing is allocated to collect them. A woken waiter that queues itself
// again goes to the back, behind the rest, so the loop ends.
func (c *core[T]) wake(w async.Waker, rest int) {
	if w != nil {
		w.Wake()
	}
	for ; rest > 0; rest-- {
		c.mu.Lock()
		_, w := c.waiters.PopFront()
		c.mu.Unlock()
		if w == nil {
			return
		}
		w.Wake()
	}
}

// takeLocked removes the oldest finished task from the ready queue and
// returns its result; ok is false if none has finished. Call with mu held.
func (c *core[T]) takeLocked() (v T, err error, ok bool) {
	e := c.readyHead
	if e == nil {
		return v, nil, false
	}
	c.readyHead = e.next
	if c.readyHead == nil {
		c.readyTail = nil
	}
	v, err = e.value, e.err
	c.n--
	c.recycle(e)
	return v, err, true
}

// recycle keeps e for a later spawn, emptied so that it holds on to
// nothing, unless enough are kept already. Call with mu held.
func (c *core[T]) recycle(e *entry[T]) {
	var zero T
	e.value, e.err, e.where, e.next = zero, nil, unused, nil
	if c.nfree >= maxFree {
		return
	}
	e.next = c.free
	c.free = e
	c.nfree++
}

// waitLocked queues w with waker, or, if a spurious poll finds it queued
// already, keeps the newest waker. Call with mu held.
func (c *core[T]) waitLocked(w *waiter, waker async.Waker) {
	if c.waiters.Contains(w) {
		w.SetWaker(waker)
		return
	}
	c.waiters.PushBack(w, waker)
}

// leaveLocked unqueues w if it is queued. Call with mu held.
func (c *core[T]) leaveLocked(w *waiter) {
	if c.waiters.Contains(w) {
		c.waiters.Remove(w)
	}
}

// leave unqueues w: its future was cancelled. Every waiter is woken on
// each event, so a waiter that goes away passes nothing on.
func (c *core[T]) leave(w *waiter) {
	c.mu.Lock()
	c.leaveLocked(w)
	c.mu.Unlock()
}

// emptiedLocked is called after a result was taken: if that was the last
// task, it takes the wakers of every waiter, for c.wake, so that a Wait or
// a Next waiting on another task learns that the set is empty.
func (c *core[T]) emptiedLocked() (async.Waker, int) {
	if c.n != 0 {
		return nil, 0
	}
	_, w := c.waiters.PopFront()
	return w, c.waiters.Len()
}

// next takes the result of the oldest finished task. If none has finished
// it queues w with waker and reports pending (done false), unless the set
// is empty: then err is ErrEmpty.
func (c *core[T]) next(w *waiter, waker async.Waker) (v T, err error, done bool) {
	c.mu.Lock()
	v, err, ok := c.takeLocked()
	switch {
	case ok:
		c.leaveLocked(w)
		first, rest := c.emptiedLocked()
		c.mu.Unlock()
		c.wake(first, rest)
		return v, err, true
	case c.n == 0:
		c.leaveLocked(w)
		c.mu.Unlock()
		return v, ErrEmpty, true
	}
	c.waitLocked(w, waker)
	c.mu.Unlock()
	return v, nil, false
}

// drain takes and drops the results of every finished task, recording
// the first failure in *first, and reports done once no task is left;
// until then it queues w with waker. A Group has no results to take: its
// first failure is the core's, set in *first when done.
func (c *core[T]) drain(w *waiter, waker async.Waker, first *error) (done bool) {
	c.mu.Lock()
	took := false
	for {
		_, err, ok := c.takeLocked()
		if !ok {
			break
		}
		took = true
		if *first == nil {
			*first = err
		}
	}
	if c.n != 0 {
		c.waitLocked(w, waker)
		c.mu.Unlock()
		return false
	}
	if c.discard {
		*first = c.err
	}
	c.leaveLocked(w)
	var wake async.Waker
	rest := 0
	if took {
		wake, rest = c.emptiedLocked()
	}
	c.mu.Unlock()
	c.wake(wake, rest)
	return true
}

// abortAll asks every running task to abort: it flags each and wakes it,
// and the task's next poll cancels its future. A task that has not yet
// stored its waker needs no wake: it is queued to run, or running, and
// stores its waker (under the lock) before it looks at the flag again, so
// either abortAll finds the waker or the task finds the flag. Tasks
// spawned during the call may or may not be aborted; a closed core aborts
// those itself.
func (c *core[T]) abortAll() {
	c.mu.Lock()
	for k := c.live.n; k > 0 && c.live.head != nil; k-- {
		e := c.live.head
		c.live.remove(e)
		e.abort.Store(true)
		e.where = aborting
		c.aborting.pushBack(e)
		if w := e.waker; w != nil {
			// The task may finish and its entry be reused once we unlock;
			// waking a finished task does nothing, so w stays safe to call.
			c.mu.Unlock()
			w.Wake()
			c.mu.Lock()
		}
	}
	c.mu.Unlock()
}

// close makes every later spawn abort at once, then aborts the tasks
// running.
func (c *core[T]) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.abortAll()
}

// len returns the number of tasks spawned and not yet reported.
func (c *core[T]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
