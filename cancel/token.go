package cancel

import (
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async"
)

// Token is a cancellation signal shared by the tasks and goroutines that
// should stop together. It starts live; Cancel cancels it, once and for
// good, along with every token made from it by Child. Tasks wait for it
// with Cancelled, plain goroutines with Done, and AfterFunc runs a
// function when it happens.
//
// A Token is safe for concurrent use. The zero value is a live token
// without a parent; a Token must not be copied after first use.
type Token struct {
	mu sync.Mutex
	// cancelled is set once, with mu held, and read without it: the fast
	// path of IsCancelled and of a ready Cancelled future.
	cancelled atomic.Bool
	// hooks is what Cancel does, in order: wake waiting futures, run
	// callbacks, cancel children. Guarded by mu; empty once cancelled.
	hooks hookList
	// done is Done's channel, made by its first call. Guarded by mu;
	// closed by Cancel (or at once, if made after it).
	done chan struct{}
	// unwatch stops the context.AfterFunc of FromContext. Guarded by mu.
	unwatch func() bool

	// parent is the token this one is a child of, or nil. Immutable.
	parent *Token
	// entry is this token's hook in parent.hooks: it is guarded by
	// parent.mu, not by mu.
	entry hook
}

// childLink is a child token seen as the Waker in its parent's list: waking
// it cancels the child. The conversion from *Token allocates nothing.
type childLink Token

// Wake cancels the child.
func (c *childLink) Wake() { (*Token)(c).Cancel() }

// New returns a live token without a parent.
func New() *Token { return new(Token) }

// Child returns a new token that is cancelled when t is (at once if t is
// cancelled already). Cancelling the child does not touch t.
//
// The child is kept in t's list until one of them is cancelled. A child
// that is no longer needed must be cancelled, as a context's CancelFunc
// must be called, or a long-lived parent keeps it, and everything waiting
// on it, for as long as the parent lives:
//
//	child := t.Child()
//	defer child.Cancel() // detaches it from t
func (t *Token) Child() *Token {
	c := &Token{parent: t}
	t.mu.Lock()
	if t.cancelled.Load() {
		t.mu.Unlock()
		c.cancelled.Store(true)
		return c
	}
	t.hooks.PushBack(&c.entry, (*childLink)(c))
	t.mu.Unlock()
	return c
}

// IsCancelled reports whether t is cancelled. It takes no lock.
func (t *Token) IsCancelled() bool { return t.cancelled.Load() }

// Cancel cancels t and every token below it: it closes Done, wakes every
// task waiting in a Cancelled future, runs the functions given to
// AfterFunc and cancels the children, in the order they were registered.
// None of them is called with t's lock held, so a callback may use t (or
// its parent) freely. A callback runs on the goroutine that called Cancel,
// so it should be short; if it panics, the rest are still done, and then
// the panic goes on to Cancel's caller.
//
// Cancel on a child also detaches it from its parent, so that cancelling
// a child that is no longer needed is how it is released.
//
// Cancel is safe to call from any goroutine, any number of times: only the
// first call does anything. When it returns, t is cancelled; so is the
// subtree below t, unless another goroutine's Cancel of t got there first
// and is still going through the list.
func (t *Token) Cancel() {
	t.mu.Lock()
	if t.cancelled.Load() {
		t.mu.Unlock()
		return
	}
	t.cancelled.Store(true)
	done, unwatch := t.done, t.unwatch
	t.unwatch = nil
	t.mu.Unlock()

	if done != nil {
		close(done)
	}
	if unwatch != nil {
		unwatch() // stop watching the context of FromContext
	}
	t.leaveParent()
	t.runHooks()
}

// runHooks empties t's list, which no hook can join any more since t is
// cancelled, calling each hook in order. Each is popped under the lock and
// called after it: the lock is never held across a waker, a callback or a
// child's Cancel. One at a time, so that a waiting future that gives up
// concurrently finds its hook either listed (and removes it) or popped,
// never half processed, and so that collecting the hooks allocates
// nothing.
//
// If a callback panics, the hooks after it still run (a task waiting on t
// must not wait forever for it) before the panic goes on to Cancel's
// caller.
func (t *Token) runHooks() {
	emptied := false
	defer func() {
		if !emptied {
			t.runHooks() // we are panicking: run the rest first
		}
	}()
	for {
		t.mu.Lock()
		_, w := t.hooks.PopFront()
		t.mu.Unlock()
		if w == nil {
			emptied = true
			return
		}
		w.Wake()
	}
}

// leaveParent takes t out of its parent's list, if it is still there (a
// parent being cancelled may have popped it already).
func (t *Token) leaveParent() {
	p := t.parent
	if p == nil {
		return
	}
	p.mu.Lock()
	p.hooks.Leave(&t.entry)
	p.mu.Unlock()
}

// Done returns a channel that is closed when t is cancelled, for plain
// goroutines and select statements. The channel is made by the first call
// and is the same for every call.
func (t *Token) Done() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done == nil {
		t.done = make(chan struct{})
		if t.cancelled.Load() {
			close(t.done) // Cancel has been and did not see it
		}
	}
	return t.done
}

// AfterFunc arranges for f to be called when t is cancelled, on the
// goroutine that cancels it, after t's lock is released. If t is cancelled
// already, f is called at once, before AfterFunc returns. Either way f is
// called exactly once, even when Cancel races with the registration.
//
// Calling stop removes f: it returns true if that stopped f from being
// called, and false if f has already been called (or is being called) or
// stop was called before. Like a child, a callback stays in t's list until
// t is cancelled or stop is called.
func (t *Token) AfterFunc(f func()) (stop func() bool) {
	h := new(hook)
	t.mu.Lock()
	if t.cancelled.Load() {
		t.mu.Unlock()
		f()
		return func() bool { return false }
	}
	t.hooks.PushBack(h, async.WakerFunc(f))
	t.mu.Unlock()
	return func() bool {
		t.mu.Lock()
		defer t.mu.Unlock()
		if !t.hooks.Contains(h) {
			return false
		}
		t.hooks.Remove(h)
		return true
	}
}
