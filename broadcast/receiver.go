package broadcast

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
)

// Receiver is one subscriber's end of a channel: it sees every value sent
// after it subscribed, in order, unless it falls behind by more than the
// capacity. It is one owner's: its methods are not for concurrent use,
// except Len and Close, which may be called from any goroutine.
type Receiver[T any] struct {
	c       *channel[T]
	next    uint64 // position of the next value to read; guarded by c.mu
	closed  bool   // guarded by c.mu
	w       waiter // guarded by c.mu
	recv    RecvFuture[T]
	blocker park.Waker // RecvBlocking's waker, made on first use
}

func newReceiver[T any](c *channel[T], next uint64) *Receiver[T] {
	r := &Receiver[T]{c: c, next: next}
	r.recv.r = r
	return r
}

// Recv returns a future of the next value. Its result's Err is a
// *LaggedError if values were overwritten before this receiver read them
// (the next Recv returns the oldest value still held), and ErrClosed once
// every sender is closed and every value held for this receiver is read,
// or after Close.
//
// The future is part of the Receiver and reused by every call, so
// receiving allocates nothing: await each Recv before the next.
// Cancelling it (a lost Select, a timeout) takes nothing: a value that
// arrived meanwhile is the next Recv's.
func (r *Receiver[T]) Recv() *RecvFuture[T] { return &r.recv }

// TryRecv returns the next value without waiting. Its error is ErrEmpty
// if there is no new value and a sender is open, a *LaggedError if values
// were missed, and ErrClosed at the end of the stream.
func (r *Receiver[T]) TryRecv() (T, error) {
	v, missed, res := r.c.recv(r, nil)
	if res == gotEmpty {
		return v, ErrEmpty
	}
	return v, resultErr(missed, res)
}

// RecvBlocking returns the next value, blocking the calling goroutine
// until there is one: the way for a plain goroutine to listen. Its errors
// are Recv's. Never call it from inside a future's Poll: it would block
// the executor, and with it the tasks that were to send.
func (r *Receiver[T]) RecvBlocking() (T, error) {
	if r.blocker == nil {
		r.blocker = park.New()
	}
	for {
		v, missed, res := r.c.recv(r, r.blocker)
		if res != gotEmpty {
			return v, resultErr(missed, res)
		}
		r.blocker.Wait()
	}
}

// Resubscribe returns a new receiver on the same channel, which sees the
// values sent after this call, wherever r stands.
func (r *Receiver[T]) Resubscribe() *Receiver[T] { return r.c.subscribe() }

// Close unsubscribes: the values this receiver has not read stop waiting
// for it (so they are released once the others have read them), sends no
// longer count it, and its receives report ErrClosed. A goroutine blocked
// in RecvBlocking wakes. Closing twice does nothing.
func (r *Receiver[T]) Close() { r.c.unsubscribe(r) }

// Len returns how many values this receiver can read now without
// waiting: those sent since its last read that the ring still holds.
func (r *Receiver[T]) Len() int { return r.c.unread(r) }

// resultErr is the error of a receive that found something.
func resultErr(missed uint64, res recvResult) error {
	switch res {
	case gotLagged:
		return &LaggedError{Missed: missed}
	case gotClosed:
		return ErrClosed
	}
	return nil
}

// RecvFuture is the future of Receiver.Recv. It is embedded in its
// Receiver.
type RecvFuture[T any] struct {
	r       *Receiver[T]
	waiting bool // its waiter may be queued; the owner's only
}

// Poll takes the next value, or queues the receiver with the task's waker
// until a send (or the last sender's Close) wakes it. It takes a unit of
// the task's cooperative budget first.
func (f *RecvFuture[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return async.Result[T]{}, false
	}
	v, missed, res := f.r.c.recv(f.r, cx.Waker())
	if res == gotEmpty {
		f.waiting = true
		return async.Result[T]{}, false
	}
	f.waiting = false
	if err := resultErr(missed, res); err != nil {
		return async.Err[T](err), true
	}
	return async.Ok(v), true
}

// Cancel takes the receiver out of the queue of waiters and releases the
// task's waker. It takes no value: one that arrived meanwhile stays for
// the next Recv.
func (f *RecvFuture[T]) Cancel() {
	if f.waiting {
		f.waiting = false
		f.r.c.cancelRecv(f.r)
	}
}
