package lock

// Helpers for the tests of Notify, Barrier and OnceCell. Their names start
// with nt so that they cannot collide with the helpers of the other
// primitives' tests.

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// ntCx returns a Context with waker w and a full budget, for polling by
// hand.
func ntCx(w async.Waker) *async.Context { return testfut.NewContext(w) }

// ntRun runs f on a new executor of x's kind with a paused clock. Tasks
// that only wait on each other and deadlock make the paused clock jump to
// the guard's deadline, so a lost wakeup fails the test at once instead
// of hanging it. Tests with plain goroutines use ntRunReal: the paused
// clock would jump while a task waits for a goroutine.
func ntRun[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	return ntRunWith(t, x, time.Hour, f, executor.WithPausedClock())
}

// ntRunReal is ntRun on the real clock, with a limit no healthy run comes
// near.
func ntRunReal[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	return ntRunWith(t, x, 2*time.Minute, f)
}

func ntRunWith[T any](t *testing.T, x rttest.Executor, limit time.Duration, f async.Future[T], opts ...executor.Option) T {
	t.Helper()
	ex := x.New(t, opts...)
	r, err := executor.BlockOn(ex, async.Future[async.Result[T]](timer.TimeoutValue(f, limit)))
	if err != nil {
		t.Fatalf("BlockOn: %v", err)
	}
	if r.Err != nil {
		t.Fatalf("deadlocked: %v", r.Err)
	}
	if n := ex.Reactor().Timers(); n != 0 {
		t.Errorf("%d timers left armed", n)
	}
	return r.Value
}

// ntUntil yields until cond holds: a test whose premise is that a task it
// spawned has run (and queued, say) states it with ntUntil, since on the
// multi-thread executor that task may still wait for a worker. After a
// great many tries it gives up, so that the test's own check reports
// what did not happen.
func ntUntil(co *async.Co, cond func() bool) {
	for i := 0; !cond() && i < 1<<20; i++ {
		async.Await(co, async.Yield())
	}
}

// ntSpawn spawns f from the coroutine co.
func ntSpawn[T any](co *async.Co, f async.Future[T]) async.JoinHandle[T] {
	return async.Spawn(co.Context(), f)
}

// ntJoin awaits h and fails the test unless the task completed.
func ntJoin[T any](t *testing.T, co *async.Co, h async.JoinHandle[T]) T {
	t.Helper()
	r := async.Await(co, async.Future[async.Result[T]](h))
	if r.Err != nil {
		t.Errorf("task: %v", r.Err)
	}
	return r.Value
}

// ntAborted aborts h, awaits it and reports whether the abort took
// effect (false: the task had completed first, with value v).
func ntAborted[T any](t *testing.T, co *async.Co, h async.JoinHandle[T]) (v T, aborted bool) {
	t.Helper()
	h.Abort()
	r := async.Await(co, async.Future[async.Result[T]](h))
	switch {
	case errors.Is(r.Err, async.ErrAborted):
		return v, true
	case r.Err != nil:
		t.Errorf("aborted task: %v", r.Err)
	}
	return r.Value, false
}

// ntWaiting returns the number of queued Notified futures.
func (n *Notify) ntWaiting() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.waiters.len() + n.releasing.len()
}

// ntPermit reports whether a permit is stored.
func (n *Notify) ntPermit() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.permit
}

// ntIdle fails the test unless nothing waits in n and no permit is
// stored.
func (n *Notify) ntIdle(t *testing.T) {
	t.Helper()
	if w, p := n.ntWaiting(), n.ntPermit(); w != 0 || p {
		t.Errorf("Notify not idle: %d waiting, permit %v", w, p)
	}
}

// ntCounts returns the live arrivals of the current round and all queued
// futures, released ones included.
func (b *Barrier) ntCounts() (arrived, queued int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.waiters.len(), b.waiters.len() + b.releasing.len()
}

// ntIdle fails the test unless no party has arrived and nothing is
// queued.
func (b *Barrier) ntIdle(t *testing.T) {
	t.Helper()
	if a, q := b.ntCounts(); a != 0 || q != 0 {
		t.Errorf("Barrier not idle: %d arrived, %d queued", a, q)
	}
}

// ntCounts returns the callers in line, the watchers, and whether someone
// has the turn to initialise.
func (c *OnceCell[T]) ntCounts() (initers, watchers int, busy bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.initers.len(), c.watchers.len(), c.busy
}

// ntIdle fails the test unless nobody waits in c and nobody has the turn.
func (c *OnceCell[T]) ntIdle(t *testing.T) {
	t.Helper()
	if i, w, busy := c.ntCounts(); i != 0 || w != 0 || busy {
		t.Errorf("OnceCell not idle: %d in line, %d watching, busy %v", i, w, busy)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.initWaker != nil {
		t.Errorf("OnceCell keeps the initialiser's waker %v", c.initWaker)
	}
}

// ntInit is an initialisation for a OnceCell that the test completes: a
// testfut.Future, counting the calls of the init function.
type ntInit[T any] struct {
	calls int
	futs  []*testfut.Future[T]
}

// fn is the init function: each call makes a new pending future.
func (i *ntInit[T]) fn() async.Future[T] {
	i.calls++
	f := testfut.New[T]()
	i.futs = append(i.futs, f)
	return f
}

// ntMulti returns the multi-thread executor's configuration, for the
// stress tests.
func ntMulti() rttest.Executor {
	for _, x := range rttest.Executors {
		if x.Multi {
			return x
		}
	}
	panic("lock: no multi-thread executor to test")
}

// ntYields returns a future that gives way n times and is then ready.
func ntYields(n int) async.Future[struct{}] {
	return async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
		if n == 0 {
			return struct{}{}, true
		}
		n--
		cx.Waker().Wake()
		return struct{}{}, false
	})
}
