package lock

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
)

// tally is a waker that counts its wakes; it is safe from any goroutine.
type tally struct{ n atomic.Int64 }

func (w *tally) Wake()      { w.n.Add(1) }
func (w *tally) count() int { return int(w.n.Load()) }

// handCx returns a Context with waker w and no runtime, for polling by
// hand.
func handCx(w async.Waker) *async.Context { return testfut.NewContext(w) }

// try polls f once with cx and a full budget, as an executor would.
func try[T any](cx *async.Context, f async.Future[T]) (T, bool) {
	testfut.ResetBudget(cx)
	return f.Poll(cx)
}

// mustReady polls f once and fails the test unless it is ready.
func mustReady[T any](t *testing.T, cx *async.Context, f async.Future[T], what string) T {
	t.Helper()
	v, ok := try(cx, f)
	if !ok {
		t.Fatalf("%s: pending; want ready", what)
	}
	return v
}

// mustPending polls f once and fails the test if it is ready.
func mustPending[T any](t *testing.T, cx *async.Context, f async.Future[T], what string) {
	t.Helper()
	if _, ok := try(cx, f); ok {
		t.Fatalf("%s: ready; want pending", what)
	}
}

// look returns, under the primitive's mutex, the number of waiters, the
// permits taken and whether queuedBit and closedBit are set.
func (s *sem) look() (waiters int, taken int64, queuedFlag, closedFlag bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state.Load()
	return s.waiters.len(), st >> shift, st&queuedBit != 0, st&closedBit != 0
}

// checkSem marks the test failed unless s has waiting waiters, taken permits taken,
// and queuedBit set exactly while someone waits.
func checkSem(t *testing.T, s *sem, waiting int, taken int64) {
	t.Helper()
	n, tk, q, _ := s.look()
	if n != waiting || tk != taken || q != (n > 0) {
		t.Errorf("state: %d waiting, %d taken, queued bit %v; want %d waiting, %d taken",
			n, tk, q, waiting, taken)
	}
}

// waiting returns the number of waiters in s's list.
func (s *sem) waiting() int {
	n, _, _, _ := s.look()
	return n
}

// stateOf returns the state of the waiter behind f, a future of the slow
// path, under the primitive's mutex.
func stateOf(f any) waitState {
	var nd *node
	switch f := f.(type) {
	case *lockFuture:
		nd = (*node)(f)
	case *acquireFuture:
		nd = (*node)(f)
	default:
		return granted // a future of the fast path holds what it asked for
	}
	nd.s.mu.Lock()
	defer nd.s.mu.Unlock()
	return nd.Data.state
}

// run runs f on a new executor of x's kind, with opts, and fails the test
// on an executor error.
func run[T any](t *testing.T, x rttest.Executor, f async.Future[T], opts ...executor.Option) T {
	t.Helper()
	v, err := executor.Run(f, x.With(opts...)...)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return v
}

// yieldUntil awaits, in the coroutine of co, until cond holds, giving way
// at every look. A test whose premise is that another task (or goroutine)
// has got somewhere, such as into the line, states it so. After a great
// many looks it fails, so that a hang reports what did not happen.
func yieldUntil(co *async.Co, what string, cond func() bool) {
	for i := 0; !cond(); i++ {
		if i == 1<<22 {
			failf("gave up waiting for %s", what)
		}
		async.Await(co, async.Yield())
	}
}

// failf ends a task's coroutine with a test failure. t.Fatal must not be
// called in a coroutine: its runtime.Goexit would end the goroutine of the
// executor polling it. A panic instead becomes the error of the task's
// JoinHandle, or of run for the task run directly, which fails the test
// on the test's goroutine.
func failf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}

// spinUntil is yieldUntil for a plain goroutine.
func spinUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i == 1<<24 {
			t.Fatalf("gave up waiting for %s", what)
		}
		runtime.Gosched()
	}
}

// mustPanic fails the test unless fn panics with want.
func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if r := recover(); r != want {
			t.Fatalf("panic %v; want %q", r, want)
		}
	}()
	fn()
}
