package executor_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
)

// onCancel never completes; its Cancel calls fn, as a deferred tx.Close()
// in a cancelled task wakes the task that receives from it.
type onCancel struct{ fn func() }

func (f *onCancel) Poll(*async.Context) (int, bool) { return 0, false }
func (f *onCancel) Cancel()                         { f.fn() }

// wakerSink never completes and hands every waker it is given to a
// goroutine, which may wake the task at any time, during shutdown too.
type wakerSink struct{ wakers chan<- async.Waker }

func (f *wakerSink) Poll(cx *async.Context) (int, bool) {
	select {
	case f.wakers <- cx.Waker():
	default:
	}
	return 0, false
}
func (f *wakerSink) Cancel() {}

// TestBlockOnAgainAfterShutdownWokeATask: cancelling one task at the end
// of BlockOn wakes another, which is then shut down too. The next BlockOn
// on the same executor must not find that task in its run queue, and
// Close must not count it twice.
func TestBlockOnAgainAfterShutdownWokeATask(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			ex := newExecutor(t, s.multi, s.opts...)
			for round := 0; round < 3; round++ {
				receiver := &gate{}
				var hs []async.JoinHandle[int]
				main := run(
					do(func(cx *async.Context) {
						// The receiver is live before the sender, so
						// shutdown reaches the sender first.
						hs = append(hs, async.Spawn[int](cx, receiver))
						hs = append(hs, async.Spawn[int](cx, &onCancel{func() { receiver.Open(1) }}))
					}),
					await[struct{}](async.Yield(), nil),
				)
				if _, err := executor.BlockOn(ex, main); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				for i, h := range hs {
					res, ok := h.Poll(testfut.NewContext(async.NoopWaker()))
					if !ok || !errors.Is(res.Err, async.ErrShutdown) {
						t.Fatalf("round %d: task %d: %v, %v; want ErrShutdown", round, i, ok, res.Err)
					}
				}
				if n := liveTasks(ex); n != 0 {
					t.Fatalf("round %d: %d live tasks after BlockOn", round, n)
				}
			}
			if v, err := executor.BlockOn(ex, async.Ready(7)); v != 7 || err != nil {
				t.Fatalf("BlockOn after the rounds = %d, %v", v, err)
			}
		})
	}
}

// wakeStorm starts goroutines that keep waking every waker sent on the
// returned channel until stop is called.
func wakeStorm(goroutines int) (wakers chan async.Waker, stop func()) {
	wakers = make(chan async.Waker, 64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var seen []async.Waker
	wg.Add(1)
	go func() { // collects wakers
		defer wg.Done()
		for {
			select {
			case w := <-wakers:
				mu.Lock()
				seen = append(seen, w)
				if len(seen) > 256 {
					seen = seen[len(seen)-256:]
				}
				mu.Unlock()
			case <-done:
				return
			}
		}
	}()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				mu.Lock()
				var w async.Waker
				if len(seen) > 0 {
					w = seen[i%len(seen)]
				}
				mu.Unlock()
				if w != nil {
					w.Wake()
				}
			}
		}()
	}
	return wakers, func() { close(done); wg.Wait() }
}

// TestBlockOnThousandCyclesUnderWakeStorm runs 1,000 BlockOns on one
// executor, each leaving live tasks behind for shutdown, while plain
// goroutines wake those tasks, before, during and after their shutdown.
func TestBlockOnThousandCyclesUnderWakeStorm(t *testing.T) {
	cycles := 1000
	if testing.Short() {
		cycles = 200
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			ex := newExecutor(t, s.multi, s.opts...)
			wakers, stop := wakeStorm(2)
			defer stop()
			var polls atomic.Int64
			for c := 0; c < cycles; c++ {
				var hs []async.JoinHandle[int]
				main := run(
					do(func(cx *async.Context) {
						for i := 0; i < 4; i++ {
							receiver := &gate{}
							hs = append(hs,
								async.Spawn[int](cx, &wakerSink{wakers}),
								async.Spawn[int](cx, receiver),
								async.Spawn[int](cx, &onCancel{func() { receiver.Open(1) }}))
						}
					}),
					await[struct{}](async.Yield(), nil),
					do(func(*async.Context) { polls.Add(1) }),
				)
				if _, err := executor.BlockOn(ex, main); err != nil {
					t.Fatalf("cycle %d: %v", c, err)
				}
				for i, h := range hs {
					if res, ok := h.Poll(testfut.NewContext(async.NoopWaker())); !ok || !errors.Is(res.Err, async.ErrShutdown) {
						t.Fatalf("cycle %d: task %d: %v, %v; want ErrShutdown", c, i, ok, res.Err)
					}
				}
				if n := liveTasks(ex); n != 0 {
					t.Fatalf("cycle %d: %d live tasks after BlockOn", c, n)
				}
			}
			if polls.Load() != int64(cycles) {
				t.Fatalf("main ran to the end %d times, want %d", polls.Load(), cycles)
			}
		})
	}
}

// TestCloseDuringWakeStorm closes an executor whose idle tasks are being
// woken from other goroutines all the while: every task ends shut down,
// none is counted twice, and the wakes after Close are harmless.
func TestCloseDuringWakeStorm(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			ex, err := build(s.multi, s.opts...)
			if err != nil {
				t.Fatal(err)
			}
			wakers, stop := wakeStorm(2)
			defer stop()
			var hs []async.JoinHandle[int]
			for i := 0; i < 64; i++ {
				hs = append(hs, executor.Spawn[int](ex, &wakerSink{wakers}))
			}
			// Let the tasks hand out their wakers, then return with them
			// all idle or queued: BlockOn cancels them at its end, so
			// spawn them again for Close to find.
			if _, err := executor.BlockOn(ex, async.Yield()); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 64; i++ {
				hs = append(hs, executor.Spawn[int](ex, &wakerSink{wakers}))
			}
			aborted := make(chan struct{})
			go func() { // aborts race with Close's shutdown of the same tasks
				defer close(aborted)
				for _, h := range hs[64:] {
					h.Abort()
				}
			}()
			if err := ex.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			<-aborted
			if n := liveTasks(ex); n != 0 {
				t.Fatalf("%d live tasks after Close", n)
			}
			for i, h := range hs {
				res, ok := h.Poll(testfut.NewContext(async.NoopWaker()))
				if !ok || !(errors.Is(res.Err, async.ErrShutdown) || i >= 64 && errors.Is(res.Err, async.ErrAborted)) {
					t.Fatalf("task %d: %v, %v; want ErrShutdown or, for the aborted ones, ErrAborted", i, ok, res.Err)
				}
			}
		})
	}
}

type panicWaker struct{}

func (panicWaker) Wake() { panic("waker of a timer") }

// timerWithWaker arms a timer that wakes w, and stops it when cancelled.
type timerWithWaker struct {
	w     reactor.Waker
	r     *reactor.Reactor
	timer reactor.Timer
}

func (f *timerWithWaker) Poll(cx *async.Context) (int, bool) {
	if f.r == nil {
		f.r = cx.Reactor()
		f.r.StartTimer(&f.timer, f.r.Now().Add(time.Millisecond), f.w)
	}
	return 0, false
}

func (f *timerWithWaker) Cancel() {
	if f.r != nil {
		f.r.StopTimer(&f.timer)
	}
}

// TestPanickingWakerEndsBlockOnWithAnError: a waker that the reactor calls
// panics. BlockOn returns a *reactor.WakerPanicError instead of panicking,
// cancels its future and tasks as for any error, and the executor runs
// the next BlockOn as usual.
func TestPanickingWakerEndsBlockOnWithAnError(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			ex := newExecutor(t, s.multi, s.opts...)
			var bystander async.JoinHandle[int]
			g := &gate{}
			main := run(
				do(func(cx *async.Context) { bystander = async.Spawn[int](cx, g) }),
				await[int](&timerWithWaker{w: panicWaker{}}, nil),
			)
			_, err := executor.BlockOn(ex, main)
			var wp *reactor.WakerPanicError
			if !errors.As(err, &wp) || wp.Value != "waker of a timer" {
				t.Fatalf("BlockOn = %v; want a *reactor.WakerPanicError", err)
			}
			if res, ok := bystander.Poll(testfut.NewContext(async.NoopWaker())); !ok || !errors.Is(res.Err, async.ErrShutdown) {
				t.Fatalf("bystander task: %v, %v; want ErrShutdown", ok, res.Err)
			}
			if g.cancels.Load() != 1 {
				t.Fatalf("bystander's future cancelled %d times, want 1", g.cancels.Load())
			}
			if v, err := executor.BlockOn(ex, async.Ready(3)); v != 3 || err != nil {
				t.Fatalf("BlockOn after the panic = %d, %v", v, err)
			}
			// newExecutor's cleanup checks that no timer or source is left.
		})
	}
}

// TestAbortBeforeShutdownReportsAborted: a task aborted by its handle and
// then shut down before its executor acted on the abort reports
// ErrAborted, as Abort promises, not ErrShutdown.
func TestAbortBeforeShutdownReportsAborted(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex, err := build(x.Multi, x.Options...)
		if err != nil {
			t.Fatal(err)
		}
		g := &gate{}
		h := executor.Spawn[int](ex, g)
		h.Abort()
		if err := ex.Close(); err != nil {
			t.Fatal(err)
		}
		res, ok := h.Poll(testfut.NewContext(async.NoopWaker()))
		if !ok || !errors.Is(res.Err, async.ErrAborted) {
			t.Fatalf("aborted, then shut down: %v, %v; want ErrAborted", ok, res.Err)
		}
		other := executor.Spawn[int](ex, &gate{}) // onto the closed executor
		if res, _ := other.Poll(testfut.NewContext(async.NoopWaker())); !errors.Is(res.Err, async.ErrShutdown) {
			t.Fatalf("spawned onto a closed executor: %v; want ErrShutdown", res.Err)
		}
	})
}
