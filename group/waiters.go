package group

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
)

// waiter is a future (Next, Wait, Shutdown) or a blocked goroutine waiting
// for a task of the set to finish, or for the set to become empty. It is
// embedded in its future, so waiting allocates nothing. Its fields are
// guarded by the core's mutex.
type waiter struct {
	prev, next *waiter
	waker      async.Waker // set while queued
	queued     bool
}

// waiterList is an intrusive FIFO of waiters, doubly linked so that a
// cancelled waiter leaves from the middle in constant time.
type waiterList struct {
	head, tail *waiter
	n          int
}

// pushBack queues w with its waker.
func (l *waiterList) pushBack(w *waiter, waker async.Waker) {
	w.waker, w.queued = waker, true
	w.prev, w.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	l.n++
}

// remove unlinks w, which must be queued.
func (l *waiterList) remove(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.tail = w.prev
	}
	w.prev, w.next, w.waker, w.queued = nil, nil, nil, false
	l.n--
}

// popFront unlinks the oldest waiter and returns its waker, or nil if the
// list is empty.
func (l *waiterList) popFront() async.Waker {
	w := l.head
	if w == nil {
		return nil
	}
	waker := w.waker
	l.remove(w)
	return waker
}

// blocker is what a blocked goroutine waits with.
type blocker struct {
	w    waiter
	wake park.Waker
}

func newBlocker() *blocker { return &blocker{wake: park.New()} }
