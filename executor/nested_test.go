package executor_test

import (
	"errors"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
)

// BlockOn (and Run) called from inside a future an executor polls fails
// with ErrNested instead of blocking that executor, on either executor and
// from a task, a coroutine's body and the future given to BlockOn; the
// outer executor goes on.
func TestNestedBlockOnFails(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		nested := func() error {
			_, err := executor.Run(async.Ready(1), x.Options...)
			return err
		}
		ex := x.New(t)
		got, err := executor.BlockOn(ex, async.Go(func(co *async.Co) []error {
			fromTask := async.Spawn(co.Context(), async.PollFunc[error](func(*async.Context) (error, bool) {
				return nested(), true
			}))
			fromCoroutine := async.Spawn(co.Context(), async.Go(func(*async.Co) error { return nested() }))
			return []error{nested(), async.Await(co, fromTask).Value, async.Await(co, fromCoroutine).Value}
		}))
		if err != nil {
			t.Fatalf("outer BlockOn: %v", err)
		}
		for i, from := range []string{"BlockOn's coroutine", "a task", "a spawned coroutine"} {
			if !errors.Is(got[i], executor.ErrNested) {
				t.Errorf("Run from %s: %v; want ErrNested", from, got[i])
			}
		}
		// And from BlockOn's future itself, a plain state machine.
		v, err := executor.BlockOn(ex, async.PollFunc[error](func(*async.Context) (error, bool) { return nested(), true }))
		if err != nil || !errors.Is(v, executor.ErrNested) {
			t.Errorf("Run from BlockOn's future: %v, %v; want ErrNested", v, err)
		}
	})
}
