package lock

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

func TestOnceCellGetSet(t *testing.T) {
	var c OnceCell[string]
	if v, ok := c.Get(); ok || v != "" {
		t.Fatalf("Get on an empty cell = %q, %v", v, ok)
	}
	if err := c.Set("a"); err != nil {
		t.Fatalf("Set = %v", err)
	}
	if err := c.Set("b"); !errors.Is(err, ErrAlreadySet) {
		t.Fatalf("second Set = %v; want ErrAlreadySet", err)
	}
	if v, ok := c.Get(); !ok || v != "a" {
		t.Fatalf("Get = %q, %v; want a", v, ok)
	}
	if v, ok := c.GetOrInit(func() async.Future[string] { return async.Ready("b") }).Poll(ntCx(async.NoopWaker())); !ok || v != "a" {
		t.Fatalf("GetOrInit on a set cell = %q, %v", v, ok)
	}
	if v := c.WaitBlocking(); v != "a" {
		t.Fatalf("WaitBlocking = %q", v)
	}
	c.ntIdle(t)
}

// By hand: the first caller runs its init; those that come while it runs
// wait in line without running theirs, and all get its value.
func TestOnceCellInitOnce(t *testing.T) {
	var c OnceCell[int]
	var initA, initB ntInit[int]
	wa, wb, ww := &testfut.Waker{}, &testfut.Waker{}, &testfut.Waker{}
	a, b, w := c.GetOrInit(initA.fn), c.GetOrInit(initB.fn), c.Wait()
	for _, p := range []struct {
		f  *InitFuture[int]
		wk *testfut.Waker
	}{{a, wa}, {b, wb}, {w, ww}} {
		if _, ok := p.f.Poll(ntCx(p.wk)); ok {
			t.Fatal("ready before the init completed")
		}
	}
	if initA.calls != 1 || initB.calls != 0 {
		t.Fatalf("init calls: a %d, b %d; want 1, 0", initA.calls, initB.calls)
	}
	if i, wt, busy := c.ntCounts(); i != 1 || wt != 1 || !busy {
		t.Fatalf("in line %d, watching %d, busy %v; want 1, 1, true", i, wt, busy)
	}
	initA.futs[0].Complete(7)
	if wa.Wakes() != 1 {
		t.Fatalf("completing the init woke a %d times; want 1", wa.Wakes())
	}
	if v, ok := a.Poll(ntCx(wa)); !ok || v != 7 {
		t.Fatalf("initialiser = %d, %v; want 7", v, ok)
	}
	if wb.Wakes() != 1 || ww.Wakes() != 1 {
		t.Fatalf("the value woke b %d, the watcher %d times; want 1, 1", wb.Wakes(), ww.Wakes())
	}
	for _, f := range []*InitFuture[int]{b, w} {
		if v, ok := f.Poll(ntCx(async.NoopWaker())); !ok || v != 7 {
			t.Fatalf("waiter = %d, %v; want 7", v, ok)
		}
	}
	if initB.calls != 0 {
		t.Fatal("b's init ran although a's completed")
	}
	testfut.AssertPolls(t, initA.futs[0], 2)
	c.ntIdle(t)
}

// A failed initialisation leaves the cell empty: its caller gets the
// error, and the next in line runs its own.
func TestOnceCellTryInitFailure(t *testing.T) {
	var c OnceCell[int]
	var initA, initB ntInit[async.Result[int]]
	wb := &testfut.Waker{}
	a, b := c.GetOrTryInit(initA.fn), c.GetOrTryInit(initB.fn)
	a.Poll(ntCx(async.NoopWaker()))
	b.Poll(ntCx(wb))
	boom := errors.New("boom")
	initA.futs[0].Complete(async.Err[int](boom))
	if r, ok := a.Poll(ntCx(async.NoopWaker())); !ok || !errors.Is(r.Err, boom) {
		t.Fatalf("failed initialiser = %+v, %v; want its error", r, ok)
	}
	if _, ok := c.Get(); ok {
		t.Fatal("the cell holds a value after a failed init")
	}
	if wb.Wakes() != 1 {
		t.Fatalf("the failure woke b %d times; want 1", wb.Wakes())
	}
	if _, ok := b.Poll(ntCx(wb)); ok || initB.calls != 1 {
		t.Fatalf("b after the failure: ready %v, init calls %d; want pending, 1", ok, initB.calls)
	}
	initB.futs[0].Complete(async.Ok(3))
	if r, ok := b.Poll(ntCx(wb)); !ok || r.Err != nil || r.Value != 3 {
		t.Fatalf("b = %+v, %v; want 3", r, ok)
	}
	c.ntIdle(t)
	// A failure with nobody in line: the next caller tries.
	var d OnceCell[int]
	f := d.GetOrTryInit(func() async.Future[async.Result[int]] { return async.Ready(async.Err[int](boom)) })
	if r, ok := f.Poll(ntCx(async.NoopWaker())); !ok || r.Err == nil {
		t.Fatalf("failing init = %+v, %v", r, ok)
	}
	d.ntIdle(t)
	g := d.GetOrInit(func() async.Future[int] { return async.Ready(5) })
	if v, ok := g.Poll(ntCx(async.NoopWaker())); !ok || v != 5 {
		t.Fatalf("GetOrInit after a failure = %d, %v; want 5", v, ok)
	}
}

// Set while an initialisation runs: everyone gets Set's value, and the
// initialisation is woken and cancelled.
func TestOnceCellSetDuringInit(t *testing.T) {
	var c OnceCell[int]
	var init ntInit[int]
	wa, wb := &testfut.Waker{}, &testfut.Waker{}
	a, b := c.GetOrInit(init.fn), c.GetOrInit(init.fn)
	a.Poll(ntCx(wa))
	b.Poll(ntCx(wb))
	if err := c.Set(9); err != nil {
		t.Fatal(err)
	}
	if wa.Wakes() != 1 || wb.Wakes() != 1 {
		t.Fatalf("Set woke the initialiser %d, the waiter %d times; want 1, 1", wa.Wakes(), wb.Wakes())
	}
	for _, f := range []*InitFuture[int]{a, b} {
		if v, ok := f.Poll(ntCx(async.NoopWaker())); !ok || v != 9 {
			t.Fatalf("after Set = %d, %v; want 9", v, ok)
		}
	}
	testfut.AssertCancelled(t, init.futs[0])
	testfut.AssertClean(t, init.futs[0])
	c.ntIdle(t)
}

// The end of an initialisation (finish) on a cell that holds a value
// already, which Set stored while it ran, drops its result: all get the
// first value.
func TestOnceCellInitLosesToSet(t *testing.T) {
	var c OnceCell[int]
	if r := c.finish(async.Ok(1)); r.Value != 1 {
		t.Fatalf("finish on an empty cell = %+v", r)
	}
	if r := c.finish(async.Ok(2)); r.Value != 1 {
		t.Fatalf("finish on a set cell = %+v; want the first value", r)
	}
	if r := c.finish(async.Err[int](errors.New("late"))); r.Err != nil || r.Value != 1 {
		t.Fatalf("failed finish on a set cell = %+v; want the value", r)
	}
}

// A panicking initialisation is cancelled by the task's executor, which
// hands the turn to the next caller in line.
func TestOnceCellInitPanics(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var c OnceCell[int]
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			h := ntSpawn(co, async.Future[int](c.GetOrInit(func() async.Future[int] {
				return async.PollFunc[int](func(*async.Context) (int, bool) { panic("init failed") })
			})))
			r := async.Await(co, async.Future[async.Result[int]](h))
			var pe *async.PanicError
			if !errors.As(r.Err, &pe) {
				t.Errorf("panicking initialiser = %+v; want a *PanicError", r)
			}
			if v := async.Await(co, c.GetOrInit(func() async.Future[int] { return async.Ready(4) })); v != 4 {
				t.Errorf("GetOrInit after a panic = %d; want 4", v)
			}
			return struct{}{}
		}))
		c.ntIdle(t)
	})
}

// Tasks on either executor and plain goroutines: one initialisation, one
// value for all.
func TestOnceCellTasksAndGoroutines(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const tasks, goroutines = 8, 4
		var c OnceCell[int]
		var calls int
		var mu sync.Mutex
		init := func() async.Future[int] {
			mu.Lock()
			calls++
			mu.Unlock()
			return async.Go(func(co *async.Co) int {
				for range 3 {
					async.Await(co, async.Yield())
				}
				return 42
			})
		}
		got := make(chan int, goroutines)
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() { got <- c.WaitBlocking() })
		}
		ntRunReal(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[int]
			for range tasks {
				hs = append(hs, ntSpawn(co, async.Future[int](c.GetOrInit(init))))
			}
			for _, h := range hs {
				if v := ntJoin(t, co, h); v != 42 {
					t.Errorf("task got %d; want 42", v)
				}
			}
			return struct{}{}
		}))
		wg.Wait()
		close(got)
		for v := range got {
			if v != 42 {
				t.Errorf("goroutine got %d; want 42", v)
			}
		}
		if calls != 1 {
			t.Errorf("init ran %d times; want 1", calls)
		}
		c.ntIdle(t)
	})
}

// Reading a set cell through GetOrInit allocates nothing.
func TestOnceCellSetAllocatesNothing(t *testing.T) {
	var c OnceCell[int]
	c.Set(1)
	cx := ntCx(async.NoopWaker())
	init := func() async.Future[int] { return async.Ready(2) }
	tryInit := func() async.Future[async.Result[int]] { return async.Ready(async.Ok(2)) }
	allocs := testing.AllocsPerRun(1000, func() {
		testfut.ResetBudget(cx)
		if v, ok := c.GetOrInit(init).Poll(cx); !ok || v != 1 {
			t.Fatalf("GetOrInit = %d, %v", v, ok)
		}
		if r, ok := c.GetOrTryInit(tryInit).Poll(cx); !ok || r.Value != 1 {
			t.Fatalf("GetOrTryInit = %+v, %v", r, ok)
		}
		if v, ok := c.Wait().Poll(cx); !ok || v != 1 {
			t.Fatalf("Wait = %d, %v", v, ok)
		}
	})
	if allocs != 0 {
		t.Errorf("reading a set cell allocated %v times; want 0", allocs)
	}
}

// Cancel safety, by hand: a cancelled initialiser cancels its init and
// hands the turn to the next in line, which runs its own; a cancelled
// waiter the turn was handed to hands it on.
func TestCancelSafetyOnceCellHandOn(t *testing.T) {
	var c OnceCell[int]
	var initA, initB, initC ntInit[int]
	wb, wc := &testfut.Waker{}, &testfut.Waker{}
	a, b, d := c.GetOrInit(initA.fn), c.GetOrInit(initB.fn), c.GetOrInit(initC.fn)
	a.Poll(ntCx(async.NoopWaker()))
	b.Poll(ntCx(wb))
	d.Poll(ntCx(wc))
	a.Cancel()
	testfut.AssertCancelled(t, initA.futs[0])
	if wb.Wakes() != 1 || wc.Wakes() != 0 {
		t.Fatalf("a's cancel woke b %d, d %d times; want 1, 0", wb.Wakes(), wc.Wakes())
	}
	b.Cancel() // handed the turn, cancelled before it ran
	if wc.Wakes() != 1 || initB.calls != 0 {
		t.Fatalf("b's cancel: d woken %d times, b's init ran %d times; want 1, 0", wc.Wakes(), initB.calls)
	}
	if _, ok := d.Poll(ntCx(wc)); ok || initC.calls != 1 {
		t.Fatalf("d: ready %v, init calls %d; want pending, 1", ok, initC.calls)
	}
	initC.futs[0].Complete(6)
	if v, ok := d.Poll(ntCx(wc)); !ok || v != 6 {
		t.Fatalf("d = %d, %v; want 6", v, ok)
	}
	c.ntIdle(t)
}

// Cancel safety: an initialiser that loses a Select cancels its init;
// the caller in line runs its own.
func TestCancelSafetyOnceCellSelect(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var c OnceCell[int]
		var first ntInit[int]
		stop := testfut.New[int]()
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			h := ntSpawn(co, async.Select(async.Future[int](c.GetOrInit(first.fn)), async.Future[int](stop)))
			ntUntil(co, func() bool { _, _, busy := c.ntCounts(); return busy })
			next := ntSpawn(co, async.Future[int](c.GetOrInit(func() async.Future[int] { return async.Ready(2) })))
			ntUntil(co, func() bool { i, _, _ := c.ntCounts(); return i == 1 })
			stop.Complete(-1)
			if s := ntJoin(t, co, h); s.Index != 1 {
				t.Errorf("Select won by %d; want the other branch (1)", s.Index)
			}
			if v := ntJoin(t, co, next); v != 2 {
				t.Errorf("next in line got %d; want its own init's 2", v)
			}
			return struct{}{}
		}))
		testfut.AssertCancelled(t, first.futs[0])
		c.ntIdle(t)
	})
}

// Cancel safety: an initialiser that times out cancels its init; the
// caller in line runs its own.
func TestCancelSafetyOnceCellTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var c OnceCell[int]
		var first ntInit[int]
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			h := ntSpawn(co, timer.TimeoutValue(async.Future[int](c.GetOrInit(first.fn)), time.Second))
			ntUntil(co, func() bool { _, _, busy := c.ntCounts(); return busy })
			next := ntSpawn(co, async.Future[int](c.GetOrInit(func() async.Future[int] { return async.Ready(2) })))
			if r := ntJoin(t, co, h); r.Err != timer.ErrTimeout {
				t.Errorf("Timeout(GetOrInit) = %+v; want ErrTimeout", r)
			}
			if v := ntJoin(t, co, next); v != 2 {
				t.Errorf("next in line got %d; want its own init's 2", v)
			}
			return struct{}{}
		}))
		testfut.AssertCancelled(t, first.futs[0])
		c.ntIdle(t)
	})
}

// Cancel safety: an aborted initialiser cancels its init; the caller in
// line runs its own.
func TestCancelSafetyOnceCellAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var c OnceCell[int]
		var first ntInit[int]
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			h := ntSpawn(co, async.Future[int](c.GetOrInit(first.fn)))
			ntUntil(co, func() bool { _, _, busy := c.ntCounts(); return busy })
			next := ntSpawn(co, async.Future[int](c.GetOrInit(func() async.Future[int] { return async.Ready(2) })))
			ntUntil(co, func() bool { i, _, _ := c.ntCounts(); return i == 1 })
			if _, aborted := ntAborted(t, co, h); !aborted {
				t.Error("the initialiser completed instead of being aborted")
			}
			if v := ntJoin(t, co, next); v != 2 {
				t.Errorf("next in line got %d; want its own init's 2", v)
			}
			return struct{}{}
		}))
		testfut.AssertCancelled(t, first.futs[0])
		c.ntIdle(t)
	})
}

// Many callers, tasks on the multi-thread executor and plain goroutines,
// on a fresh cell per round: the initialisation completes exactly once
// and everyone gets its value. In the patient runs nobody gives up, and
// init runs exactly once. In the impatient runs, half the tasks' waits give
// up after a few yields (losing a Select) and ask again, and the first
// initialisations of a round fail: the turn passes on and on, and still
// one value reaches all.
func TestStressOnceCellManyCallers(t *testing.T) {
	for _, impatient := range []bool{false, true} {
		name := "patient"
		if impatient {
			name = "impatient"
		}
		t.Run(name, func(t *testing.T) { ntStressOnceCell(t, impatient) })
	}
}

func ntStressOnceCell(t *testing.T, impatient bool) {
	const tasks, goroutines, rounds = 12, 2, 30
	var started, succeeded atomic.Int32
	init := func(r int) func() async.Future[async.Result[int]] {
		return func() async.Future[async.Result[int]] {
			n := started.Add(1)
			return async.Go(func(co *async.Co) async.Result[int] {
				async.Await(co, ntYields(int(n%4)))
				if impatient && n%3 != 0 {
					return async.Err[int](errors.New("not this time"))
				}
				async.Await(co, ntYields(int(n%3)))
				succeeded.Add(1)
				return async.Ok(r)
			})
		}
	}
	for r := range rounds {
		started.Store(0)
		succeeded.Store(0)
		var c OnceCell[int]
		var wg sync.WaitGroup
		var wrong atomic.Int32
		for range goroutines {
			wg.Go(func() {
				if c.WaitBlocking() != r {
					wrong.Add(1)
				}
			})
		}
		ntRunReal(t, ntMulti(), async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[struct{}]
			for i := range tasks {
				hs = append(hs, ntSpawn(co, async.Go(func(co *async.Co) struct{} {
					for {
						f := c.GetOrTryInit(init(r))
						var res async.Result[int]
						if impatient && i%2 == 0 {
							s := async.Await(co, async.Select(async.Future[async.Result[int]](f),
								async.Map(ntYields(1+i%4), func(struct{}) async.Result[int] {
									return async.Err[int](errGaveUp)
								})))
							res = s.Value
						} else {
							res = async.Await(co, async.Future[async.Result[int]](f))
						}
						if res.Err == nil {
							if res.Value != r {
								wrong.Add(1)
							}
							return struct{}{}
						}
					}
				})))
			}
			for _, h := range hs {
				ntJoin(t, co, h)
			}
			return struct{}{}
		}))
		wg.Wait()
		if n := wrong.Load(); n != 0 {
			t.Fatalf("round %d: %d callers got another value", r, n)
		}
		if n := succeeded.Load(); n != 1 {
			t.Fatalf("round %d: %d initialisations completed; want 1", r, n)
		}
		if n := started.Load(); !impatient && n != 1 {
			t.Fatalf("round %d: init ran %d times with nobody giving up; want 1", r, n)
		}
		c.ntIdle(t)
	}
}

// errGaveUp is the value of a wait that gave up in the stress test.
var errGaveUp = errors.New("gave up")

// Cancel safety: a caller waiting in line (not initialising) that is
// cancelled leaves the line and keeps nothing; the initialisation and
// the others are not affected.
func TestCancelSafetyOnceCellWaiterLeaves(t *testing.T) {
	var c OnceCell[int]
	var init ntInit[int]
	a, b, w := c.GetOrInit(init.fn), c.GetOrInit(init.fn), c.Wait()
	wb, ww := &testfut.Waker{}, &testfut.Waker{}
	a.Poll(ntCx(async.NoopWaker()))
	b.Poll(ntCx(wb))
	w.Poll(ntCx(ww))
	b.Cancel()
	w.Cancel()
	if i, wt, busy := c.ntCounts(); i != 0 || wt != 0 || !busy {
		t.Fatalf("after the cancels: %d in line, %d watching, busy %v; want 0, 0, true", i, wt, busy)
	}
	init.futs[0].Complete(1)
	if v, ok := a.Poll(ntCx(async.NoopWaker())); !ok || v != 1 {
		t.Fatalf("initialiser = %d, %v; want 1", v, ok)
	}
	if wb.Wakes() != 0 || ww.Wakes() != 0 || init.calls != 1 {
		t.Fatalf("cancelled waiters woken %d, %d times, init ran %d times; want 0, 0, 1", wb.Wakes(), ww.Wakes(), init.calls)
	}
	c.ntIdle(t)
}

// BenchmarkOnceCellGetOrInitSet is GetOrInit on a cell that holds its
// value: the steady state of a lazily initialised value.
func BenchmarkOnceCellGetOrInitSet(b *testing.B) {
	b.ReportAllocs()
	var c OnceCell[int]
	c.Set(1)
	cx := ntCx(async.NoopWaker())
	init := func() async.Future[int] { return async.Ready(2) }
	for b.Loop() {
		testfut.ResetBudget(cx)
		if v, ok := c.GetOrInit(init).Poll(cx); !ok || v != 1 {
			b.Fatal("GetOrInit on a set cell")
		}
	}
}
