package watch

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
)

// Receiver watches the value of a channel. It remembers the version of
// the last value it saw, which decides what Changed waits for. It is one
// owner's: Changed, ChangedBlocking, BorrowAndMarkSeen and MarkSeen are
// not for concurrent use; Borrow, HasChanged, Clone and Close may be
// called from any goroutine.
type Receiver[T any] struct {
	c       *channel[T]
	seen    uint64 // the version of the last value seen; guarded by c.mu
	closed  bool   // guarded by c.mu
	w       waiter // guarded by c.mu
	changed ChangedFuture[T]
	blocker park.Waker // ChangedBlocking's waker, made on first use
}

func newReceiver[T any](c *channel[T], seen uint64) *Receiver[T] {
	r := &Receiver[T]{c: c, seen: seen}
	r.changed.r = r
	return r
}

// Borrow returns the latest value, without marking it seen.
//
// The value is copied out under the channel's lock, so a T of many words
// costs that copy on every Borrow, and a T that holds references (a
// slice, a map, a pointer) shares them with the sender. For a large or
// mutable state, send a pointer to a value that is never changed after
// the Send, and send a new pointer for each change: the copy is then one
// word, and what a receiver holds never changes under it.
func (r *Receiver[T]) Borrow() T { return r.c.borrow(nil) }

// BorrowAndMarkSeen returns the latest value and marks it seen, so that
// the next Changed waits for a newer one (tokio's borrow_and_update).
func (r *Receiver[T]) BorrowAndMarkSeen() T { return r.c.borrow(r) }

// MarkSeen marks the latest value seen without reading it.
func (r *Receiver[T]) MarkSeen() { r.c.borrow(r) }

// HasChanged reports whether a value newer than the last one this
// receiver saw exists: whether Changed would be ready at once with nil.
func (r *Receiver[T]) HasChanged() bool { return r.c.hasChanged(r) }

// Changed returns a future that is ready with nil when a value newer than
// the last one this receiver saw exists, and marks that value seen; read
// it with Borrow. Several Sends between two Changed are seen as one
// change: a watcher sees the latest value, not every value. The future is
// ready with ErrClosed once the sender is closed and this receiver has
// seen the last value, or after this receiver's Close.
//
// The future is part of the Receiver and reused by every call, so
// watching allocates nothing: await each Changed before the next.
// Cancelling it (a lost Select, a timeout) marks nothing seen: the change
// is still there for the next Changed.
func (r *Receiver[T]) Changed() *ChangedFuture[T] { return &r.changed }

// ChangedBlocking blocks the calling goroutine until a value newer than
// the last one this receiver saw exists, and marks it seen: Changed for a
// plain goroutine. Its error is Changed's. Never call it from inside a
// future's Poll: it would block the executor, and with it the tasks that
// were to send.
func (r *Receiver[T]) ChangedBlocking() error {
	if r.blocker == nil {
		r.blocker = park.New()
	}
	for {
		switch r.c.changed(r, r.blocker) {
		case gotChange:
			return nil
		case gotClosed:
			return ErrClosed
		}
		r.blocker.Wait()
	}
}

// Clone returns a new receiver that has seen what this one has seen, for
// another watcher. The clone of a closed receiver is closed.
func (r *Receiver[T]) Clone() *Receiver[T] { return r.c.clone(r) }

// Close stops watching: the sender no longer counts this receiver (when
// none is left, Send reports ErrNoReceivers), and Changed reports
// ErrClosed. A goroutine blocked in ChangedBlocking wakes. Borrow still
// returns the latest value. Closing twice does nothing.
func (r *Receiver[T]) Close() { r.c.unsubscribe(r) }

// ChangedFuture is the future of Receiver.Changed. It is embedded in its
// Receiver.
type ChangedFuture[T any] struct {
	r       *Receiver[T]
	waiting bool // its waiter may be queued; the owner's only
}

// Poll is ready with nil if a value newer than the last one seen exists,
// marking it seen, and otherwise queues the receiver with the task's
// waker until the next Send (or the sender's Close) wakes it. It takes a
// unit of the task's cooperative budget first.
func (f *ChangedFuture[T]) Poll(cx *async.Context) (error, bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return nil, false
	}
	switch f.r.c.changed(f.r, cx.Waker()) {
	case gotNothing:
		f.waiting = true
		return nil, false
	case gotClosed:
		f.waiting = false
		return ErrClosed, true
	}
	f.waiting = false
	return nil, true
}

// Cancel takes the receiver out of the queue of waiters and releases the
// task's waker. It marks nothing seen: a change that came meanwhile is
// the next Changed's.
func (f *ChangedFuture[T]) Cancel() {
	if f.waiting {
		f.waiting = false
		f.r.c.cancelChanged(f.r)
	}
}
