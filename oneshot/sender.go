package oneshot

import (
	"sync/atomic"

	"github.com/asyncgo/async"
)

// channel is what the two sides share; Sender and Receiver are the same
// allocation seen through two types, so New allocates once.
type channel[T any] struct {
	state atomic.Uint32 // see state.go

	// value is written by the sender before TX_DONE and read by the
	// receiver after; see state.go for who owns it when.
	value T

	// rxWaker is the receiver's waker, owned as RX_WAITING says.
	rxWaker async.Waker
	// txWaker is the waker of the sender's Closed future, owned as
	// TX_WAITING says.
	txWaker async.Waker
}

// Sender is the sending side of a oneshot channel. It may live on any
// goroutine, inside a task or not, but it is one owner's: its methods are
// not for concurrent use with each other (IsClosed excepted).
type Sender[T any] channel[T]

// Receiver is the receiving side of a oneshot channel and the future of
// its value: it is ready with the value, or with ErrSenderGone if the
// sender closed without sending. Like the Sender, it is one owner's.
type Receiver[T any] channel[T]

// New returns the two sides of a channel that carries one value of type T.
// It allocates once.
func New[T any]() (*Sender[T], *Receiver[T]) {
	c := new(channel[T])
	return (*Sender[T])(c), (*Receiver[T])(c)
}

// Send hands v to the receiver and wakes it; it never waits. It fails with
// ErrReceiverGone if the receiver was cancelled (v is then not delivered)
// and with ErrSenderUsed if this sender has already sent or closed.
func (s *Sender[T]) Send(v T) error {
	c := (*channel[T])(s)
	st := c.state.Load()
	switch {
	case st&txDone != 0:
		return ErrSenderUsed
	case st&rxDone != 0:
		return ErrReceiverGone
	}
	c.value = v
	prev, ok := c.transitionToSent()
	if !ok {
		// The receiver left between the load and the swap; the slot is
		// still ours, so drop the value rather than keep it alive.
		var zero T
		c.value = zero
		return ErrReceiverGone
	}
	c.wakeReceiver(prev)
	return nil
}

// Close gives up without sending: the receiver gets ErrSenderGone. Closing
// after Send, or twice, does nothing.
func (s *Sender[T]) Close() {
	c := (*channel[T])(s)
	if prev, ok := c.transitionToTxDone(); ok {
		c.wakeReceiver(prev)
	}
}

// wakeReceiver wakes the receiver if prev, the state before this sender set
// TX_DONE, shows a waiting receiver that is still there. Setting TX_DONE
// made rxWaker ours to take.
func (c *channel[T]) wakeReceiver(prev uint32) {
	if prev&(rxWaiting|rxDone) != rxWaiting {
		return
	}
	w := c.rxWaker
	c.rxWaker = nil
	w.Wake()
}

// IsClosed reports whether the receiver is gone: cancelled, or done with
// the value. A sender computing an expensive reply may check it and stop.
// It is safe from any goroutine.
func (s *Sender[T]) IsClosed() bool {
	return s.state.Load()&rxDone != 0
}

// Closed returns a future that is ready once the receiver is gone
// (cancelled, or done with the value): a sender racing its work against
// it can stop as soon as nobody will take the result. The future is part
// of the Sender and allocates nothing; only one may be pending at a time.
func (s *Sender[T]) Closed() async.Future[struct{}] {
	return (*closedFuture[T])(s)
}

// closedFuture is the future of Sender.Closed: the channel seen through a
// third type, so asking for it allocates nothing.
type closedFuture[T any] channel[T]

// Poll stores the waker under TX_WAITING and reports whether RX_DONE is
// set. It takes a unit of the task's cooperative budget first, as the
// Receiver's Poll does.
func (f *closedFuture[T]) Poll(cx *async.Context) (struct{}, bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return struct{}{}, false
	}
	c := (*channel[T])(f)
	st := c.state.Load()
	if st&rxDone != 0 {
		return struct{}{}, true
	}
	if st&txWaiting != 0 {
		// Take txWaker back before writing it: the receiver may read it
		// the moment it sets RX_DONE.
		if _, ok := c.clearWaiting(txWaiting, rxDone); !ok {
			return struct{}{}, true
		}
	}
	c.txWaker = cx.Waker()
	if prev := c.setWaiting(txWaiting); prev&rxDone != 0 {
		// The receiver left before it could see the waker; it is ours
		// again, and nobody will call it.
		c.txWaker = nil
		return struct{}{}, true
	}
	return struct{}{}, false
}

// Cancel takes the stored waker back, unless the receiver is already
// reading it to wake it.
func (f *closedFuture[T]) Cancel() {
	c := (*channel[T])(f)
	if c.state.Load()&txWaiting == 0 {
		return
	}
	if _, ok := c.clearWaiting(txWaiting, rxDone); ok {
		c.txWaker = nil
	}
}
