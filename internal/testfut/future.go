package testfut

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async"
)

// Future is an instrumented leaf future of T that the test completes. It
// is pending until Complete is called, from any goroutine; each pending
// poll keeps the poll's waker, and Complete wakes the waker kept last, as
// a socket or a timer would. Cancel drops that waker.
//
// It counts its polls and cancels, and records breaches of the
// async.Future contract instead of panicking, since a panic inside an
// executor would become a task's error that a test might not look at.
type Future[T any] struct {
	// Name, if set, names the future in failure messages.
	Name string

	polls   atomic.Int64
	cancels atomic.Int64

	mu         sync.Mutex
	waker      async.Waker // the waker of the last pending poll; guarded by mu
	wakers     int         // times a different waker was kept; guarded by mu
	value      T           // guarded by mu
	completed  bool        // Complete was called; guarded by mu
	ready      bool        // Poll returned the value; guarded by mu
	cancelled  bool        // guarded by mu
	violations []string    // guarded by mu
}

// New returns a pending Future.
func New[T any]() *Future[T] { return &Future[T]{} }

// Poll returns the value if Complete was called, and otherwise keeps the
// Context's waker and reports pending.
func (f *Future[T]) Poll(cx *async.Context) (T, bool) {
	f.polls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.ready:
		f.violate("Poll after Poll returned ready")
	case f.cancelled:
		f.violate("Poll after Cancel")
	}
	if f.completed {
		f.ready = true
		f.waker = nil
		return f.value, true
	}
	w := cx.Waker()
	if f.waker == nil || !sameWaker(f.waker, w) {
		f.wakers++
	}
	f.waker = w
	var zero T
	return zero, false
}

// Cancel counts the cancel and drops the kept waker.
func (f *Future[T]) Cancel() {
	f.cancels.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.ready:
		f.violate("Cancel after Poll returned ready")
	case f.cancelled:
		f.violate("Cancel called twice")
	}
	f.cancelled = true
	f.waker = nil
}

// Complete makes the future ready with v and wakes the waker it kept, if
// any. It is safe from any goroutine. Completing a future twice is a bug
// in the test, and panics.
func (f *Future[T]) Complete(v T) {
	f.mu.Lock()
	if f.completed {
		f.mu.Unlock()
		panic(fmt.Sprintf("testfut: %s completed twice", f))
	}
	f.value, f.completed = v, true
	w := f.waker
	f.mu.Unlock()
	// Wake outside the lock: the waker may poll us on this goroutine.
	if w != nil {
		w.Wake()
	}
}

// WakeKept wakes the kept waker, if any, without completing the future:
// a spurious wakeup. It is safe from any goroutine and reports whether
// there was a waker to wake.
func (f *Future[T]) WakeKept() bool {
	w := f.Waker()
	if w != nil {
		w.Wake()
	}
	return w != nil
}

// Polls returns how many times Poll was called.
func (f *Future[T]) Polls() int { return int(f.polls.Load()) }

// Cancels returns how many times Cancel was called.
func (f *Future[T]) Cancels() int { return int(f.cancels.Load()) }

// Waker returns the waker the future keeps: nil before the first poll,
// after it was ready, and after it was cancelled.
func (f *Future[T]) Waker() async.Waker {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.waker
}

// Wakers returns how many different wakers the future was given, counting
// a change of waker between two polls as a new one.
func (f *Future[T]) Wakers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.wakers
}

// Violations returns the breaches of the async.Future contract seen so far.
func (f *Future[T]) Violations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.violations...)
}

// String returns the future's Name, or a placeholder.
func (f *Future[T]) String() string {
	if f.Name != "" {
		return f.Name
	}
	return "testfut.Future"
}

// violate records a breach of the contract. f.mu must be held.
func (f *Future[T]) violate(what string) {
	f.violations = append(f.violations, fmt.Sprintf("%s: %s", f, what))
}

// sameWaker reports whether a and b are the same waker; wakers of types
// that cannot be compared (a func type) never are.
func sameWaker(a, b async.Waker) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}
