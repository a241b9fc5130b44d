package group

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
)

func TestGroupAllSucceed(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var g Group
		err := run(t, x, async.Go(func(co *async.Co) error {
			for i := range 5 {
				g.Spawn(co.Context(), sleepThen[error](time.Duration(i)*time.Second, nil))
			}
			return async.Await(co, g.Wait())
		}))
		if err != nil {
			t.Errorf("Wait = %v; want nil", err)
		}
		if g.Len() != 0 {
			t.Errorf("Len = %d; want 0", g.Len())
		}
		checkIdle(t, &g.c)
	})
}

func TestGroupEmptyWait(t *testing.T) {
	var g Group
	if err, ok := g.Wait().Poll(testfut.NewContext(async.NoopWaker())); !ok || err != nil {
		t.Errorf("Wait of an empty group = %v, %v; want nil at once", err, ok)
	}
	if err := g.WaitBlocking(); err != nil {
		t.Errorf("WaitBlocking of an empty group = %v", err)
	}
}

// The first error aborts every other task (their futures are cancelled),
// and any task spawned after it; Wait reports that error once all ended.
func TestGroupFirstErrorCancelsRest(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var g Group
		rest := []*testfut.Future[error]{testfut.New[error](), testfut.New[error](), testfut.New[error]()}
		late := testfut.New[error]()
		err := run(t, x, async.Go(func(co *async.Co) error {
			for _, f := range rest {
				g.Spawn(co.Context(), f)
			}
			g.Spawn(co.Context(), sleepThen[error](time.Second, nil)) // succeeds first
			g.Spawn(co.Context(), sleepThen(2*time.Second, errBoom))
			err := async.Await(co, g.Wait())
			for i, f := range rest {
				if f.Cancels() != 1 {
					t.Errorf("task %d's future was cancelled %d times by the time Wait returned; want once", i, f.Cancels())
				}
			}
			g.Spawn(co.Context(), late)
			if err := async.Await(co, g.Wait()); !errors.Is(err, errBoom) {
				t.Errorf("second Wait = %v; want errBoom still", err)
			}
			return err
		}))
		if !errors.Is(err, errBoom) {
			t.Errorf("Wait = %v; want errBoom", err)
		}
		testfut.AssertPolls(t, late, 0)
		testfut.AssertCancelled(t, late)
		testfut.AssertClean(t, append(testfut.Probes(rest), late)...)
		checkIdle(t, &g.c)
	})
}

// A panic is an error of the group, and aborts the rest.
func TestGroupPanicCancelsRest(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var g Group
		f := testfut.New[error]()
		err := run(t, x, async.Go(func(co *async.Co) error {
			g.Spawn(co.Context(), f)
			g.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				async.Await(co, async.Yield())
				panic("kaboom")
			}))
			return async.Await(co, g.Wait())
		}))
		var pe *async.PanicError
		if !errors.As(err, &pe) || pe.Value != "kaboom" {
			t.Errorf("Wait = %v; want a PanicError of kaboom", err)
		}
		testfut.AssertCancelled(t, f)
	})
}

// Close aborts the group: Wait reports ErrAborted.
func TestGroupClose(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var g Group
		f := testfut.New[error]()
		err := run(t, x, async.Go(func(co *async.Co) error {
			g.Spawn(co.Context(), f)
			async.Await(co, until(func() bool { return f.Waker() != nil }))
			g.Close()
			return async.Await(co, g.Wait())
		}))
		if !errors.Is(err, async.ErrAborted) {
			t.Errorf("Wait after Close = %v; want ErrAborted", err)
		}
		testfut.AssertCancelled(t, f)
	})
}

// Tasks spawned onto an executor from a plain goroutine, awaited there.
func TestGroupSpawnOnWaitBlocking(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := x.New(t)
		var g Group
		stuck := testfut.New[error]()
		g.SpawnOn(ex, stuck)
		g.SpawnOn(ex, async.Go(func(co *async.Co) error {
			async.Await(co, async.Yield())
			return errBoom
		}))
		stop := testfut.New[struct{}]()
		ran := make(chan error)
		go func() {
			_, err := executor.BlockOn(ex, async.Future[struct{}](stop))
			ran <- err
		}()
		if err := g.WaitBlocking(); !errors.Is(err, errBoom) {
			t.Errorf("WaitBlocking = %v; want errBoom", err)
		}
		testfut.AssertCancelled(t, stuck)
		stop.Complete(struct{}{})
		if err := <-ran; err != nil {
			t.Errorf("BlockOn: %v", err)
		}
	})
}

// The executor's shutdown fails the group's tasks with ErrShutdown.
func TestGroupExecutorShutdown(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var g Group
		f := testfut.New[error]()
		run(t, x, async.Go(func(co *async.Co) struct{} {
			g.Spawn(co.Context(), f)
			g.Spawn(co.Context(), sleepThen[error](2*time.Hour, nil))
			return struct{}{}
		}))
		if err := g.WaitBlocking(); !errors.Is(err, async.ErrShutdown) {
			t.Errorf("WaitBlocking = %v; want ErrShutdown", err)
		}
		testfut.AssertCancelled(t, f)
		checkIdle(t, &g.c)
	})
}
