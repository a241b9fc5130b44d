package mpsc

import "github.com/asyncgo/async"

// waitState is where a waiting sender stands.
type waitState uint8

const (
	// idle: not in the queue and holding no slot.
	idle waitState = iota
	// queued: in the queue, its waker stored, waiting for room.
	queued
	// granted: out of the queue, holding a reserved slot that its next
	// poll fills; it must give the slot back if cancelled.
	granted
)

// waiter is a sender waiting for room in a bounded channel. It lives in the
// SendFuture (or, for SendBlocking, on the heap), so queueing allocates
// nothing. All its fields are guarded by the channel's mutex.
type waiter struct {
	prev, next *waiter
	waker      async.Waker // set while queued
	state      waitState
}

// waiterList is an intrusive FIFO of waiters, doubly linked so that a
// cancelled waiter leaves from the middle in constant time.
type waiterList struct {
	head, tail *waiter
	n          int
}

// pushBack queues w, with its waker, at the back.
func (l *waiterList) pushBack(w *waiter, waker async.Waker) {
	w.waker, w.state = waker, queued
	w.prev, w.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	l.n++
}

// remove unlinks w, which must be queued, and leaves it idle.
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
	w.prev, w.next, w.waker, w.state = nil, nil, nil, idle
	l.n--
}

// popFront unlinks the oldest waiter and returns it with its waker, or nil
// if the list is empty. The waiter is left idle; the caller sets its state.
func (l *waiterList) popFront() (*waiter, async.Waker) {
	w := l.head
	if w == nil {
		return nil, nil
	}
	waker := w.waker
	l.remove(w)
	return w, waker
}
