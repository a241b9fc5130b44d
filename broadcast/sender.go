package broadcast

import "sync/atomic"

// Sender is a handle for sending on a channel. Its methods are safe for
// concurrent use; Clone gives another producer a handle of its own, so
// that each can Close when it is done.
type Sender[T any] struct {
	c      *channel[T]
	closed atomic.Bool
}

// New returns a sender and a first receiver of a channel that holds the
// last capacity values sent, which must be at least 1. The ring is
// allocated here, so sending and receiving allocate nothing.
//
// Capacity is how far a receiver may fall behind before it loses values:
// a receiver that is more than capacity values behind gets a LaggedError
// and skips to the oldest value still held.
func New[T any](capacity int) (*Sender[T], *Receiver[T]) {
	if capacity < 1 {
		panic("broadcast: New with a capacity below 1")
	}
	c := newChannel[T](capacity)
	return &Sender[T]{c: c}, newReceiver(c, 0)
}

// Send stores v for every open receiver and wakes those that wait for it.
// It never waits: when the ring is full, v overwrites the oldest value,
// and receivers that had not read that one will get a LaggedError.
//
// Send returns how many receivers will see v. Its error is ErrNoReceivers
// if no receiver is open (v is then dropped, as nobody could read it) and
// ErrClosed if this handle was closed.
func (s *Sender[T]) Send(v T) (int, error) { return s.c.send(&s.closed, v) }

// Subscribe returns a new receiver, which sees the values sent after this
// call and none before it.
func (s *Sender[T]) Subscribe() *Receiver[T] { return s.c.subscribe() }

// ReceiverCount returns the number of open receivers: how many a Send
// would reach now.
func (s *Sender[T]) ReceiverCount() int { return s.c.receiverCount() }

// Clone returns a new handle on the same channel, for another producer.
// Receivers see the end of the stream only once every handle is closed.
// The clone of a closed handle is closed.
func (s *Sender[T]) Clone() *Sender[T] {
	n := &Sender[T]{c: s.c}
	if s.closed.Load() {
		n.closed.Store(true)
		return n
	}
	s.c.addSender()
	return n
}

// Close retires this handle; later sends on it fail with ErrClosed. When
// the last handle is closed, each receiver gets ErrClosed once it has
// read the values still held for it. Go cannot see a handle being
// dropped, so a producer that is done must close its handle, or the
// receivers wait for it forever. Closing twice does nothing.
func (s *Sender[T]) Close() {
	if s.closed.CompareAndSwap(false, true) {
		s.c.dropSender()
	}
}
