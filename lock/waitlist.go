package lock

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/waitq"
)

// waitState is where a waiter stands. Every primitive of this package
// moves its waiters through these states, always under the primitive's
// internal mutex.
type waitState uint8

const (
	// idle: not in a list, waiting for nothing and holding nothing. A new
	// waiter, one whose future is done, and one on a free list are idle.
	idle waitState = iota
	// queued: in a list, with its waker stored (the waker may still be nil
	// if the waiter was queued before its future's first poll). A waiter
	// that wants a quantity may already hold part of it (see got).
	queued
	// granted: taken out of the list and given what it waited for (the
	// lock, its permits, a notification); its next poll takes it. A
	// granted waiter that is cancelled instead must pass what it was given
	// on, or give it back, so that the wake it received is not lost.
	granted
	// closed: taken out of the list because the primitive was closed; its
	// next poll reports that, and it holds nothing.
	closed
)

var stateNames = [...]string{idle: "idle", queued: "queued", granted: "granted", closed: "closed"}

func (s waitState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "waitState(?)"
}

// waiter is one task or goroutine waiting on a primitive: its place in a
// list, its waker, and its waitData. It is embedded in the future that
// waits (or in a node that a blocking call owns), so waiting allocates
// nothing: the list links the waiters themselves. All of it is guarded by
// the internal mutex of the primitive whose list the waiter is in; the
// future that owns the waiter reads it only under that mutex too.
//
// The waker is called when the waiter is granted or closed. It is stored
// by the queueing call and replaced by every later pending poll, so it is
// always the newest the task gave. The primitive takes it out under its
// mutex and calls it only after unlocking.
type waiter = waitq.Node[waitData]

// waitData is what a waiter holds beside its links and waker.
type waitData struct {
	state waitState

	// want and got are for waiters that wait for a quantity, such as a
	// semaphore's permits (a lock is one permit, a write lock all of
	// them): want is what is still missing, got what was already granted.
	// A waiter that waits for an event only leaves both zero. Only the
	// waiter at the front of a list ever holds a part (got > 0 while
	// queued): permits are granted in order, so a large request collects
	// them as they come, and no later, smaller one takes them first.
	want, got int64
}

// waitList is a FIFO of waiters that keeps each one's state in step with
// its place: queued while in the list, idle once taken out. The zero
// value is an empty list. It is not safe for concurrent use: the
// primitive's mutex guards it.
type waitList struct {
	q waitq.List[waitData]
}

// empty reports whether no one waits.
func (l *waitList) empty() bool { return l.q.Empty() }

// len returns the number of waiters in the list.
func (l *waitList) len() int { return l.q.Len() }

// front returns the oldest waiter, or nil.
func (l *waitList) front() *waiter { return l.q.Front() }

// pushBack queues w, which must be idle, at the back with waker (which may
// be nil, for a waiter queued before its first poll).
func (l *waitList) pushBack(w *waiter, waker async.Waker) {
	if w.Data.state != idle {
		panic("lock: a waiter queued twice (state " + w.Data.state.String() + ")")
	}
	w.Data.state = queued
	l.q.PushBack(w, waker)
}

// remove unlinks w, which must be in l, and leaves it idle without its
// waker. want and got are left for the caller to settle.
func (l *waitList) remove(w *waiter) {
	l.q.Remove(w)
	w.Data.state = idle
}

// popFront unlinks the oldest waiter and returns it with its waker, or nil
// if the list is empty. The waiter is left idle; the caller sets its state
// (granted, closed) and calls the waker after unlocking.
func (l *waitList) popFront() (*waiter, async.Waker) {
	w, waker := l.q.PopFront()
	if w != nil {
		w.Data.state = idle
	}
	return w, waker
}
