package group

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

var errBoom = errors.New("boom")

// run runs f on a new executor of x's kind with a paused clock. Tasks that
// only wait on each other and deadlock make the paused clock jump to the
// guard's deadline, so a lost wakeup fails the test at once instead of
// hanging it.
func run[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	r, err := executor.Run(timer.TimeoutValue(f, time.Hour), x.With(executor.WithPausedClock())...)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.Err != nil {
		t.Fatalf("tasks deadlocked: %v", r.Err)
	}
	return r.Value
}

// until is a future that is ready once cond holds, yielding meanwhile. A
// test whose premise is that a task it spawned has run states it with
// until: on the multi-thread executor that task may still be waiting for a
// worker. After a great many tries it gives up, so that the test's own
// assertion reports what did not happen.
func until(cond func() bool) async.Future[struct{}] {
	tries := 0
	return async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
		if cond() || tries >= 1<<20 {
			return struct{}{}, true
		}
		tries++
		cx.Waker().Wake()
		return struct{}{}, false
	})
}

// sleepThen is a coroutine that sleeps d and returns v.
func sleepThen[T any](d time.Duration, v T) async.Future[T] {
	return async.Go(func(co *async.Co) T {
		async.Await(co, timer.Sleep(d))
		return v
	})
}

// readyFuture is ready with v at every poll. It holds nothing, so one may
// be spawned again and again (the benchmarks and alloc tests do).
type readyFuture[T any] struct{ v T }

func (f *readyFuture[T]) Poll(*async.Context) (T, bool) { return f.v, true }
func (f *readyFuture[T]) Cancel()                       {}

// panicFuture panics at its first poll; cancels counts the Cancel that
// follows.
type panicFuture struct{ cancels int }

func (f *panicFuture) Poll(*async.Context) (int, bool) { panic("kaboom") }
func (f *panicFuture) Cancel()                         { f.cancels++ }

// waiting returns the number of futures and goroutines waiting on c.
func (c *core[T]) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiters.Len()
}

// isClosed reports whether c was closed (or a group failed).
func (c *core[T]) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// checkIdle fails the test unless c holds no task and no waiter.
func checkIdle[T any](t *testing.T, c *core[T]) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n != 0 || c.live.n != 0 || c.aborting.n != 0 || c.readyHead != nil || c.waiters.Len() != 0 {
		t.Errorf("core not idle: %d tasks, %d live, %d aborting, ready %v, %d waiters",
			c.n, c.live.n, c.aborting.n, c.readyHead != nil, c.waiters.Len())
	}
}
