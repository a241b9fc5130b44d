// Package waitq is the intrusive FIFO of waiters under the runtime's
// channels, locks and tokens: the futures and blocked goroutines waiting
// on one primitive, oldest first, each with the waker to call when its
// turn comes.
//
// A waiter is a Node: its links, its stored waker, and Data, what the
// primitive keeps per waiter (a state, a position, a count). The Node is
// embedded in the future that waits, so queueing allocates nothing, and
// the list is doubly linked, so a cancelled waiter leaves from the middle
// in constant time.
//
//	type waiter = waitq.Node[waitData] // waitData is the package's own
//
//	var l waitq.List[waitData]
//	l.PushBack(&f.w, cx.Waker())
//	...
//	w, waker := l.PopFront() // under the lock; call waker after unlocking
//
// Nothing here is safe for concurrent use: the primitive's mutex guards
// the list and every Node in it. What a waiter waits for, and what it was
// given, is the primitive's business; the list knows only the order and
// the wakers.
//
// Wakers are taken out under the mutex and called after it is released,
// since a waker may run its task inline or re-enter the primitive. Batch
// collects them for that on the caller's stack.
//
// Node and List are generic over the data, not over the waiter type, so
// every link is a plain field access that inlines: a list that reached
// its waiters through a method of a type parameter would pay an indirect
// call per link.
package waitq

import "github.com/asyncgo/async"

// Node is one waiter: its place in a List, its stored waker, and the
// primitive's per-waiter Data. The zero value is a waiter in no list.
type Node[T any] struct {
	prev, next *Node[T]
	// waker is stored by PushBack, replaced by SetWaker (a pending poll
	// with a newer waker), and cleared when the waiter leaves the list.
	waker async.Waker

	// Data is the primitive's own, guarded by the same mutex as the list.
	Data T
}

// Waker returns the waker stored with the waiter: nil if it is in no list
// (or was queued without one).
func (w *Node[T]) Waker() async.Waker { return w.waker }

// SetWaker replaces the stored waker of a queued waiter: a task polled
// again may have a different waker, and the newest is the one to call.
func (w *Node[T]) SetWaker(waker async.Waker) { w.waker = waker }

// List is a FIFO of waiters. The zero value is an empty list. A Node is
// in at most one List at a time.
type List[T any] struct {
	head, tail *Node[T]
	n          int
}

// Len returns the number of waiters in the list.
func (l *List[T]) Len() int { return l.n }

// Empty reports whether no one waits.
func (l *List[T]) Empty() bool { return l.head == nil }

// Front returns the oldest waiter, or nil.
func (l *List[T]) Front() *Node[T] { return l.head }

// Contains reports whether w is in l. w must be in l or in no list.
func (l *List[T]) Contains(w *Node[T]) bool { return w.prev != nil || l.head == w }

// PushBack queues w, which must be in no list, at the back with waker
// (which may be nil, for a waiter queued before its future's first poll).
func (l *List[T]) PushBack(w *Node[T], waker async.Waker) {
	w.waker = waker
	w.prev, w.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	l.n++
}

// Remove unlinks w, which must be in l, and returns its waker, which the
// Node no longer stores.
func (l *List[T]) Remove(w *Node[T]) async.Waker {
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
	w.prev, w.next, w.waker = nil, nil, nil
	l.n--
	return waker
}

// Leave unlinks w if it is in l and returns its waker; it returns nil if
// w is in no list. w must be in l or in no list.
func (l *List[T]) Leave(w *Node[T]) async.Waker {
	if !l.Contains(w) {
		return nil
	}
	return l.Remove(w)
}

// PopFront unlinks the oldest waiter and returns it with its waker, or
// nil and nil if the list is empty.
func (l *List[T]) PopFront() (*Node[T], async.Waker) {
	w := l.head
	if w == nil {
		return nil, nil
	}
	// Remove, knowing w has no prev: short enough to inline, on the path
	// of every hand-off.
	l.head = w.next
	if l.head != nil {
		l.head.prev = nil
	} else {
		l.tail = nil
	}
	waker := w.waker
	w.next, w.waker = nil, nil
	l.n--
	return w, waker
}

// MoveTo moves every waiter of l to the back of dst, in order, with its
// waker, and leaves l empty.
func (l *List[T]) MoveTo(dst *List[T]) {
	if l.head == nil {
		return
	}
	if dst.tail == nil {
		dst.head = l.head
	} else {
		dst.tail.next = l.head
		l.head.prev = dst.tail
	}
	dst.tail = l.tail
	dst.n += l.n
	*l = List[T]{}
}
