package cancel

import "github.com/asyncgo/async"

// Cancelled returns a future that is ready when t is cancelled (at its
// first poll if t is cancelled already). Any number of tasks may wait on
// one token, each with a future of its own.
func (t *Token) Cancelled() *CancelledFuture { return &CancelledFuture{t: t} }

// CancelledFuture is the future of Token.Cancelled.
//
// While it waits, its task's waker sits in the token's list, in a node
// that is part of the future: waiting allocates nothing. Cancel takes it
// out, so a future lost in a Select, timed out or aborted leaves nothing
// behind in the token.
//
// Unlike most futures, a CancelledFuture may be polled again after Cancel
// (it waits anew) and after it was ready (it is ready again). So a task
// that checks for cancellation in every round of a loop can keep one
// future and poll it each time, allocating nothing after the first.
type CancelledFuture struct {
	t       *Token
	h       hook // its entry in t's list, guarded by t.mu
	waiting bool // h may be listed; the owner's, read without the lock
}

// Poll reports whether the token is cancelled, and if not, stores the
// task's waker for Cancel to call. It takes a unit of the task's
// cooperative budget first, so a task that polls it in a busy loop still
// gives way.
func (f *CancelledFuture) Poll(cx *async.Context) (struct{}, bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return struct{}{}, false
	}
	return struct{}{}, f.wait(cx.Waker())
}

// wait reports whether the token is cancelled; if not, it puts f's hook in
// the token's list with waker, or, if it is there already, replaces the
// waker there with waker, the newest.
func (f *CancelledFuture) wait(waker async.Waker) bool {
	t := f.t
	if !f.waiting && t.cancelled.Load() {
		return true // nothing of ours is in the list: no lock needed
	}
	t.mu.Lock()
	if t.cancelled.Load() {
		// Cancel may not have reached our hook yet: take it out, so that
		// nothing refers to f once it is ready.
		t.hooks.Leave(&f.h)
		t.mu.Unlock()
		f.waiting = false
		return true
	}
	if t.hooks.Contains(&f.h) {
		f.h.SetWaker(waker)
	} else {
		t.hooks.PushBack(&f.h, waker)
	}
	t.mu.Unlock()
	f.waiting = true
	return false
}

// Cancel takes the future's waker out of the token's list. The token is
// not affected.
func (f *CancelledFuture) Cancel() {
	if !f.waiting {
		return
	}
	f.waiting = false
	t := f.t
	t.mu.Lock()
	t.hooks.Leave(&f.h)
	t.mu.Unlock()
}
