package watch

import (
	"math"
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/waitq"
)

// channel is the state the handles share: the value, its version, and the
// receivers waiting for a newer one. Every field is guarded by mu, and so
// are the versions and flags kept in each Receiver.
//
// No waker is called with mu held: an operation takes the wakers it must
// call out of the channel, unlocks, and only then wakes them, so a waker
// that re-enters the channel (or runs a task inline) cannot deadlock or
// see a half-updated channel.
type channel[T any] struct {
	mu sync.Mutex

	value   T
	version uint64 // counts the values stored; the initial one is version 0

	receivers int  // open receivers
	closed    bool // the sender is closed

	waiters waiterList // receivers that have seen version and wait
}

// storeUnlock replaces the value, wakes every waiting receiver, unlocks mu
// (which the caller holds), and returns the value replaced.
func (c *channel[T]) storeUnlock(v T) T {
	old := c.value
	c.value = v
	c.version++
	c.wakeUnlock(c.version)
	return old
}

// wakeUnlock wakes every waiter that has seen a version below limit, and
// unlocks mu, which the caller holds.
//
// One Send may have to wake a hundred watchers, and must call none of
// their wakers under the lock, nor allocate a list of them. So
// waitq.WakeBelowUnlock takes the wakers out in batches: under the lock
// it unlinks up to waitq.BatchSize waiters from the front of the list
// into an array on its stack; it unlocks and wakes them; and it locks
// again for the next batch, until a batch comes out short. A receiver
// that cancels its wait, closes, or is polled again while a Send is
// halfway through its batches simply finds itself linked or not, as with
// any other change to the list.
//
// limit keeps one Send from waking waiters it did not make ready: a
// receiver that already saw the new version and waits again for the next
// one queued behind the others, with seen == limit. Waking n watchers
// thus takes the lock 1 + n/waitq.BatchSize times, and a Send that wakes
// nobody once.
func (c *channel[T]) wakeUnlock(limit uint64) {
	waitq.WakeBelowUnlock(&c.mu, &c.waiters, limit)
}

// send stores v unless the sender is closed or nobody listens.
func (c *channel[T]) send(v T) error {
	c.mu.Lock()
	switch {
	case c.closed:
		c.mu.Unlock()
		return ErrClosed
	case c.receivers == 0:
		c.mu.Unlock()
		return ErrNoReceivers
	}
	c.storeUnlock(v)
	return nil
}

// swap stores v whether or not anybody listens, and returns the value it
// replaced.
func (c *channel[T]) swap(v T) T {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		panic("watch: Swap on a closed Sender")
	}
	return c.storeUnlock(v)
}

// closeSender ends the channel and wakes every waiting receiver.
func (c *channel[T]) closeSender() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.wakeUnlock(math.MaxUint64)
}

// changeResult is what a look for a change found.
type changeResult uint8

const (
	gotChange  changeResult = iota // a newer version, now marked seen
	gotNothing                     // nothing new yet; the waker, if any, is stored
	gotClosed                      // nothing new, and nothing more will come
)

// changed marks the current version seen by r if it is newer than the one
// r saw. If it is not, it queues r's waiter with waker, unless the sender
// is closed.
func (c *channel[T]) changed(r *Receiver[T], waker async.Waker) changeResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case r.closed:
		return gotClosed
	case c.version != r.seen:
		r.seen = c.version
		c.waiters.Leave(&r.w)
		return gotChange
	case c.closed:
		c.waiters.Leave(&r.w)
		return gotClosed
	case c.waiters.Contains(&r.w):
		r.w.SetWaker(waker) // polled again: keep the newest waker
	default:
		r.w.Data = r.seen
		c.waiters.PushBack(&r.w, waker)
	}
	return gotNothing
}

// cancelChanged takes r's waiter out of the list, if it is there.
func (c *channel[T]) cancelChanged(r *Receiver[T]) {
	c.mu.Lock()
	c.waiters.Leave(&r.w)
	c.mu.Unlock()
}

// borrow returns a copy of the value, and marks it seen by r if r is not
// nil.
func (c *channel[T]) borrow(r *Receiver[T]) T {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r != nil {
		r.seen = c.version
	}
	return c.value
}

// hasChanged reports whether r has not seen the current version.
func (c *channel[T]) hasChanged(r *Receiver[T]) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version != r.seen
}

// subscribe returns a new receiver that has seen the current version.
func (c *channel[T]) subscribe() *Receiver[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.receivers++
	return newReceiver(c, c.version)
}

// clone returns a new receiver that has seen what r has seen; the clone
// of a closed receiver is closed.
func (c *channel[T]) clone(r *Receiver[T]) *Receiver[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := newReceiver(c, r.seen)
	if r.closed {
		n.closed = true
	} else {
		c.receivers++
	}
	return n
}

// unsubscribe closes r, waking a ChangedBlocking of r waiting on another
// goroutine to see the end.
func (c *channel[T]) unsubscribe(r *Receiver[T]) {
	c.mu.Lock()
	if r.closed {
		c.mu.Unlock()
		return
	}
	r.closed = true
	c.receivers--
	waker := c.waiters.Leave(&r.w)
	c.mu.Unlock()
	if waker != nil {
		waker.Wake()
	}
}

// receiverCount returns the number of open receivers.
func (c *channel[T]) receiverCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.receivers
}
