package cancel

import "github.com/asyncgo/async"

// hook is an entry in a token's list of what to do when it is cancelled.
// Everything in that list is a Waker, called once, in order, after the
// token's lock is released:
//
//   - a waiting Cancelled future: the waker of its task (the hook lives in
//     the future, so waiting allocates nothing);
//   - a callback of AfterFunc: the function, as an async.WakerFunc;
//   - a child token: the child itself, as a *childLink, whose Wake cancels
//     it (the hook lives in the child).
//
// All its fields are guarded by the mutex of the token whose list it is in.
type hook struct {
	prev, next *hook
	w          async.Waker
	listed     bool // in the list; false once popped or removed
}

// hookList is an intrusive FIFO of hooks, doubly linked so that a hook
// leaves from the middle (a cancelled wait, a stopped callback, a released
// child) in constant time.
type hookList struct {
	head, tail *hook
	n          int
}

// pushBack appends h, with its waker w.
func (l *hookList) pushBack(h *hook, w async.Waker) {
	h.w, h.listed = w, true
	h.prev, h.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = h
	} else {
		l.head = h
	}
	l.tail = h
	l.n++
}

// remove unlinks h, which must be listed.
func (l *hookList) remove(h *hook) {
	if h.prev != nil {
		h.prev.next = h.next
	} else {
		l.head = h.next
	}
	if h.next != nil {
		h.next.prev = h.prev
	} else {
		l.tail = h.prev
	}
	h.prev, h.next, h.w, h.listed = nil, nil, nil, false
	l.n--
}

// popFront unlinks the oldest hook and returns its waker, or nil if the
// list is empty.
func (l *hookList) popFront() async.Waker {
	h := l.head
	if h == nil {
		return nil
	}
	w := h.w
	l.remove(h)
	return w
}
