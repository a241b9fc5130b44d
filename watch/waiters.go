package watch

import "github.com/asyncgo/async"

// waiter is a receiver waiting for a version newer than seen. It is
// embedded in its Receiver, which has at most one Changed in flight, so
// waiting allocates nothing. All its fields are guarded by the channel's
// mutex.
type waiter struct {
	prev, next *waiter
	waker      async.Waker // set while queued
	seen       uint64      // the version it has seen: the current one when it queued
	queued     bool
}

// waiterList is an intrusive FIFO of waiters, doubly linked so that a
// cancelled waiter leaves from the middle in constant time. A waiter
// queues only when it has seen the current version, and the version only
// grows, so seen never decreases from head to tail: the waiters a Send
// made ready are a prefix of the list.
type waiterList struct {
	head, tail *waiter
	n          int
}

// pushBack queues w, with its waker, at the back.
func (l *waiterList) pushBack(w *waiter, waker async.Waker, seen uint64) {
	w.waker, w.seen, w.queued = waker, seen, true
	w.prev, w.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	l.n++
}

// remove unlinks w, which must be queued, and returns its waker.
func (l *waiterList) remove(w *waiter) async.Waker {
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
	waker := w.waker
	w.prev, w.next, w.waker, w.queued = nil, nil, nil, false
	l.n--
	return waker
}

// leave unlinks w if it is queued and returns its waker, or nil.
func (l *waiterList) leave(w *waiter) async.Waker {
	if !w.queued {
		return nil
	}
	return l.remove(w)
}

// wakeBatch is how many waiters one pass of wakeUnlock takes out of the
// list under the lock. Their wakers go to an array on the waking
// goroutine's stack, so waking any number of watchers allocates nothing
// and holds the lock for at most this many unlinks at a time.
const wakeBatch = 32

// takeReady moves the wakers of up to wakeBatch waiters that have seen a
// version below limit into batch, unlinking them, and returns how many it
// moved.
func (l *waiterList) takeReady(batch *[wakeBatch]async.Waker, limit uint64) int {
	n := 0
	for n < wakeBatch && l.head != nil && l.head.seen < limit {
		batch[n] = l.remove(l.head)
		n++
	}
	return n
}
