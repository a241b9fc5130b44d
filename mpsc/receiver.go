package mpsc

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
)

// Receiver is the receiving end of a channel. There is one, and it is one
// owner's: its methods are not for concurrent use, except Len and Close.
type Receiver[T any] struct {
	c       *channel[T]
	recv    RecvFuture[T]
	blocker park.Waker // RecvBlocking's waker, made on first use
}

func newReceiver[T any](c *channel[T]) *Receiver[T] {
	r := &Receiver[T]{c: c}
	r.recv.c = c
	return r
}

// Recv returns a future of the next value. Its result's Err is ErrClosed
// once every sender is closed (or the receiver closed) and the buffer is
// drained.
//
// The future is part of the Receiver and reused by every call, so
// receiving allocates nothing: await each Recv before the next.
// Cancelling it (a lost timeout, say) releases its waker; no value is
// taken by a cancelled Recv.
func (r *Receiver[T]) Recv() *RecvFuture[T] { return &r.recv }

// TryRecv returns the next value without waiting. Its error is ErrEmpty
// if no value is buffered and a sender is open, and ErrClosed at the end
// of the stream.
func (r *Receiver[T]) TryRecv() (T, error) {
	v, res := r.c.recv(nil)
	switch res {
	case gotEmpty:
		return v, ErrEmpty
	case gotClosed:
		return v, ErrClosed
	}
	return v, nil
}

// RecvBlocking returns the next value, blocking the calling goroutine while
// the channel is empty: the way for a plain goroutine to consume what
// tasks send. Its error is ErrClosed at the end of the stream. Never call
// it from inside a future's Poll: it would block the executor, and with it
// the tasks that were to send.
func (r *Receiver[T]) RecvBlocking() (T, error) {
	if r.blocker == nil {
		r.blocker = park.New()
	}
	for {
		v, res := r.c.recv(r.blocker)
		switch res {
		case gotValue:
			return v, nil
		case gotClosed:
			return v, ErrClosed
		}
		r.blocker.Wait()
	}
}

// Close tells the senders that nobody listens any more: sends fail with
// ErrReceiverGone from now on, and senders waiting for room are woken to
// fail likewise. Values already buffered can still be received; after
// them, Recv reports ErrClosed. Close may be called from any goroutine: a
// goroutine blocked in RecvBlocking wakes. Closing twice does nothing.
func (r *Receiver[T]) Close() { r.c.closeReceiver() }

// Len returns the number of values buffered now.
func (r *Receiver[T]) Len() int { return r.c.len() }

// RecvFuture is the future of Receiver.Recv. It is embedded in its
// Receiver.
type RecvFuture[T any] struct {
	c       *channel[T]
	waiting bool // its waker is stored in the channel; the owner's only
}

// Poll takes the next value, or stores the task's waker for the next send
// (or the last sender's Close) to wake. It takes a unit of the task's
// cooperative budget first.
func (f *RecvFuture[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return async.Result[T]{}, false
	}
	v, res := f.c.recv(cx.Waker())
	switch res {
	case gotEmpty:
		f.waiting = true
		return async.Result[T]{}, false
	case gotClosed:
		f.waiting = false
		return async.Err[T](ErrClosed), true
	}
	f.waiting = false
	return async.Ok(v), true
}

// Cancel releases the stored waker. No value is lost: a value that arrived
// meanwhile stays buffered for the next Recv.
func (f *RecvFuture[T]) Cancel() {
	if f.waiting {
		f.waiting = false
		f.c.cancelRecv()
	}
}
