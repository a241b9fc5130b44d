package tasktest

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// The three ways a future is cancelled while it waits, for the
// cancellation-safety tests. Each runs f on a new executor of x's kind
// (with Run), waits until f holds what held reports (its waker in a list,
// a registration), then has f cancelled, and returns once it is; the test
// then checks what f left behind.

// LostInSelect runs f against a future that is ready at its second poll:
// f is polled, waits, and loses.
func LostInSelect[T any](t *testing.T, x rttest.Executor, f async.Future[T], held func() bool) {
	t.Helper()
	o := &observed[T]{f: f, held: held}
	r := Run(t, x, async.Select2[T, struct{}](o, async.Yield()))
	if r.Index != 1 {
		t.Fatalf("Select2 won by %d; want 1, the yield", r.Index)
	}
	if !o.saw {
		t.Fatal("the future held nothing while it waited")
	}
}

// TimedOut runs f under a timeout of a second of the paused clock.
func TimedOut[T any](t *testing.T, x rttest.Executor, f async.Future[T], held func() bool) {
	t.Helper()
	o := &observed[T]{f: f, held: held}
	r := Run(t, x, timer.TimeoutValue[T](o, time.Second))
	if !errors.Is(r.Err, timer.ErrTimeout) {
		t.Fatalf("Timeout = %v; want ErrTimeout", r.Err)
	}
	if !o.saw {
		t.Fatal("the future held nothing while it waited")
	}
}

// Aborted spawns f as a task, waits until it holds, and aborts it.
func Aborted[T any](t *testing.T, x rttest.Executor, f async.Future[T], held func() bool) {
	t.Helper()
	Run(t, x, async.Do(func(co *async.Co) {
		h := async.Spawn(co.Context(), f)
		WaitFor(co, held)
		if !held() {
			t.Error("the task's future held nothing while it waited")
		}
		h.Abort()
		r := async.Await(co, async.Future[async.Result[T]](h))
		if !errors.Is(r.Err, async.ErrAborted) {
			t.Errorf("aborted task = %v; want ErrAborted", r.Err)
		}
	}))
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

// Way is one of LostInSelect, TimedOut and Aborted, for a test that runs
// the same case each of the three ways.
type Way[T any] func(t *testing.T, x rttest.Executor, f async.Future[T], held func() bool)
