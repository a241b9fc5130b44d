package broadcast

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/waitq"
)

// channel is the state the handles share: a ring of capacity slots that
// holds the last values sent. Values are numbered by position, from 0;
// the value at position p lives in slot p % capacity until the value at
// p+capacity overwrites it. Every field but buf's length is guarded by
// mu, and so are the positions and flags kept in each Receiver.
//
// No waker is called with mu held: an operation takes the wakers it must
// call out of the channel, unlocks, and only then wakes them, so a waker
// that re-enters the channel (or runs a task inline) cannot deadlock or
// see a half-updated channel.
type channel[T any] struct {
	mu sync.Mutex

	buf  []slot[T]
	tail uint64 // position of the next value to be sent

	receivers int  // open receivers
	senders   int  // open sender handles
	closed    bool // every sender handle is closed

	waiters waiterList // receivers that have read everything and wait
}

// slot holds one value and the number of receivers yet to read it.
type slot[T any] struct {
	val    T
	unread int // receivers that were open at the send and have not read it
}

func newChannel[T any](capacity int) *channel[T] {
	return &channel[T]{buf: make([]slot[T], capacity), receivers: 1, senders: 1}
}

// oldest returns the position of the oldest value still held.
func (c *channel[T]) oldest() uint64 {
	if n := uint64(len(c.buf)); c.tail > n {
		return c.tail - n
	}
	return 0
}

// at returns the slot of position p.
func (c *channel[T]) at(p uint64) *slot[T] { return &c.buf[p%uint64(len(c.buf))] }

// release counts one reader of position p out, and clears the value once
// every reader has it, so that a large value does not linger in the ring
// until it is overwritten.
func (c *channel[T]) release(p uint64) {
	s := c.at(p)
	s.unread--
	if s.unread == 0 {
		var zero T
		s.val = zero
	}
}

// send stores v at the tail, overwriting the oldest value if the ring is
// full, and wakes the receivers waiting for it. It returns how many
// receivers will see v. closed is the sending handle's flag, read under
// the lock: Close sets it before it takes the lock to count the handle
// out, so no send of a closed handle can come after the receivers were
// told that the stream ended.
func (c *channel[T]) send(closed *atomic.Bool, v T) (int, error) {
	c.mu.Lock()
	if closed.Load() {
		c.mu.Unlock()
		return 0, ErrClosed
	}
	if c.receivers == 0 {
		c.mu.Unlock()
		return 0, ErrNoReceivers
	}
	s := c.at(c.tail)
	s.val, s.unread = v, c.receivers
	c.tail++
	n := c.receivers
	c.wakeUnlock(c.tail)
	return n, nil
}

// wakeUnlock wakes every waiter whose position is below limit, and
// unlocks mu, which the caller holds.
//
// # Waking a crowd
//
// One send may have to wake a hundred receivers, and must call none of
// their wakers under the lock, nor allocate a list of them. So
// waitq.WakeBelowUnlock takes the wakers out in batches: under the lock
// it unlinks up to waitq.BatchSize waiters from the front of the list
// into an array on its stack; it unlocks and wakes them; and it locks
// again for the next batch, until a batch comes out short. A receiver
// that cancels its wait, closes, or is polled again while a send is
// halfway through its batches simply finds itself linked or not, as with
// any other change to the list, and no waiter is ever woken by a
// goroutine that might still follow its links. (The other way, detaching
// the whole list in one step and walking it after unlocking, needs a
// protocol to keep a cancelled waiter from being reused while the walker
// may still read its links: a sentinel the waker must own, or a spin.)
//
// limit keeps one send from waking waiters it did not make ready: a
// waiter joins the list with the tail of that moment, so the waiters for
// the values sent up to now (position < limit) are a prefix of the list, and
// a receiver that already took the new value and waits again for the next
// one is behind that prefix. A fan-out to n receivers thus takes the lock
// 1 + n/waitq.BatchSize times, and a send that wakes nobody once.
func (c *channel[T]) wakeUnlock(limit uint64) {
	waitq.WakeBelowUnlock(&c.mu, &c.waiters, limit)
}

// recvResult is what a receive found.
type recvResult uint8

const (
	gotValue  recvResult = iota
	gotEmpty             // nothing new yet; the waker, if any, is stored
	gotLagged            // values were overwritten unread; missed says how many
	gotClosed            // nothing, and nothing more will come
)

// recv takes r's next value. If there is none it queues r's waiter with
// waker, unless waker is nil (TryRecv) or the stream has ended.
func (c *channel[T]) recv(r *Receiver[T], waker async.Waker) (v T, missed uint64, res recvResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.closed {
		return v, 0, gotClosed
	}
	if r.next == c.tail {
		switch {
		case c.closed:
			c.waiters.Leave(&r.w)
			return v, 0, gotClosed
		case waker == nil:
		case c.waiters.Contains(&r.w):
			r.w.SetWaker(waker) // polled again: keep the newest waker
		default:
			r.w.Data = r.next
			c.waiters.PushBack(&r.w, waker)
		}
		return v, 0, gotEmpty
	}
	c.waiters.Leave(&r.w)
	if oldest := c.oldest(); r.next < oldest {
		// Overwritten: skip to the oldest value held. The slots skipped
		// were counted out of their readers when they were overwritten.
		missed, r.next = oldest-r.next, oldest
		return v, missed, gotLagged
	}
	v = c.at(r.next).val
	c.release(r.next)
	r.next++
	return v, 0, gotValue
}

// cancelRecv takes r's waiter out of the list, if it is there.
func (c *channel[T]) cancelRecv(r *Receiver[T]) {
	c.mu.Lock()
	c.waiters.Leave(&r.w)
	c.mu.Unlock()
}

// subscribe returns a receiver of the values sent from now on.
func (c *channel[T]) subscribe() *Receiver[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.receivers++
	return newReceiver(c, c.tail)
}

// unsubscribe closes r: the values it has not read stop waiting for it,
// and a receive of r waiting on another goroutine is woken to see the
// end.
func (c *channel[T]) unsubscribe(r *Receiver[T]) {
	c.mu.Lock()
	if r.closed {
		c.mu.Unlock()
		return
	}
	r.closed = true
	c.receivers--
	for p := max(r.next, c.oldest()); p < c.tail; p++ {
		c.release(p)
	}
	waker := c.waiters.Leave(&r.w)
	c.mu.Unlock()
	if waker != nil {
		waker.Wake()
	}
}

// unread returns how many values r can still read before it waits.
func (c *channel[T]) unread(r *Receiver[T]) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.closed {
		return 0
	}
	return int(c.tail - max(r.next, c.oldest()))
}

// addSender counts a new sender handle.
func (c *channel[T]) addSender() {
	c.mu.Lock()
	c.senders++
	c.mu.Unlock()
}

// dropSender counts a closed handle out. The last one ends the stream and
// wakes every waiting receiver, in batches as a send does.
func (c *channel[T]) dropSender() {
	c.mu.Lock()
	c.senders--
	if c.senders > 0 {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.wakeUnlock(math.MaxUint64)
}

// receiverCount returns the number of open receivers.
func (c *channel[T]) receiverCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.receivers
}
