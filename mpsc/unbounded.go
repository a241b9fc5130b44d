package mpsc

import "sync/atomic"

// UnboundedSender is a handle for sending on an unbounded channel. Its Send
// never waits. All its methods are safe for concurrent use; still, give
// each producer its own Clone, so that the receiver sees the end of the
// stream when the last producer closes its handle.
type UnboundedSender[T any] struct {
	c      *channel[T]
	closed atomic.Bool
}

// Unbounded returns the two ends of a channel whose buffer grows as needed:
// sending never waits. Use it where the receiver is known to keep up, or
// where waiting is not an option; a bounded channel applies backpressure
// instead of growing without limit.
func Unbounded[T any]() (*UnboundedSender[T], *Receiver[T]) {
	c := newChannel[T](0)
	return &UnboundedSender[T]{c: c}, newReceiver(c)
}

// Send buffers v; it never waits. Its error is ErrReceiverGone if the
// receiver closed (v is then not delivered) and ErrSenderClosed if this
// handle was closed. It allocates only when the buffer grows.
func (s *UnboundedSender[T]) Send(v T) error {
	return s.c.trySend(&s.closed, v)
}

// Clone returns a new handle on the same channel, for another producer.
// The clone of a closed handle is closed.
func (s *UnboundedSender[T]) Clone() *UnboundedSender[T] {
	n := &UnboundedSender[T]{c: s.c}
	if s.closed.Load() {
		n.closed.Store(true)
		return n
	}
	s.c.addSender()
	return n
}

// Close retires this handle; later sends on it fail with ErrSenderClosed.
// When the last handle is closed, the receiver gets ErrClosed after the
// buffered values. Closing twice does nothing.
func (s *UnboundedSender[T]) Close() {
	if s.closed.CompareAndSwap(false, true) {
		s.c.dropSender(nil)
	}
}
