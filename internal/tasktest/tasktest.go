// Package tasktest holds helpers for the tests of the channel, lock and
// cancellation packages, and is for tests only: running futures as tasks
// on an executor under a guard timeout, waiting from a task until another
// has done something, and cancelling a waiting future each of the three
// ways (lost in a Select, timed out, its task aborted).
//
//	func TestRecvCancelled(t *testing.T) {
//		rttest.Each(t, func(t *testing.T, x rttest.Executor) {
//			tasktest.TimedOut(t, x, rx.Recv(), func() bool { return queued(rx) })
//		})
//	}
//
// It cannot live in rttest: it needs package timer, whose own tests use
// rttest.
package tasktest

import (
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// NewExecutor returns an executor of x's kind, with opts besides x's own,
// that is closed when the test ends, checking then that no timer was left
// armed.
func NewExecutor(t testing.TB, x rttest.Executor, opts ...executor.Option) executor.Executor {
	t.Helper()
	ex, err := x.Make(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if n := ex.Reactor().Timers(); n != 0 {
			t.Errorf("%d timers left armed", n)
		}
		if err := ex.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return ex
}

// Run runs f on a new executor of x's kind with a paused clock, under a
// guard of an hour of it: tasks that wait for a wake that never comes make
// the paused clock jump to the guard's deadline, so a lost wakeup fails
// the test at once instead of hanging it. Use it where only the tasks wake
// each other.
func Run[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	return runOn(t, NewExecutor(t, x, executor.WithPausedClock()), time.Hour, f)
}

// RunLive runs f on a new executor of x's kind with the real clock, for
// tests in which something outside the tasks (a plain goroutine, a signal)
// wakes them: a paused clock would jump to the guard while the tasks wait
// for it. The guard is a minute.
func RunLive[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	return runOn(t, NewExecutor(t, x), time.Minute, f)
}

func runOn[T any](t *testing.T, ex executor.Executor, guard time.Duration, f async.Future[T]) T {
	t.Helper()
	r, err := executor.BlockOn(ex, timer.TimeoutValue(f, guard))
	if err != nil {
		t.Fatalf("BlockOn: %v", err)
	}
	if r.Err != nil {
		t.Fatalf("tasks deadlocked: %v", r.Err)
	}
	return r.Value
}

// WaitFor yields from the coroutine until cond holds: a test whose premise
// is that a task it spawned has run (and queued, say) states it so, since
// on the multi-thread executor that task may still wait for a worker.
// After a great many tries it gives up, so that the test's own assertion
// reports what did not happen.
func WaitFor(co *async.Co, cond func() bool) {
	for i := 0; !cond() && i < 1<<20; i++ {
		async.Await(co, async.Yield())
	}
}

// All returns a future that spawns every future of fs at its first poll
// and is ready once all of them are; it fails the test if one ends in an
// error. Cancelling it cancels the tasks still running.
func All(t testing.TB, fs ...async.Future[struct{}]) async.Future[struct{}] {
	return &spawnAll{t: t, fs: fs}
}

type spawnAll struct {
	t  testing.TB
	fs []async.Future[struct{}]
	hs []async.JoinHandle[struct{}]
}

func (s *spawnAll) Poll(cx *async.Context) (struct{}, bool) {
	if s.hs == nil {
		for _, f := range s.fs {
			s.hs = append(s.hs, async.Spawn(cx, f))
		}
	}
	for len(s.hs) > 0 {
		r, ok := s.hs[0].Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if r.Err != nil {
			s.t.Errorf("task: %v", r.Err)
		}
		s.hs = s.hs[1:]
	}
	return struct{}{}, true
}

func (s *spawnAll) Cancel() {
	for _, h := range s.hs {
		h.Cancel()
	}
}

// Stress runs the tasks fs on a new multi-thread executor, where tasks
// move between workers and wake each other from any of them.
func Stress(t *testing.T, fs ...async.Future[struct{}]) {
	t.Helper()
	ex := NewExecutor(t, multiThread())
	if _, err := executor.BlockOn(ex, All(t, fs...)); err != nil {
		t.Fatalf("BlockOn: %v", err)
	}
}

// multiThread is the multi-thread executor configuration of rttest.
func multiThread() rttest.Executor {
	for _, x := range rttest.Executors {
		if x.Multi {
			return x
		}
	}
	panic("tasktest: no multi-thread executor in rttest")
}
