package executor_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/timer"
)

// shapes are the ways an executor can be set up; most tests run in each:
// the current-thread executor in its three shapes, and the multi-thread
// executor (rttest.Workers workers, so that tasks move between them), with
// its clock running and paused.
var shapes = []struct {
	name   string
	opts   []executor.Option
	multi  bool // a MultiThread: opts hold executor.WithWorkers
	paused bool // the clock stands still until every task is idle
}{
	{"turns-reactor", nil, false, false},
	{"reactor-goroutine", []executor.Option{executor.WithReactorGoroutine()}, false, false},
	{"paused-clock", []executor.Option{executor.WithPausedClock()}, false, true},
	{"multi-thread", []executor.Option{executor.WithWorkers(rttest.Workers)}, true, false},
	{"multi-thread-paused-clock", []executor.Option{executor.WithWorkers(rttest.Workers), executor.WithPausedClock()}, true, true},
}

// build makes a MultiThread (multi) or a CurrentThread executor.
func build(multi bool, opts ...executor.Option) (executor.Executor, error) {
	if multi {
		return executor.NewMultiThread(opts...)
	}
	return executor.NewCurrentThread(opts...)
}

// newExecutor makes an executor, a MultiThread if multi, and when the test
// ends checks that nothing is left in its reactor and closes it.
func newExecutor(t *testing.T, multi bool, opts ...executor.Option) executor.Executor {
	t.Helper()
	ex, err := build(multi, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if r := ex.Reactor(); r.Timers() != 0 || r.Sources() != 0 {
			t.Errorf("leaked %d timers and %d sources", r.Timers(), r.Sources())
		}
		if err := ex.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return ex
}

func TestBlockOnReturnsValue(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			ex := newExecutor(t, s.multi, s.opts...)
			v, err := executor.BlockOn(ex, async.Ready(42))
			if v != 42 || err != nil {
				t.Fatalf("BlockOn = %d, %v; want 42, nil", v, err)
			}
		})
	}
}

func TestSpawnedTasksRunAndJoin(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			ex := newExecutor(t, s.multi, s.opts...)
			const n = 1000
			var handles []async.JoinHandle[int]
			sum := 0
			main := run(
				do(func(cx *async.Context) {
					for i := range n {
						handles = append(handles, async.Spawn(cx, async.Future[int](&countdown{n: i % 7, v: i})))
					}
				}),
				func(cx *async.Context) bool {
					for len(handles) > 0 {
						r, ok := handles[0].Poll(cx)
						if !ok {
							return false
						}
						if r.Err != nil {
							t.Errorf("task: %v", r.Err)
						}
						sum += r.Value
						handles = handles[1:]
					}
					return true
				},
			)
			if _, err := executor.BlockOn(ex, main); err != nil {
				t.Fatal(err)
			}
			if want := n * (n - 1) / 2; sum != want {
				t.Fatalf("sum = %d, want %d", sum, want)
			}
		})
	}
}

// countdown yields n times, then is ready with v.
type countdown struct{ n, v int }

func (c *countdown) Poll(cx *async.Context) (int, bool) {
	if c.n > 0 {
		c.n--
		cx.Waker().Wake()
		return 0, false
	}
	return c.v, true
}

func (c *countdown) Cancel() {}

func TestPanickingTaskIsContained(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := newExecutor(t, x.Multi, x.Options...)
		bad := &gate{panicMsg: "boom"}
		good := &gate{}
		var badResult, goodResult async.Result[int]
		var hb, hg async.JoinHandle[int]
		main := run(
			do(func(cx *async.Context) {
				hb = async.Spawn[int](cx, bad)
				hg = async.Spawn[int](cx, good)
			}),
			func(cx *async.Context) bool {
				_, ok := hb.Poll(cx)
				if ok {
					good.Open(7)
				}
				return ok
			},
			await[async.Result[int]](&hb, &badResult),
			await[async.Result[int]](&hg, &goodResult),
		)
		if _, err := executor.BlockOn(ex, main); err != nil {
			t.Fatal(err)
		}
		var pe *async.PanicError
		if !errors.As(badResult.Err, &pe) || pe.Value != "boom" || !strings.Contains(string(pe.Stack), "gate") {
			t.Fatalf("panicking task: %v; want PanicError boom with a stack", badResult.Err)
		}
		if bad.cancels.Load() != 1 {
			t.Errorf("the panicked future was cancelled %d times, want 1", bad.cancels.Load())
		}
		if goodResult.Value != 7 || goodResult.Err != nil {
			t.Fatalf("other task: %+v, want 7", goodResult)
		}
		// The executor is still usable.
		if v, err := executor.BlockOn(ex, async.Ready(1)); v != 1 || err != nil {
			t.Fatalf("BlockOn after a panic = %d, %v", v, err)
		}
	})
}

func TestPanicInBlockOnFutureIsAnError(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := newExecutor(t, x.Multi, x.Options...)
		_, err := executor.BlockOn[int](ex, &gate{panicMsg: "main boom"})
		var pe *async.PanicError
		if !errors.As(err, &pe) || pe.Value != "main boom" {
			t.Fatalf("BlockOn = %v, want PanicError", err)
		}
	})
}

func TestAbortIdleTaskReleasesItsTimer(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			ex := newExecutor(t, s.multi, s.opts...)
			var h async.JoinHandle[struct{}]
			var res async.Result[struct{}]
			var deadline time.Time
			main := run(
				do(func(cx *async.Context) { h = async.Spawn[struct{}](cx, timer.Sleep(time.Hour)) }),
				await[struct{}](async.Yield(), nil),
				func(cx *async.Context) bool {
					// On a CurrentThread one yield lets the spawned task run
					// first. On a MultiThread another worker may have stolen
					// it and not polled it yet: yield until it armed its
					// timer, for at most a (generous) while.
					if !s.multi || cx.Reactor().Timers() != 0 {
						return true
					}
					if deadline.IsZero() {
						deadline = time.Now().Add(10 * time.Second)
					} else if time.Now().After(deadline) {
						return true // the check below reports it
					}
					cx.Waker().Wake()
					return false
				},
				do(func(cx *async.Context) {
					if n := cx.Reactor().Timers(); n != 1 {
						t.Errorf("armed timers = %d, want 1", n)
					}
					h.Abort()
				}),
				await[async.Result[struct{}]](&h, &res),
			)
			if _, err := executor.BlockOn(ex, main); err != nil {
				t.Fatal(err)
			}
			if !errors.Is(res.Err, async.ErrAborted) {
				t.Fatalf("aborted task: %v, want ErrAborted", res.Err)
			}
			if n := ex.Reactor().Timers(); n != 0 {
				t.Fatalf("abort left %d timers armed", n)
			}
		})
	}
}

func TestAbortFromAnotherGoroutine(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := newExecutor(t, x.Multi, x.Options...)
		g := &gate{}
		h := executor.Spawn[int](ex, g)
		go func() {
			for g.polls.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			h.Abort()
		}()
		res, err := executor.BlockOn[async.Result[int]](ex, h)
		if err != nil || !errors.Is(res.Err, async.ErrAborted) {
			t.Fatalf("result %v, %v; want ErrAborted", res.Err, err)
		}
		if g.cancels.Load() != 1 || g.holdsWaker() {
			t.Fatalf("aborted future: %d cancels, holds waker %v", g.cancels.Load(), g.holdsWaker())
		}
	})
}

func TestTaskAbortingItselfIsCancelledAfterItsPoll(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := newExecutor(t, x.Multi, x.Options...)
		var h async.JoinHandle[int]
		// The task may run on another worker before Spawn returns its
		// handle to main: it receives the handle through a channel.
		handle := make(chan async.JoinHandle[int], 1)
		self := async.PollFunc[int](func(cx *async.Context) (int, bool) {
			h := <-handle
			h.Abort()
			return 0, false
		})
		var res async.Result[int]
		main := run(
			do(func(cx *async.Context) { h = async.Spawn[int](cx, self); handle <- h }),
			await[async.Result[int]](&h, &res),
		)
		if _, err := executor.BlockOn(ex, main); err != nil {
			t.Fatal(err)
		}
		if !errors.Is(res.Err, async.ErrAborted) {
			t.Fatalf("self-aborted task: %v", res.Err)
		}
	})
}

func TestWakeFromPlainGoroutine(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			ex := newExecutor(t, s.multi, s.opts...)
			g := &gate{}
			go func() {
				for !g.holdsWaker() {
					time.Sleep(time.Millisecond)
				}
				g.Open(99)
			}()
			// The executor has nothing else to do: it parks in the event
			// queue, and the goroutine's wake must interrupt that.
			done := make(chan struct{})
			go func() {
				defer close(done)
				v, err := executor.BlockOn[int](ex, g)
				if v != 99 || err != nil {
					t.Errorf("BlockOn = %d, %v", v, err)
				}
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("a wake from another goroutine did not reach the parked executor")
			}
		})
	}
}

func TestSpawnFromAnotherGoroutineWhileParked(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := newExecutor(t, x.Multi, x.Options...)
		finish := &gate{}
		go func() {
			for !finish.holdsWaker() {
				time.Sleep(time.Millisecond)
			}
			// The executor is parked with nothing to do: this spawn must wake
			// it, and the task must run.
			h := executor.Spawn(ex, async.Ready(5))
			for !h.Finished() {
				time.Sleep(time.Millisecond)
			}
			res, _ := h.Poll(testfut.NewContext(async.NoopWaker()))
			finish.Open(res.Value)
		}()
		done := make(chan error, 1)
		go func() {
			v, err := executor.BlockOn[int](ex, finish)
			if v != 5 && err == nil {
				err = fmt.Errorf("BlockOn = %d, want 5", v)
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a task spawned from another goroutine never ran")
		}
	})
}

// TestSelfWakingTaskDoesNotStarveIOOrOthers runs a task that wakes itself
// forever beside a task waiting on a socket, a task waiting on a timer and a
// task that yields a few times; all three must finish while it spins.
//
// It runs on both executors: on the multi-thread one the spinner holds a
// worker, whose own queue, I/O and timers must still be served.
//
// A paused clock is left out: it advances only when every task is idle,
// which a spinner never is, so the sleeping task would rightly wait forever.
func TestSelfWakingTaskDoesNotStarveIOOrOthers(t *testing.T) {
	for _, s := range shapes {
		if s.paused {
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			ex := newExecutor(t, s.multi, s.opts...)
			fds := socketPair(t)
			go func() {
				time.Sleep(20 * time.Millisecond)
				unix.Write(fds[1], []byte("ping"))
			}()

			spin := &spinner{}
			var hs async.JoinHandle[int]
			var reader, sleeper, yielder async.JoinHandle[int]
			var got [3]async.Result[int]
			main := run(
				do(func(cx *async.Context) {
					hs = async.Spawn[int](cx, spin)
					reader = async.Spawn[int](cx, &readOnce{fd: fds[0]})
					sleeper = async.Spawn(cx, async.Future[int](&sleepThen{d: 30 * time.Millisecond, v: 2}))
					yielder = async.Spawn[int](cx, &countdown{n: 100, v: 3})
				}),
				await[async.Result[int]](&reader, &got[0]),
				await[async.Result[int]](&sleeper, &got[1]),
				await[async.Result[int]](&yielder, &got[2]),
				do(func(*async.Context) { hs.Abort() }),
			)
			if _, err := executor.BlockOn(ex, main); err != nil {
				t.Fatal(err)
			}
			for i, want := range []int{4, 2, 3} {
				if got[i].Value != want || got[i].Err != nil {
					t.Errorf("task %d: %+v, want %d", i, got[i], want)
				}
			}
			if spin.polls.Load() == 0 {
				t.Error("the spinner never ran")
			}
		})
	}
}

// readOnce reads a socket once through the reactor and returns the count.
type readOnce struct {
	fd  int
	src *reactor.Source
	buf [16]byte
}

func (r *readOnce) Poll(cx *async.Context) (int, bool) {
	if r.src == nil {
		src, err := cx.Reactor().Register(r.fd)
		if err != nil {
			panic(err)
		}
		r.src = src
	}
	res, ok := netfd.PollIO(cx, r.src, reactor.Read, netfd.IOFunc[int](func() (int, error) { return unix.Read(r.fd, r.buf[:]) }))
	if !ok {
		return 0, false
	}
	r.src.Deregister()
	return res.Value, true
}

func (r *readOnce) Cancel() {
	if r.src != nil {
		r.src.Deregister()
	}
}

// sleepThen sleeps for d, then is ready with v.
type sleepThen struct {
	d     time.Duration
	v     int
	sleep *timer.Timer
}

func (s *sleepThen) Poll(cx *async.Context) (int, bool) {
	if s.sleep == nil {
		s.sleep = timer.Sleep(s.d)
	}
	_, ok := s.sleep.Poll(cx)
	return s.v, ok
}

func (s *sleepThen) Cancel() {
	if s.sleep != nil {
		s.sleep.Cancel()
	}
}

func TestBlockOnReturnCancelsRemainingTasks(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			ex := newExecutor(t, s.multi, s.opts...)
			fds := socketPair(t)
			g := &gate{}
			var hs []async.JoinHandle[int]
			main := run(
				do(func(cx *async.Context) {
					hs = append(hs,
						async.Spawn[int](cx, g),
						async.Spawn[int](cx, &readOnce{fd: fds[0]}),
						async.Spawn(cx, async.Future[int](&sleepThen{d: time.Hour})),
						async.Spawn[int](cx, &spinner{}))
				}),
				await[struct{}](async.Yield(), nil),
				await[struct{}](async.Yield(), nil),
			)
			if _, err := executor.BlockOn(ex, main); err != nil {
				t.Fatal(err)
			}
			for i, h := range hs {
				if !h.Finished() {
					t.Fatalf("task %d still alive after BlockOn returned", i)
				}
				res, _ := h.Poll(testfut.NewContext(async.NoopWaker()))
				if !errors.Is(res.Err, async.ErrShutdown) {
					t.Errorf("task %d: %v, want ErrShutdown", i, res.Err)
				}
			}
			if g.cancels.Load() != 1 || g.holdsWaker() {
				t.Errorf("gate: %d cancels, holds waker %v", g.cancels.Load(), g.holdsWaker())
			}
			// newExecutor's cleanup checks that no timer or source is left.
		})
	}
}

func TestSpawnOntoClosedExecutor(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex, err := build(x.Multi, x.Options...)
		if err != nil {
			t.Fatal(err)
		}
		if err := ex.Close(); err != nil {
			t.Fatal(err)
		}
		h := executor.Spawn(ex, async.Ready(1))
		res, ok := h.Poll(testfut.NewContext(async.NoopWaker()))
		if !ok || !errors.Is(res.Err, async.ErrShutdown) {
			t.Fatalf("spawn onto closed executor: %v, %v", ok, res.Err)
		}
		if _, err := executor.BlockOn(ex, async.Ready(1)); !errors.Is(err, executor.ErrClosed) {
			t.Fatalf("BlockOn on closed executor: %v", err)
		}
		if err := ex.Close(); !errors.Is(err, executor.ErrClosed) {
			t.Fatalf("second Close: %v", err)
		}
	})
}

func TestPausedClockRunsAnHourAtOnce(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		start := time.Now()
		var order []int
		var mu sync.Mutex
		var hs []async.JoinHandle[int]
		m := run(
			do(func(cx *async.Context) {
				for i, d := range []time.Duration{time.Hour, time.Minute, time.Second, 2 * time.Hour} {
					hs = append(hs, async.Spawn(cx, async.Future[int](&recordAfter{d: d, i: i, order: &order, mu: &mu})))
				}
			}),
			func(cx *async.Context) bool {
				for _, h := range hs {
					if _, ok := h.Poll(cx); !ok {
						return false
					}
				}
				return true
			},
		)
		ex := newExecutor(t, x.Multi, x.With(executor.WithPausedClock())...)
		before := ex.Reactor().Now()
		if _, err := executor.BlockOn(ex, m); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(order); got != "[2 1 0 3]" {
			t.Fatalf("wake order %s, want [2 1 0 3]", got)
		}
		if virtual := ex.Reactor().Now().Sub(before); virtual < 2*time.Hour {
			t.Fatalf("virtual time advanced %v, want at least 2h", virtual)
		}
		if real := time.Since(start); real > 5*time.Second {
			t.Fatalf("two virtual hours took %v of real time", real)
		}
	})
}

type recordAfter struct {
	d     time.Duration
	i     int
	order *[]int
	mu    *sync.Mutex // guards order: the tasks may run on different workers
	sleep *timer.Timer
}

func (r *recordAfter) Poll(cx *async.Context) (int, bool) {
	if r.sleep == nil {
		r.sleep = timer.Sleep(r.d)
	}
	if _, ok := r.sleep.Poll(cx); !ok {
		return 0, false
	}
	r.mu.Lock()
	*r.order = append(*r.order, r.i)
	r.mu.Unlock()
	return r.i, true
}

func (r *recordAfter) Cancel() { r.sleep.Cancel() }

// CurrentThread only: a MultiThread turns its own reactor and refuses
// WithSharedReactor (see TestPausedClockNeedsTheExecutorToTurnTheReactor).
func TestSharedReactorServesSeveralExecutors(t *testing.T) {
	r, err := reactor.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			if _, err := r.Turn(-1); err != nil {
				return
			}
		}
	}()
	const executors = 4
	var finished atomic.Int32
	errs := make(chan error, executors)
	for i := range executors {
		go func() {
			ex, err := executor.NewCurrentThread(executor.WithSharedReactor(r))
			if err != nil {
				errs <- err
				return
			}
			defer ex.Close()
			_, err = executor.BlockOn(ex, async.Future[int](&sleepThen{d: time.Duration(i+1) * 10 * time.Millisecond, v: i}))
			finished.Add(1)
			errs <- err
		}()
	}
	for range executors {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("an executor on the shared reactor never finished")
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	<-stopped
	if finished.Load() != executors {
		t.Fatalf("%d executors finished", finished.Load())
	}
}

func TestBlockOnTwiceConcurrentlyIsBusy(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := newExecutor(t, x.Multi, x.Options...)
		g := &gate{}
		done := make(chan error, 1)
		go func() { _, err := executor.BlockOn[int](ex, g); done <- err }()
		for !g.holdsWaker() {
			time.Sleep(time.Millisecond)
		}
		if _, err := executor.BlockOn(ex, async.Ready(1)); !errors.Is(err, executor.ErrBusy) {
			t.Errorf("second BlockOn: %v, want ErrBusy", err)
		}
		g.Open(1)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

func TestPausedClockNeedsTheExecutorToTurnTheReactor(t *testing.T) {
	_, err := executor.NewCurrentThread(executor.WithPausedClock(), executor.WithReactorGoroutine())
	if err == nil || !strings.Contains(err.Error(), "WithPausedClock") {
		t.Fatalf("paused clock with a reactor goroutine: %v, want an error naming the conflict", err)
	}
	// A MultiThread's workers turn its reactor: it takes neither option
	// that moves the reactor elsewhere.
	r, err := reactor.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, opt := range []executor.Option{executor.WithReactorGoroutine(), executor.WithSharedReactor(r)} {
		if ex, err := executor.NewMultiThread(executor.WithWorkers(rttest.Workers), opt); err == nil {
			ex.Close()
			t.Fatal("NewMultiThread took an option that moves its reactor elsewhere")
		}
	}
}

// TestSelfWakingMainDoesNotStarveIO has the main future itself yield
// until a socket read by a spawned task completes: the executor must turn
// the reactor even though the main future is always ready to run again.
func TestSelfWakingMainDoesNotStarveIO(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := newExecutor(t, x.Multi, x.Options...)
		fds := socketPair(t)
		go func() {
			time.Sleep(20 * time.Millisecond)
			unix.Write(fds[1], []byte("ping"))
		}()
		var reader async.JoinHandle[int]
		started := false
		main := async.PollFunc[int](func(cx *async.Context) (int, bool) {
			if !started {
				reader = async.Spawn[int](cx, &readOnce{fd: fds[0]})
				started = true
			}
			if reader.Finished() {
				r, _ := reader.Poll(cx)
				return r.Value, true
			}
			cx.Waker().Wake() // yield: always ready again
			return 0, false
		})
		done := make(chan struct{})
		var got int
		var err error
		go func() {
			defer close(done)
			got, err = executor.BlockOn(ex, main)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the reader never completed while the main future kept yielding")
		}
		if err != nil || got != 4 {
			t.Fatalf("BlockOn: %d, %v; want 4 bytes read", got, err)
		}
	})
}
