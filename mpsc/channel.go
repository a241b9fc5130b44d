package mpsc

import (
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async"
)

// channel is the state the handles share. Every field but the immutable
// ones is guarded by mu, and no waker is ever called with mu held: each
// operation takes the waker it must call out of the channel, unlocks, and
// only then wakes it, so a waker that re-enters the channel (or runs a
// task inline) cannot deadlock or see a half-updated channel.
type channel[T any] struct {
	mu sync.Mutex

	buf ring[T]
	// capacity bounds buf.n+reserved; zero for an unbounded channel.
	// Immutable.
	capacity int
	// reserved counts slots granted to woken senders that have not yet
	// filled them. Invariant: while waiters is not empty, the channel is
	// full: buf.n+reserved == capacity.
	reserved int
	waiters  waiterList

	rxWaker  async.Waker // the receiver's waker, set only while it waits
	senders  int         // open sender handles
	rxClosed bool        // the receiver closed: sends fail
}

func newChannel[T any](capacity int) *channel[T] {
	return &channel[T]{buf: newRing[T](capacity), capacity: capacity, senders: 1}
}

// hasRoom reports whether a new value fits without taking a slot granted
// to a waiter. Call with mu held.
func (c *channel[T]) hasRoom() bool {
	return c.capacity == 0 || c.buf.n+c.reserved < c.capacity
}

// pushLocked buffers v and takes the receiver's waker if it waits; the
// caller unlocks mu and then calls wakeIf on it.
func (c *channel[T]) pushLocked(v T) async.Waker {
	c.buf.push(v)
	w := c.rxWaker
	c.rxWaker = nil
	return w
}

// wakeIf calls w unless it is nil.
func wakeIf(w async.Waker) {
	if w != nil {
		w.Wake()
	}
}

// trySend buffers v if there is room, without waiting. closed is the
// sending handle's flag, read under the lock: a handle's Close sets it
// before it takes the lock to count the handle out, so no send of a closed
// handle can slip in after the receiver has seen the end of the stream.
func (c *channel[T]) trySend(closed *atomic.Bool, v T) error {
	c.mu.Lock()
	switch {
	case closed.Load():
		c.mu.Unlock()
		return ErrSenderClosed
	case c.rxClosed:
		c.mu.Unlock()
		return ErrReceiverGone
	case !c.hasRoom():
		c.mu.Unlock()
		return ErrFull
	}
	rx := c.pushLocked(v)
	c.mu.Unlock()
	wakeIf(rx)
	return nil
}

// send buffers v for the sender whose waiter is w, or queues w with waker
// until a slot is granted to it. done is false while it must wait; err is
// ErrSenderClosed or ErrReceiverGone if either side closed (see trySend
// for closed).
func (c *channel[T]) send(closed *atomic.Bool, w *waiter, v T, waker async.Waker) (err error, done bool) {
	c.mu.Lock()
	if closed.Load() || c.rxClosed {
		err = ErrReceiverGone
		if closed.Load() {
			err = ErrSenderClosed
		}
		next := c.leaveLocked(w)
		c.mu.Unlock()
		wakeIf(next)
		return err, true
	}
	switch w.Data.state {
	case granted:
		c.reserved-- // the slot is ours: fill it
		w.Data.state = idle
	case queued:
		w.SetWaker(waker) // a spurious poll: keep waiting, with the newest waker
		c.mu.Unlock()
		return nil, false
	default:
		if !c.hasRoom() {
			w.Data.state = queued
			c.waiters.PushBack(w, waker)
			c.mu.Unlock()
			return nil, false
		}
	}
	rx := c.pushLocked(v)
	c.mu.Unlock()
	wakeIf(rx)
	return nil, true
}

// cancelSend takes w out of the queue. A waiter already granted a slot
// gives it to the next waiter and wakes that one, so the wake w received
// is passed on rather than lost.
func (c *channel[T]) cancelSend(w *waiter) {
	c.mu.Lock()
	next := c.leaveLocked(w)
	c.mu.Unlock()
	wakeIf(next)
}

// leaveLocked makes w idle: unlinked, or its granted slot handed on. It
// returns the waker of the waiter that got the slot, if any.
func (c *channel[T]) leaveLocked(w *waiter) async.Waker {
	switch w.Data.state {
	case queued:
		c.waiters.Remove(w)
		w.Data.state = idle
	case granted:
		w.Data.state = idle
		c.reserved--
		return c.grantLocked()
	}
	return nil
}

// grantLocked gives a free slot to the oldest waiting sender, if any, and
// returns its waker for the caller to call after unlocking.
func (c *channel[T]) grantLocked() async.Waker {
	if c.waiters.Empty() || !c.hasRoom() {
		return nil
	}
	w, waker := c.waiters.PopFront()
	w.Data.state = granted
	c.reserved++
	return waker
}

// recvResult is what a receive found.
type recvResult uint8

const (
	gotValue  recvResult = iota
	gotEmpty             // nothing yet; the waker, if any, is stored
	gotClosed            // nothing, and nothing more will come
)

// recv takes the oldest value. If there is none it stores waker, unless
// waker is nil (TryRecv) or the stream has ended.
func (c *channel[T]) recv(waker async.Waker) (T, recvResult) {
	c.mu.Lock()
	if c.buf.n > 0 {
		v := c.buf.pop()
		if c.rxWaker != nil {
			c.rxWaker = nil // we no longer wait
		}
		next := c.grantLocked()
		c.mu.Unlock()
		wakeIf(next)
		return v, gotValue
	}
	var zero T
	if c.senders == 0 || c.rxClosed {
		c.rxWaker = nil
		c.mu.Unlock()
		return zero, gotClosed
	}
	if waker != nil {
		c.rxWaker = waker
	}
	c.mu.Unlock()
	return zero, gotEmpty
}

// cancelRecv forgets the receiver's waker.
func (c *channel[T]) cancelRecv() {
	c.mu.Lock()
	c.rxWaker = nil
	c.mu.Unlock()
}

// addSender counts a new handle.
func (c *channel[T]) addSender() {
	c.mu.Lock()
	c.senders++
	c.mu.Unlock()
}

// dropSender counts a closed handle out. It withdraws the handle's waiter
// w (nil for an unbounded handle), so that a Send left pending cannot keep
// a slot: a queued one is woken to report ErrSenderClosed, a granted one
// passes its slot on. The last handle wakes the receiver, which then sees
// the end of the stream once the buffer is drained.
func (c *channel[T]) dropSender(w *waiter) {
	c.mu.Lock()
	var own, next, rx async.Waker
	if w != nil {
		if w.Data.state == queued {
			own = w.Waker()
		}
		next = c.leaveLocked(w)
	}
	c.senders--
	if c.senders == 0 {
		rx, c.rxWaker = c.rxWaker, nil
	}
	c.mu.Unlock()
	wakeIf(own)
	wakeIf(next)
	wakeIf(rx)
}

// closeReceiver refuses further sends and wakes every waiting sender, one
// at a time so that no waker is called under the lock and nothing needs
// allocating to collect them. A receive waiting on another goroutine is
// woken too, to find the buffer drained or not.
func (c *channel[T]) closeReceiver() {
	c.mu.Lock()
	c.rxClosed = true
	rx := c.rxWaker
	c.rxWaker = nil
	c.mu.Unlock()
	wakeIf(rx)
	c.mu.Lock()
	for {
		w, waker := c.waiters.PopFront()
		if w == nil {
			c.mu.Unlock()
			return
		}
		w.Data.state = idle
		c.mu.Unlock()
		waker.Wake() // its next poll sees rxClosed
		c.mu.Lock()
	}
}

// len returns the number of buffered values.
func (c *channel[T]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.n
}

// waiting returns the number of queued senders, for tests.
func (c *channel[T]) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiters.Len()
}
