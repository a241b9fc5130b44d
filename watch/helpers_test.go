package watch

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// countWaker counts its wakes; it is safe from any goroutine.
type countWaker struct{ n atomic.Int64 }

func (w *countWaker) Wake()      { w.n.Add(1) }
func (w *countWaker) wakes() int { return int(w.n.Load()) }

// handContext returns a Context with waker w and no runtime, for polling
// by hand.
func handContext(w async.Waker) *async.Context { return testfut.NewContext(w) }

// queued reports whether r's waiter is in the channel's list.
func queued[T any](r *Receiver[T]) bool {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	return r.c.waiters.Contains(&r.w)
}

// checkIdle fails the test unless no receiver waits in c.
func checkIdle[T any](t *testing.T, c *channel[T]) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiters.Len() != 0 || !c.waiters.Empty() {
		t.Errorf("channel not idle: %d waiters", c.waiters.Len())
	}
}

// newExecutor returns an executor of x's kind that the test closes,
// checking that no timer was left armed.
func newExecutor(t *testing.T, x rttest.Executor, opts ...executor.Option) executor.Executor {
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

// run runs f on a new executor of x's kind with a paused clock, under a
// guard of an hour: tasks that deadlock make the paused clock jump to the
// guard's deadline, so a lost wakeup fails the test at once instead of
// hanging it.
func run[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	ex := newExecutor(t, x, executor.WithPausedClock())
	r, err := executor.BlockOn(ex, timer.Timeout(f, time.Hour))
	if err != nil {
		t.Fatalf("BlockOn: %v", err)
	}
	if r.Err != nil {
		t.Fatalf("tasks deadlocked: %v", r.Err)
	}
	return r.Value
}

// waitFor yields from the coroutine until cond holds: a test whose premise
// is that a task it spawned has run (and queued, say) states it so, since
// on the multi-thread executor that task may still wait for a worker.
// After a great many tries it gives up, so that the test's own assertion
// reports what did not happen.
func waitFor(co *async.Co, cond func() bool) {
	for i := 0; !cond() && i < 1<<20; i++ {
		async.Await(co, async.Yield())
	}
}

// spawnAll is a future that spawns every future of fs and is ready once
// all of them are; it fails the test if one ends in an error.
type spawnAll struct {
	t  testing.TB
	fs []async.Future[struct{}]
	hs []async.JoinHandle[struct{}]
}

func all(t testing.TB, fs ...async.Future[struct{}]) *spawnAll { return &spawnAll{t: t, fs: fs} }

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
