package cancel

import (
	"context"
	"sync"

	"github.com/asyncgo/async"
)

// ContextDone returns a future that is ready when ctx is done, with the
// cause of it: context.Cause(ctx), which is ctx.Err() unless the context
// was cancelled with a cause. A task awaits a context with it, as a
// goroutine would receive from ctx.Done():
//
//	err := async.Await(co, cancel.ContextDone(ctx))
//
// No goroutine waits for the context. At its first pending poll the future
// registers with context.AfterFunc, which for the contexts of package
// context (and any context with an AfterFunc method) only adds an entry to
// the parent's list; a goroutine runs for a moment when the context is
// done, to wake the task. Cancelling the future stops the AfterFunc. (For
// a context type of another package without an AfterFunc method, package
// context itself starts a goroutine that watches Done.)
func ContextDone(ctx context.Context) *ContextFuture { return &ContextFuture{ctx: ctx} }

// ContextFuture is the future of ContextDone.
type ContextFuture struct {
	ctx  context.Context
	stop func() bool // stops the AfterFunc; set while registered; the owner's

	mu    sync.Mutex
	waker async.Waker // guarded by mu; the task to wake, while it waits
}

// Poll returns the context's cause once it is done, and otherwise stores
// the task's waker for the AfterFunc to call. It takes a unit of the
// task's cooperative budget first.
func (f *ContextFuture) Poll(cx *async.Context) (error, bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return nil, false
	}
	if f.ctx.Err() != nil {
		f.release()
		return context.Cause(f.ctx), true
	}
	if f.ctx.Done() == nil {
		return nil, false // never done (context.Background): no one to wake us
	}
	f.mu.Lock()
	f.waker = cx.Waker()
	f.mu.Unlock()
	if f.stop == nil {
		// Registered after the waker is stored: if ctx is done by now, the
		// AfterFunc runs at once and finds it.
		f.stop = context.AfterFunc(f.ctx, f.wake)
	}
	return nil, false
}

// wake is the AfterFunc: it wakes the waiting task, on a goroutine of
// package context's. The waker is called after unlocking.
func (f *ContextFuture) wake() {
	f.mu.Lock()
	w := f.waker
	f.waker = nil
	f.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// release stops the AfterFunc and drops the waker.
func (f *ContextFuture) release() {
	if f.stop != nil {
		f.stop()
		f.stop = nil
	}
	f.mu.Lock()
	f.waker = nil
	f.mu.Unlock()
}

// Cancel stops the AfterFunc and releases the stored waker. The context
// is not affected.
func (f *ContextFuture) Cancel() { f.release() }

// FromContext returns a new token that is cancelled when ctx is done. It
// watches ctx with context.AfterFunc, so no goroutine waits (see
// ContextDone). Cancelling the token stops the watch: cancel it when it is
// no longer needed, or ctx keeps it until ctx is done.
//
//	tok := cancel.FromContext(ctx)
//	defer tok.Cancel()
func FromContext(ctx context.Context) *Token {
	t := New()
	if ctx.Err() != nil {
		t.Cancel()
		return t
	}
	if ctx.Done() == nil {
		return t // never done
	}
	stop := context.AfterFunc(ctx, t.Cancel)
	t.mu.Lock()
	if !t.cancelled.Load() {
		t.unwatch = stop
	}
	// Otherwise ctx is done already and its AfterFunc has cancelled t: the
	// watch is over.
	t.mu.Unlock()
	return t
}

// Context returns a copy of parent that is also cancelled when t is, with
// ErrCancelled as its cause (context.Cause), and a CancelFunc that
// cancels it as context.WithCancel's does.
//
// No goroutine waits for t: the context is cancelled by a callback in t's
// list (see AfterFunc). Call the CancelFunc when the context is no longer
// needed, as with context.WithCancel: it also removes that callback from t.
//
//	ctx, stop := tok.Context(context.Background())
//	defer stop()
func (t *Token) Context(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancelCtx := context.WithCancelCause(parent)
	stop := t.AfterFunc(func() { cancelCtx(ErrCancelled) })
	return ctx, func() {
		stop()
		cancelCtx(nil)
	}
}
