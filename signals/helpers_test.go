//go:build unix

package signals

import (
	"errors"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// The tests send signals to their own process, only while a stream is
// registered for them, and only SIGUSR1, SIGUSR2 and SIGHUP: never SIGINT,
// SIGTERM or SIGKILL. SIGUSR1 and SIGUSR2 are caught and ignored by a Go
// program that does not ask for them, so one that arrives late, after its
// stream stopped, does no harm; SIGHUP would end the test binary, so a
// test that sends it waits to receive it before stopping.

// kill sends sig to the test process.
func kill(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
		t.Errorf("kill %v: %v", sig, err) // not Fatal: kill may run on a goroutine of the test
	}
}

// waiting reports whether a receiver's waker is stored in s.
func (s *Stream) waiting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waker != nil
}

// pendingLen returns the number of signals kept in s.
func (s *Stream) pendingLen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending.n
}

// checkStopped fails the test unless s is stopped, its goroutine ended and
// nothing is left in it.
func checkStopped(t *testing.T, s *Stream) {
	t.Helper()
	select {
	case <-s.exited:
	default:
		t.Error("the stream's goroutine is still running")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopped || s.waker != nil || s.pending.n != 0 {
		t.Errorf("stream: stopped %v, waker %v, %d pending; want stopped and empty", s.stopped, s.waker, s.pending.n)
	}
}

// eventually waits until cond holds, for a signal on its way through the
// kernel, the runtime and os/signal, or gives up after a generous while so
// that the caller's check reports it.
func eventually(cond func() bool) {
	deadline := time.Now().Add(10 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		runtime.Gosched()
	}
}

// run runs f on a new executor of x's kind with a paused clock, under a
// guard of an hour of it, for tests in which only the tasks wake each
// other (or a signal already kept in a stream): a lost wakeup makes the
// clock jump to the guard and fails the test at once.
func run[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	return runOn(t, x.New(t, executor.WithPausedClock()), time.Hour, f)
}

// runLive runs f on a new executor of x's kind with the real clock, for
// tests in which a signal or a plain goroutine wakes the tasks. The guard
// is a minute.
func runLive[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	return runOn(t, x.New(t), time.Minute, f)
}

func runOn[T any](t *testing.T, ex executor.Executor, guard time.Duration, f async.Future[T]) T {
	t.Helper()
	r, err := executor.BlockOn(ex, timer.Timeout(f, guard))
	if err != nil {
		t.Fatalf("BlockOn: %v", err)
	}
	if r.Err != nil {
		t.Fatalf("tasks stuck: %v", r.Err)
	}
	return r.Value
}

// yieldUntil yields the coroutine's task until cond holds, or gives up
// after a great many tries so that the caller's own check reports it.
func yieldUntil(co *async.Co, cond func() bool) {
	for tries := 0; !cond() && tries < 1<<20; tries++ {
		async.Await(co, async.Yield())
	}
}

// observed polls f and, after f's first pending poll, records held().
type observed[T any] struct {
	f      async.Future[T]
	held   func() bool
	polled bool
	saw    bool
}

func (o *observed[T]) Poll(cx *async.Context) (T, bool) {
	v, ok := o.f.Poll(cx)
	if !ok && !o.polled {
		o.polled, o.saw = true, o.held()
	}
	return v, ok
}

func (o *observed[T]) Cancel() { o.f.Cancel() }

// way is one of the three ways to cancel a future while it waits: each
// waits until f holds what held reports, has f cancelled, and returns
// once it is.
type way[T any] func(t *testing.T, x rttest.Executor, f async.Future[T], held func() bool)

// lostInSelect runs f against a future that is ready at its second poll.
func lostInSelect[T any](t *testing.T, x rttest.Executor, f async.Future[T], held func() bool) {
	t.Helper()
	o := &observed[T]{f: f, held: held}
	r := run(t, x, async.Select2[T, struct{}](o, async.Yield()))
	if r.Index != 1 {
		t.Fatalf("Select2 won by %d; want 1, the yield", r.Index)
	}
	if !o.saw {
		t.Fatal("the future held nothing while it waited")
	}
}

// timedOut runs f under a timeout of a second of the paused clock.
func timedOut[T any](t *testing.T, x rttest.Executor, f async.Future[T], held func() bool) {
	t.Helper()
	o := &observed[T]{f: f, held: held}
	r := run(t, x, timer.Timeout[T](o, time.Second))
	if !errors.Is(r.Err, timer.ErrTimeout) {
		t.Fatalf("Timeout = %v; want ErrTimeout", r.Err)
	}
	if !o.saw {
		t.Fatal("the future held nothing while it waited")
	}
}

// aborted spawns f as a task, waits until it holds, and aborts it.
func aborted[T any](t *testing.T, x rttest.Executor, f async.Future[T], held func() bool) {
	t.Helper()
	run(t, x, async.Go(func(co *async.Co) struct{} {
		h := async.Spawn(co.Context(), f)
		yieldUntil(co, held)
		if !held() {
			t.Error("the task's future held nothing while it waited")
		}
		h.Abort()
		r := async.Await(co, async.Future[async.Result[T]](h))
		if !errors.Is(r.Err, async.ErrAborted) {
			t.Errorf("aborted task = %v; want ErrAborted", r.Err)
		}
		return struct{}{}
	}))
}
