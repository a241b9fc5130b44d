package executor_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// A blocking call on the pool gives its value, and does not hold up the
// executor: a task ticking a timer keeps running while it blocks.
func TestSpawnBlockingRunsBesideTasks(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := x.New(t)
		release := make(chan struct{})
		main := async.Go(func(co *async.Co) error {
			h := async.SpawnBlocking(co.Context(), func() string {
				<-release // blocks its goroutine, not a worker
				if ex.OnExecutor() {
					return "ran on the executor's goroutine"
				}
				return "done"
			})
			// The executor goes on: three ticks, then let the call end.
			for range 3 {
				async.Await(co, timer.Sleep(time.Millisecond))
			}
			close(release)
			v, err := async.Await(co, h).Get()
			if err != nil {
				return err
			}
			if v != "done" {
				return errors.New(v)
			}
			return nil
		})
		err, runErr := executor.BlockOn(ex, main)
		if err != nil || runErr != nil {
			t.Fatalf("BlockOn: %v, %v", err, runErr)
		}
	})
}

// The pool is bounded: with two goroutines, six calls run two at a time,
// the rest queued, and all finish.
func TestSpawnBlockingIsBounded(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := x.New(t, executor.WithBlockingPool(2, time.Minute))
		var now, most atomic.Int32
		main := async.Go(func(co *async.Co) int {
			var hs []async.JoinHandle[int]
			for i := range 6 {
				hs = append(hs, async.SpawnBlocking(co.Context(), func() int {
					n := now.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					time.Sleep(5 * time.Millisecond)
					now.Add(-1)
					return i
				}))
			}
			sum := 0
			for _, h := range hs {
				sum += async.Await(co, h).Value
			}
			return sum
		})
		sum, err := executor.BlockOn(ex, main)
		if err != nil || sum != 15 {
			t.Fatalf("BlockOn = %d, %v; want 15", sum, err)
		}
		if m := most.Load(); m > 2 {
			t.Errorf("%d blocking calls ran at once; the pool has 2 goroutines", m)
		}
	})
}

// A panic in a blocking call is the handle's PanicError; an aborted call
// runs to its end and its handle says ErrAborted.
func TestSpawnBlockingPanicAndAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := x.New(t)
		var finished atomic.Bool
		release := make(chan struct{})
		main := async.Go(func(co *async.Co) error {
			p := async.Await(co, async.SpawnBlocking(co.Context(), func() int { panic("boom") }))
			var pe *async.PanicError
			if !errors.As(p.Err, &pe) || pe.Value != "boom" {
				return errors.New("panic: " + errorString(p.Err))
			}
			h := async.SpawnBlocking(co.Context(), func() int {
				<-release
				finished.Store(true)
				return 1
			})
			async.Await(co, async.Yield())
			h.Abort()
			close(release)
			if r := async.Await(co, h); !errors.Is(r.Err, async.ErrAborted) {
				return errors.New("abort: " + errorString(r.Err))
			}
			return nil
		})
		err, runErr := executor.BlockOn(ex, main)
		if err != nil || runErr != nil {
			t.Fatalf("BlockOn: %v, %v", err, runErr)
		}
		// Close waits for the aborted call, which Go cannot stop.
		if err := ex.Close(); err != nil {
			t.Fatal(err)
		}
		if !finished.Load() {
			t.Error("Close returned before the aborted blocking call finished")
		}
	})
}

func errorString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// Idle pool goroutines retire after the keep-alive.
func TestBlockingPoolRetires(t *testing.T) {
	ex := newMulti(t, 2, executor.WithBlockingPool(4, 20*time.Millisecond))
	_, err := executor.BlockOn(ex, async.Go(func(co *async.Co) int {
		var hs []async.JoinHandle[int]
		for range 4 {
			hs = append(hs, async.SpawnBlocking(co.Context(), func() int { time.Sleep(time.Millisecond); return 1 }))
		}
		for _, h := range hs {
			async.Await(co, h)
		}
		return 0
	}))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for ex.Metrics().Blocking != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d pool goroutines still alive 10 s after their keep-alive of 20 ms", ex.Metrics().Blocking)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
