package mpsc

import (
	"sync/atomic"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
)

// Sender is a handle for sending on a bounded channel. Each producer has a
// handle of its own (see Clone); Close retires it.
//
// Send's future is embedded in the handle, so one handle has at most one
// Send in flight; TrySend, SendBlocking, Clone and Close are safe for
// concurrent use.
type Sender[T any] struct {
	c      *channel[T]
	closed atomic.Bool
	send   SendFuture[T]
}

// New returns the two ends of a channel whose buffer holds up to capacity
// values, which must be at least 1. The buffer is allocated here, so
// sending and receiving allocate nothing.
func New[T any](capacity int) (*Sender[T], *Receiver[T]) {
	if capacity < 1 {
		panic("mpsc: New with a capacity below 1")
	}
	c := newChannel[T](capacity)
	return newSender(c), newReceiver(c)
}

func newSender[T any](c *channel[T]) *Sender[T] {
	s := &Sender[T]{c: c}
	s.send.s = s
	return s
}

// Send returns a future that buffers v as soon as there is room, waiting
// while the channel is full. It is ready with nil once v is buffered, with
// ErrReceiverGone if the receiver closed first (v is then not delivered),
// or with ErrSenderClosed if this handle was closed.
//
// Senders that wait are served in the order they started waiting.
// Cancelling the future (a lost timeout, say) takes it out of the queue
// and guarantees that v was not sent.
//
// The future is part of the handle and reused: await it (or cancel it)
// before the next Send on this handle. Send panics if the previous one is
// still pending.
func (s *Sender[T]) Send(v T) *SendFuture[T] {
	f := &s.send
	if f.pending {
		panic("mpsc: Send while this Sender's previous Send is pending; give each producer its own Clone")
	}
	f.v = v
	return f
}

// TrySend buffers v if there is room, without waiting. Its error is
// ErrFull if there is none, ErrReceiverGone if the receiver closed, and
// ErrSenderClosed if this handle was closed.
func (s *Sender[T]) TrySend(v T) error {
	return s.c.trySend(&s.closed, v)
}

// SendBlocking buffers v, blocking the calling goroutine while the channel
// is full: the way for a plain goroutine to feed tasks. Its errors are
// Send's. Never call it from inside a future's Poll: it would block the
// executor, and with it the receiver that was to make room.
func (s *Sender[T]) SendBlocking(v T) error {
	if err := s.c.trySend(&s.closed, v); err != ErrFull {
		return err
	}
	// Full: wait in the queue like a task, woken through a semaphore. The
	// waiter is this call's own, so concurrent calls do not share it.
	w, wake := new(waiter), park.New()
	for {
		if err, done := s.c.send(&s.closed, w, v, wake); done {
			return err
		}
		wake.Wait()
	}
}

// Clone returns a new handle on the same channel, for another producer.
// The receiver sees the end of the stream only once every handle is
// closed. The clone of a closed handle is closed.
func (s *Sender[T]) Clone() *Sender[T] {
	n := newSender(s.c)
	if s.closed.Load() {
		n.closed.Store(true)
		return n
	}
	s.c.addSender()
	return n
}

// Close retires this handle; later sends on it fail with ErrSenderClosed.
// A Send of this handle still waiting for room is withdrawn (it reports
// ErrSenderClosed), so an abandoned Send cannot keep a slot. When the last
// handle is closed, the receiver gets ErrClosed after the buffered values.
// Closing twice does nothing.
func (s *Sender[T]) Close() {
	if s.closed.CompareAndSwap(false, true) {
		s.c.dropSender(&s.send.w)
	}
}

// SendFuture is the future of Sender.Send: nil once the value is buffered,
// or the reason it was not. It is embedded in its Sender.
type SendFuture[T any] struct {
	s       *Sender[T]
	w       waiter // guarded by the channel's mutex
	v       T
	pending bool // a poll returned false; the owner's only
}

// Poll buffers the value if there is room or a slot was granted to this
// future, and otherwise waits in the channel's queue of senders. It takes
// a unit of the task's cooperative budget first.
func (f *SendFuture[T]) Poll(cx *async.Context) (error, bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		f.pending = true
		return nil, false
	}
	err, done := f.s.c.send(&f.s.closed, &f.w, f.v, cx.Waker())
	if !done {
		f.pending = true
		return nil, false
	}
	f.finish()
	return err, true
}

// Cancel leaves the queue of senders; the value is not sent. A slot
// granted to this future but not yet filled goes to the next waiter.
func (f *SendFuture[T]) Cancel() {
	if f.pending {
		f.s.c.cancelSend(&f.w)
	}
	f.finish()
}

func (f *SendFuture[T]) finish() {
	var zero T
	f.v, f.pending = zero, false
}
