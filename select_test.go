package async_test

import (
	"errors"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/task"
	"github.com/asyncgo/async/timer"
)

func TestSelectFirstReadyWinsAndLosersAreCancelled(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		ls := leaves[string](3)
		go ls[1].Complete("one")
		got, err := executor.Run(async.Select(ls...), x.Options...)
		if err != nil || got != (async.Selected[string]{Index: 1, Value: "one"}) {
			t.Fatalf("Run(Select) = %+v, %v", got, err)
		}
		testfut.AssertCancelled(t, ls[0])
		testfut.AssertNotCancelled(t, ls[1])
		testfut.AssertCancelled(t, ls[2])
		testfut.AssertClean(t, testfut.Probes(ls)...)
	})
}

// TestSelectCancelsLosersBeforeReturning: by the time Select reports its
// winner, the losers have been cancelled and keep no waker.
func TestSelectCancelsLosersBeforeReturning(t *testing.T) {
	ls := leaves[int](3)
	s := async.Select(ls...)
	cx := testfut.NewContext(&testfut.Waker{})
	s.Poll(cx)
	for _, l := range ls {
		if l.Waker() == nil {
			t.Fatalf("%s keeps no waker after its first poll", l)
		}
	}
	ls[2].Complete(2)
	if v, ok := s.Poll(cx); !ok || v.Index != 2 {
		t.Fatalf("Select = %+v, %v; want index 2", v, ok)
	}
	testfut.AssertCancelled(t, ls[0])
	testfut.AssertCancelled(t, ls[1])
	testfut.AssertNotCancelled(t, ls[2])
	testfut.AssertPolls(t, ls[0], 1) // only the woken branch was polled
	testfut.AssertPolls(t, ls[1], 1)
	testfut.AssertClean(t, testfut.Probes(ls)...)
}

func TestSelectFirstPollPrefersEarlierIndex(t *testing.T) {
	s := async.Select(async.Ready(0), async.Ready(1))
	if v, ok := s.Poll(testfut.NewContext(&testfut.Waker{})); !ok || v.Index != 0 {
		t.Fatalf("Select = %+v, %v; want index 0", v, ok)
	}
}

// TestSelectLaterPollsFollowWakeOrder: after the first poll, the branch
// woken first is polled first, whatever its index.
func TestSelectLaterPollsFollowWakeOrder(t *testing.T) {
	ls := leaves[int](3)
	s := async.Select(ls...)
	cx := testfut.NewContext(&testfut.Waker{})
	s.Poll(cx)
	ls[2].Complete(2)
	ls[0].Complete(0)
	if v, ok := s.Poll(cx); !ok || v.Index != 2 {
		t.Fatalf("Select = %+v, %v; want index 2, woken first", v, ok)
	}
	testfut.AssertPolls(t, ls[0], 1)
	testfut.AssertCancelled(t, ls[0])
}

func TestSelectOfNothingIsNeverReady(t *testing.T) {
	s := async.Select[async.Future[int]]()
	cx := testfut.NewContext(&testfut.Waker{})
	for range 3 {
		if _, ok := s.Poll(cx); ok {
			t.Fatal("Select() was ready")
		}
	}
	s.Cancel()
}

func TestSelectCancelCancelsAll(t *testing.T) {
	ls := leaves[int](3)
	s := async.Select(ls...)
	s.Poll(testfut.NewContext(&testfut.Waker{}))
	s.Cancel()
	for _, l := range ls {
		testfut.AssertCancelled(t, l)
	}
	testfut.AssertClean(t, testfut.Probes(ls)...)
}

func TestRace(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		slow := testfut.New[string]()
		got, err := executor.Run(async.Race[async.Future[string]](slow, async.Map(async.Yield(), func(struct{}) string { return "fast" })), x.Options...)
		if err != nil || got != "fast" {
			t.Fatalf("Run(Race) = %q, %v", got, err)
		}
		testfut.AssertCancelled(t, slow)
	})
}

// TestSelect2MessageOrTimer: a message that arrives wins over a timer, and
// the timer it beat is disarmed; with no message, the timer wins.
func TestSelect2MessageOrTimer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		ex, err := x.Make()
		if err != nil {
			t.Fatal(err)
		}
		defer ex.Close()
		msg := testfut.New[string]()
		go msg.Complete("hello")
		got, err := executor.BlockOn(ex, async.Select2[string, struct{}](msg, timer.Sleep(time.Hour)))
		if err != nil || got.Index != 0 || got.V1 != "hello" {
			t.Fatalf("BlockOn(Select2) = %+v, %v; want the message", got, err)
		}
		if n := ex.Reactor().Timers(); n != 0 {
			t.Errorf("%d timers armed after the message won, want 0", n)
		}

		paused, err := x.Make(executor.WithPausedClock())
		if err != nil {
			t.Fatal(err)
		}
		defer paused.Close()
		none := testfut.New[string]()
		got, err = executor.BlockOn(paused, async.Select2[string, struct{}](none, timer.Sleep(time.Hour)))
		if err != nil || got.Index != 1 {
			t.Fatalf("BlockOn(Select2) = %+v, %v; want the timer", got, err)
		}
		testfut.AssertCancelled(t, none)
	})
}

// TestSelectSleepLoserReleasesTimer: a Sleep that loses a Select is
// cancelled, and its timer leaves the wheel at once.
func TestSelectSleepLoserReleasesTimer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		ex, err := x.Make(executor.WithPausedClock())
		if err != nil {
			t.Fatal(err)
		}
		defer ex.Close()
		r := ex.Reactor()
		start := r.Now()
		got, err := executor.BlockOn(ex, async.Select[async.Future[struct{}]](
			timer.Sleep(time.Hour), timer.Sleep(time.Minute), timer.Sleep(2*time.Hour)))
		if err != nil || got.Index != 1 {
			t.Fatalf("BlockOn(Select) = %+v, %v; want the minute's sleep", got, err)
		}
		if elapsed := r.Now().Sub(start); elapsed < time.Minute || elapsed > time.Minute+time.Second {
			t.Errorf("the paused clock moved %v, want a minute", elapsed)
		}
		if n := r.Timers(); n != 0 {
			t.Errorf("%d timers armed after the select, want 0: a losing sleep leaked", n)
		}
	})
}

// TestSelectBranchPanics: the task's JoinHandle reports the panic, and the
// executor cancels the select, which cancels every other branch once.
func TestSelectBranchPanics(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		ex, err := x.Make(executor.WithPausedClock())
		if err != nil {
			t.Fatal(err)
		}
		defer ex.Close()
		before, after := testfut.New[int](), testfut.New[int]()
		bomb := async.Map(async.Yield(), func(struct{}) int { panic("boom") })
		sleep := async.Map(timer.Sleep(time.Hour), func(struct{}) int { return -1 })
		s := async.Select[async.Future[int]](before, sleep, bomb, after)
		res, err := executor.BlockOn(ex, spawnAndAwait(s))
		if err != nil {
			t.Fatal(err)
		}
		var pe *async.PanicError
		if !errors.As(res.Err, &pe) || pe.Value != "boom" {
			t.Fatalf("task error = %v, want a PanicError of \"boom\"", res.Err)
		}
		testfut.AssertCancelled(t, before)
		testfut.AssertCancelled(t, after)
		testfut.AssertClean(t, before, after)
		if n := ex.Reactor().Timers(); n != 0 {
			t.Errorf("%d timers armed after the panic, want 0", n)
		}
	})
}

func TestSelectRepollAllocatesNothing(t *testing.T) {
	ls := leaves[int](100)
	s := async.Select(ls...)
	cx := testfut.NewContext(&testfut.Waker{})
	s.Poll(cx)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		ls[i%len(ls)].WakeKept()
		i++
		s.Poll(cx)
	})
	if allocs != 0 {
		t.Errorf("a re-poll of Select allocated %v times, want 0", allocs)
	}
}

// bookLeaf is the leaf future of the book: it keeps the waker of its last
// poll and, when dropped early, keeps it forever. Its Cancel does nothing.
type bookLeaf struct{ waker async.Waker }

func (l *bookLeaf) Poll(cx *async.Context) (struct{}, bool) {
	l.waker = cx.Waker()
	return struct{}{}, false
}

func (l *bookLeaf) Cancel() {}

// TestCancelledLeafReleasesWaker proves the claim of the package doc: the
// book's leaf future leaks its waker when dropped early; ours must not.
//
// A leaf loses a Select after one poll, in which it stored its waker. The
// leaf is given a waker of the test's own (witnessed, which forwards to the
// Select's), so that the GC can tell whether anything still holds it. Then
// the leaf (or, for the Sleep, the executor and its timer wheel) is kept
// alive and the GC runs: the waker must be collected, no timer armed, and
// the task collected too. The book's leaf, in the same place, keeps its
// waker; the task is collected all the same, because the Select dropped
// its own reference to the task's waker when it finished.
func TestCancelledLeafReleasesWaker(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		t.Run("sleep", func(t *testing.T) {
			ex, err := x.Make(executor.WithPausedClock())
			if err != nil {
				t.Fatal(err)
			}
			defer ex.Close()
			task, waker := runLosingSelect(t, ex, timer.Sleep(time.Hour))
			if n := ex.Reactor().Timers(); n != 0 {
				t.Errorf("%d timers armed after the sleep lost, want 0", n)
			}
			if !collected(waker) {
				t.Error("the sleep's waker was not collected: the timer wheel still holds it")
			}
			if !collected(task) {
				t.Error("the task was not collected: something still references it")
			}
			runtime.KeepAlive(ex)
		})
		t.Run("testfut", func(t *testing.T) {
			ex, err := x.Make()
			if err != nil {
				t.Fatal(err)
			}
			defer ex.Close()
			leaf := testfut.New[struct{}]()
			task, waker := runLosingSelect(t, ex, leaf)
			testfut.AssertPolls(t, leaf, 1)
			testfut.AssertCancelled(t, leaf) // and keeps no waker
			if !collected(waker) {
				t.Error("the leaf's waker was not collected")
			}
			if !collected(task) {
				t.Error("the task was not collected: something still references it")
			}
			runtime.KeepAlive(leaf)
		})
		t.Run("book", func(t *testing.T) {
			ex, err := x.Make()
			if err != nil {
				t.Fatal(err)
			}
			defer ex.Close()
			leaf := &bookLeaf{}
			task, waker := runLosingSelect(t, ex, leaf)
			if collected(waker) {
				t.Error("the book's leaf keeps its waker, yet it was collected: the check proves nothing")
			}
			if !collected(task) {
				t.Error("the task was not collected: the Select still references its waker")
			}
			runtime.KeepAlive(leaf)
		})
	})
}

// runLosingSelect spawns a task on ex that selects between leaf and a
// future that is ready at its second poll, so leaf is polled once (and
// stores its waker), then loses. It waits for the task and returns weak
// pointers to the task and to the waker the leaf was given.
func runLosingSelect(t *testing.T, ex executor.Executor, leaf async.Future[struct{}]) (weak.Pointer[task.Task], weak.Pointer[forwarder]) {
	t.Helper()
	var tk weak.Pointer[task.Task]
	w := &witnessed[struct{}]{f: leaf, w: &forwarder{}}
	waker := weak.Make(w.w)
	sel := async.Select[async.Future[struct{}]](w, async.Yield())
	body := async.PollFunc[int](func(cx *async.Context) (int, bool) {
		if tk.Value() == nil {
			tk = weak.Make(cx.Waker().(*task.Task))
		}
		v, ok := sel.Poll(cx)
		return v.Index, ok
	})
	res, err := executor.BlockOn(ex, spawnAndAwait[int](body))
	if err != nil || res.Err != nil || res.Value != 1 {
		t.Fatalf("the select = %+v, %v; want the yield to win", res, err)
	}
	return tk, waker
}

// forwarder is a waker that wakes another; a test can hold a weak pointer
// to it. It has a pointer field so that it is not tiny-allocated (a weak
// pointer into a tiny block lives as long as the whole block).
type forwarder struct{ to async.Waker }

func (f *forwarder) Wake() { f.to.Wake() }

// witnessed polls f with a forwarder as its waker.
type witnessed[T any] struct {
	f  async.Future[T]
	w  *forwarder
	cx async.Context
}

func (w *witnessed[T]) Poll(cx *async.Context) (T, bool) {
	w.w.to = cx.Waker()
	return async.PollWith(cx, &w.cx, w.w, w.f)
}

func (w *witnessed[T]) Cancel() { w.f.Cancel() }

// collected reports whether the GC has reclaimed what p points to.
func collected[T any](p weak.Pointer[T]) bool {
	for range 3 {
		runtime.GC()
		if p.Value() == nil {
			return true
		}
	}
	return false
}
