package executor_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

// newMulti returns a multi-thread executor of n workers, closed when the
// test ends.
func newMulti(t *testing.T, n int, opts ...executor.Option) *executor.MultiThread {
	t.Helper()
	ex, err := executor.NewMultiThread(append(opts, executor.WithWorkers(n))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ex.Close() })
	return ex
}

// watchdog fails the test, with the executor's metrics, if progress stops
// moving for stall: a lost wakeup shows as a hang, and this catches it
// long before the test binary's timeout, with what each worker was doing.
// It returns a function that stops it.
func watchdog(t *testing.T, ex *executor.MultiThread, progress *atomic.Int64, stall time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		last, since := progress.Load(), time.Now()
		tick := time.NewTicker(stall / 20)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if p := progress.Load(); p != last {
				last, since = p, time.Now()
				continue
			}
			if time.Since(since) > stall {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				t.Errorf("no progress for %v at %d: a lost wakeup?\nmetrics: %+v\n%s", stall, last, ex.Metrics(), buf[:n])
				return
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// flipper is a task that waits to be woken rounds times; each wake comes
// from somewhere else: a plain goroutine, another task, or a timer.
type flipper struct {
	rounds   int
	woken    atomic.Bool
	waker    atomic.Pointer[async.Waker]
	done     *atomic.Int64 // counts the rounds of every flipper
	finished *atomic.Int64 // counts the flippers that completed
	polls    int
	pending  bool
}

func (f *flipper) Poll(cx *async.Context) (struct{}, bool) {
	f.polls++
	if f.pending && !f.woken.Swap(false) {
		return struct{}{}, false // spurious: keep waiting
	}
	if f.rounds == 0 {
		f.finished.Add(1)
		return struct{}{}, true
	}
	f.rounds--
	f.done.Add(1)
	w := cx.Waker()
	f.waker.Store(&w)
	f.pending = true
	return struct{}{}, false
}

func (f *flipper) Cancel() {}

// wake wakes the flipper if it waits, and reports whether it did.
func (f *flipper) wake() bool {
	w := f.waker.Swap(nil)
	if w == nil {
		return false
	}
	f.woken.Store(true)
	(*w).Wake()
	return true
}

// Every wake reaches its task: tasks on two workers are woken many times
// each from plain goroutines, from other tasks and from timers, and a
// watchdog fails the test if they stop making progress (a lost wakeup
// would hang them).
func TestMultiThreadNoLostWakeups(t *testing.T) {
	ex := newMulti(t, 2)
	const tasks, rounds = 64, 200
	var progress atomic.Int64
	stop := watchdog(t, ex, &progress, 10*time.Second)
	defer stop()
	var finished atomic.Int64
	flippers := make([]*flipper, tasks)
	for i := range flippers {
		flippers[i] = &flipper{rounds: rounds, done: &progress, finished: &finished}
	}
	var quit atomic.Bool
	var wg sync.WaitGroup
	defer wg.Wait()
	defer quit.Store(true)
	// Plain goroutines wake the even flippers.
	for g := range 2 {
		wg.Go(func() {
			for !quit.Load() {
				for i := g * 2; i < tasks; i += 4 {
					flippers[i].wake()
				}
				runtime.Gosched()
			}
		})
	}
	main := async.Go(func(co *async.Co) error {
		var hs []async.JoinHandle[struct{}]
		for _, f := range flippers {
			hs = append(hs, async.Spawn(co.Context(), async.Future[struct{}](f)))
		}
		// Tasks wake the odd flippers; one of them by timers.
		for k := range 2 {
			hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
				// Until every flipper has completed: the last round of
				// each needs one more wake to see that it is over.
				for !quit.Load() && finished.Load() < tasks {
					for i := 1 + 2*k; i < tasks; i += 4 {
						flippers[i].wake()
					}
					if k == 0 {
						async.Await(co, timer.Sleep(10*time.Microsecond))
					} else {
						async.Await(co, async.Yield())
					}
				}
				return struct{}{}
			})))
		}
		for _, h := range hs {
			if r := async.Await(co, h); r.Err != nil {
				return r.Err
			}
		}
		return nil
	})
	err, runErr := executor.BlockOn(ex, main)
	if err != nil || runErr != nil {
		t.Fatalf("BlockOn: %v, %v", err, runErr)
	}
	if got := progress.Load(); got != tasks*rounds {
		t.Fatalf("%d wakes taken; want %d", got, tasks*rounds)
	}
}

// A million tiny tasks, spawned from tasks on every worker, all run once,
// and none is left live.
func TestMultiThreadMillionSpawns(t *testing.T) {
	ex := newMulti(t, 2)
	n := 1_000_000
	if testing.Short() || raceEnabled {
		n = 200_000
	}
	const spawners = 8
	var ran atomic.Int64
	stop := watchdog(t, ex, &ran, 20*time.Second)
	defer stop()
	main := async.Go(func(co *async.Co) int64 {
		var hs []async.JoinHandle[struct{}]
		for range spawners {
			hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
				var kids []async.JoinHandle[struct{}]
				for range n / spawners {
					kids = append(kids, async.Spawn(co.Context(), async.PollFunc[struct{}](func(*async.Context) (struct{}, bool) {
						ran.Add(1)
						return struct{}{}, true
					})))
				}
				for _, k := range kids {
					async.Await(co, k)
				}
				return struct{}{}
			})))
		}
		for _, h := range hs {
			async.Await(co, h)
		}
		return ran.Load()
	})
	got, err := executor.BlockOn(ex, main)
	if err != nil || got != int64(n) {
		t.Fatalf("BlockOn = %d, %v; want %d tasks run", got, err, n)
	}
	m := ex.Metrics()
	if m.Live != 0 {
		t.Errorf("%d tasks still live", m.Live)
	}
	var polls, spawns uint64
	for _, w := range m.Workers {
		polls += w.Polls
		spawns += w.Spawns
	}
	if spawns != uint64(n+spawners) || polls < spawns {
		t.Errorf("metrics: %d spawns, %d polls; want %d spawns and at least as many polls", spawns, polls, n+spawners)
	}
}

// Aborts race with the tasks they abort, from plain goroutines and from
// tasks: every handle reports the task's value or ErrAborted, a task
// aborted before it finished never finishes after (the handles with a
// value are exactly the tasks that finished), and nothing is left.
func TestMultiThreadAbortRace(t *testing.T) {
	ex := newMulti(t, 2)
	const n = 2000
	var finished atomic.Int64
	var progress atomic.Int64
	stop := watchdog(t, ex, &progress, 10*time.Second)
	defer stop()
	main := async.Go(func(co *async.Co) error {
		hs := make([]async.JoinHandle[int], n)
		for i := range hs {
			// A state machine, not a coroutine: a coroutine cancelled
			// before its first poll still runs up to its first Await.
			yields := i % 5
			hs[i] = async.Spawn(co.Context(), async.PollFunc[int](func(cx *async.Context) (int, bool) {
				if yields > 0 {
					yields--
					cx.Waker().Wake()
					return 0, false
				}
				finished.Add(1)
				return i, true
			}))
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; i < n; i += 2 {
				hs[i].Abort()
			}
		})
		for i := 1; i < n; i += 4 {
			hs[i].Abort()
			async.Await(co, async.Yield())
		}
		wg.Wait()
		var values int64
		for i, h := range hs {
			r := async.Await(co, h)
			progress.Add(1)
			switch {
			case r.Err == nil && r.Value != i:
				return fmt.Errorf("task %d returned %d", i, r.Value)
			case r.Err != nil && !errors.Is(r.Err, async.ErrAborted):
				return fmt.Errorf("task %d: %v", i, r.Err)
			case r.Err == nil:
				values++
			}
		}
		if f := finished.Load(); f != values {
			return fmt.Errorf("%d tasks finished but %d handles have a value", f, values)
		}
		return nil
	})
	err, runErr := executor.BlockOn(ex, main)
	if err != nil || runErr != nil {
		t.Fatalf("BlockOn: %v, %v", err, runErr)
	}
	if m := ex.Metrics(); m.Live != 0 {
		t.Errorf("%d tasks still live", m.Live)
	}
}
