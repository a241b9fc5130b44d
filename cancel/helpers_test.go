package cancel

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

// hooksLen returns the number of entries in t's list: waiting futures,
// callbacks and children.
func (t *Token) hooksLen() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hooks.Len()
}

// checkEmpty fails the test unless nothing is left in t's list.
func checkEmpty(tb testing.TB, t *Token, what string) {
	tb.Helper()
	if n := t.hooksLen(); n != 0 {
		tb.Errorf("%s: %d entries left in the token's list; want 0", what, n)
	}
}

// handContext returns a Context with waker w and no runtime, for polling
// by hand.
func handContext(w async.Waker) *async.Context { return testfut.NewContext(w) }

// run runs f on a new executor of x's kind with a paused clock, under a
// guard of an hour: tasks that wait for a wake that never comes make the
// paused clock jump to the guard, so a lost wakeup fails the test at once
// instead of hanging it.
func run[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	ex := x.New(t, executor.WithPausedClock())
	r, err := executor.BlockOn(ex, timer.Timeout(f, time.Hour))
	if err != nil {
		t.Fatalf("BlockOn: %v", err)
	}
	if r.Err != nil {
		t.Fatalf("tasks deadlocked: %v", r.Err)
	}
	return r.Value
}

// runLive runs f on a new executor of x's kind with the real clock, for
// tests in which plain goroutines wake the tasks: a paused clock would
// jump to the guard while the tasks wait for them. The guard is a minute.
func runLive[T any](t *testing.T, x rttest.Executor, f async.Future[T]) T {
	t.Helper()
	ex := x.New(t)
	r, err := executor.BlockOn(ex, timer.Timeout(f, time.Minute))
	if err != nil {
		t.Fatalf("BlockOn: %v", err)
	}
	if r.Err != nil {
		t.Fatalf("tasks stuck: %v", r.Err)
	}
	return r.Value
}

// yieldUntil yields the coroutine's task until cond holds, or gives up
// after a great many tries so that the caller's own check reports what
// did not happen. On the multi-thread executor a task just spawned may not
// have run yet when its spawner is polled again.
func yieldUntil(co *async.Co, cond func() bool) {
	for tries := 0; !cond() && tries < 1<<20; tries++ {
		async.Await(co, async.Yield())
	}
}

// observed polls f and, after f's first pending poll, records held(): what
// f holds while it waits, for a cancellation test to compare with what is
// left once f was cancelled.
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

// The three ways a future is cancelled. Each waits until f holds what
// held reports (its waker in a token's list, an AfterFunc), then has f
// cancelled, and returns once it is.

// lostInSelect runs f against a future that is ready at its second poll:
// f is polled, waits, and loses.
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
