package lock

import "github.com/asyncgo/async"

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

// waiter is one task or goroutine waiting on a primitive. It is embedded
// in the future that waits (or in a node that a blocking call owns), so
// waiting allocates nothing: the list links the waiters themselves. Every
// field is guarded by the internal mutex of the primitive whose list the
// waiter is in; the future that owns the waiter reads it only under that
// mutex too.
type waiter struct {
	prev, next *waiter
	// waker is called when the waiter is granted or closed. It is stored
	// by the queueing call and replaced by every later pending poll, so it
	// is always the newest the task gave. The primitive takes it out under
	// its mutex and calls it only after unlocking.
	waker async.Waker
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

// waitList is an intrusive FIFO of waiters, doubly linked so that a
// cancelled waiter leaves from the middle in constant time. The zero value
// is an empty list. It is not safe for concurrent use: the primitive's
// mutex guards it.
type waitList struct {
	head, tail *waiter
	n          int
}

// empty reports whether no one waits.
func (l *waitList) empty() bool { return l.head == nil }

// len returns the number of waiters in the list.
func (l *waitList) len() int { return l.n }

// front returns the oldest waiter, or nil.
func (l *waitList) front() *waiter { return l.head }

// pushBack queues w, which must be idle, at the back with waker (which may
// be nil, for a waiter queued before its first poll).
func (l *waitList) pushBack(w *waiter, waker async.Waker) {
	if w.state != idle {
		panic("lock: a waiter queued twice (state " + w.state.String() + ")")
	}
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

// remove unlinks w, which must be in l, and leaves it idle without its
// waker. want and got are left for the caller to settle.
func (l *waitList) remove(w *waiter) {
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
// if the list is empty. The waiter is left idle; the caller sets its state
// (granted, closed) and calls the waker after unlocking.
func (l *waitList) popFront() (*waiter, async.Waker) {
	w := l.head
	if w == nil {
		return nil, nil
	}
	waker := w.waker
	l.remove(w)
	return w, waker
}

// wakeBatchSize bounds the wakers one wakeBatch holds: 32, as tokio's
// WakeList, is enough for the common bursts (a writer's unlock admitting
// the readers queued behind it) and small enough to live on the stack.
const wakeBatchSize = 32

// wakeBatch collects the wakers of waiters granted under a mutex, to be
// called after unlocking it. It lives on the caller's stack, so collecting
// allocates nothing. The wakers are copied out, not the waiters: once the
// mutex is released a granted waiter may be polled, recycled and queued
// again at any moment, so it must not be touched after unlocking.
//
// A primitive that grants more waiters than the batch holds stops when it
// is full, unlocks, wakes the batch, locks again and goes on (see full).
type wakeBatch struct {
	ws [wakeBatchSize]async.Waker
	n  int
}

// add keeps w, which may be nil (a waiter queued before its first poll
// has no waker yet: its first poll will see its new state).
func (b *wakeBatch) add(w async.Waker) {
	if w != nil {
		b.ws[b.n] = w
		b.n++
	}
}

// full reports whether another waker might not fit: the granting loop
// checks it before granting the next waiter.
func (b *wakeBatch) full() bool { return b.n == len(b.ws) }

// wake calls and forgets every waker kept. Call it with no mutex held: a
// waker may run its task inline, or re-enter the primitive.
func (b *wakeBatch) wake() {
	for i := 0; i < b.n; i++ {
		w := b.ws[i]
		b.ws[i] = nil
		w.Wake()
	}
	b.n = 0
}
