package timer_test

// The cooperative budget: a sleep that has ended and ticks that are due
// are ready without waiting, so they take a unit of the task's budget and
// give way when it is spent. A Timeout still fires around a future that
// spends the whole budget at every poll.

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/task"
	"github.com/asyncgo/async/timer"
)

// spendBudget leaves cx with no budget, as a task that has done a
// budget's worth of operations in this poll.
func spendBudget(cx *async.Context) {
	for cx.Proceed() {
	}
}

func TestBudgetEndedSleepGivesWay(t *testing.T) {
	_, cx, wakes := pausedReactor(t)
	for _, s := range []async.Future[struct{}]{timer.Sleep(0), timer.SleepUntil(time.Unix(0, 0))} {
		*wakes = 0
		testfut.ResetBudget(cx)
		spendBudget(cx)
		if _, ok := s.Poll(cx); ok {
			t.Fatal("a sleep that has ended is ready with the budget spent")
		}
		if *wakes != 1 {
			t.Fatalf("pending for the budget with %d wakes, want 1", *wakes)
		}
		testfut.ResetBudget(cx)
		if _, ok := s.Poll(cx); !ok {
			t.Fatal("a sleep that has ended is pending with a full budget")
		}
		if left := (*task.Context)(cx).Remaining(); left != async.Budget-1 {
			t.Fatalf("%d units left after the sleep, want %d", left, async.Budget-1)
		}
	}
}

// TestBudgetDueTicksGiveWay lets a thousand ticks of a Burst interval
// fall due, then takes them: a budget of them per poll, then pending with
// the task woken, and the next poll goes on with the next tick, none lost.
func TestBudgetDueTicksGiveWay(t *testing.T) {
	r, cx, wakes := pausedReactor(t)
	const period = time.Millisecond
	iv := timer.NewInterval(period)
	iv.SetMissedTick(timer.Burst)
	start := r.Now()
	if _, ok := iv.Tick().Poll(cx); !ok {
		t.Fatal("the first tick is pending")
	}
	r.Clock().Advance(1000 * period)
	testfut.ResetBudget(cx)
	tick, served, polls := iv.Tick(), 0, 1
	for n := 1; n <= 1000; {
		due, ok := tick.Poll(cx)
		if !ok {
			if served != async.Budget {
				t.Fatalf("tick %d: pending after %d ticks in this poll, want %d (a budget)", n, served, async.Budget)
			}
			if *wakes != polls {
				t.Fatalf("tick %d: %d wakes after %d polls that gave way, want as many", n, *wakes, polls)
			}
			testfut.ResetBudget(cx)
			served, polls = 0, polls+1
			continue
		}
		if want := start.Add(time.Duration(n) * period); !due.Equal(want) {
			t.Fatalf("tick %d was due at %v, want %v", n, due.Sub(start), want.Sub(start))
		}
		n, served, tick = n+1, served+1, iv.Tick()
		if served > async.Budget {
			t.Fatalf("tick %d: %d ticks in one poll, more than a budget", n, served)
		}
	}
	tick.Cancel()
}

// budgetSpender is pending forever, and spends the whole budget at every
// poll, as a future with a stream always ready does; it wakes its task,
// as such a future does when the budget runs out.
type budgetSpender struct{ cancelled bool }

func (b *budgetSpender) Poll(cx *async.Context) (int, bool) {
	spendBudget(cx)
	cx.Waker().Wake()
	return 0, false
}

func (b *budgetSpender) Cancel() { b.cancelled = true }

// TestBudgetTimeoutFiresAroundASpender times out a future that leaves
// no budget for the timer: the timer is looked at without one, or the
// Timeout would never run out.
func TestBudgetTimeoutFiresAroundASpender(t *testing.T) {
	r, cx, _ := pausedReactor(t)
	inner := &budgetSpender{}
	f := timer.TimeoutValue[int](inner, time.Second)
	if _, ok := f.Poll(cx); ok {
		t.Fatal("the timeout is ready at once")
	}
	if r.Timers() != 1 {
		t.Fatalf("%d timers armed after the first poll, want 1", r.Timers())
	}
	r.Clock().Advance(time.Second)
	if _, err := r.Turn(0); err != nil {
		t.Fatal(err)
	}
	testfut.ResetBudget(cx)
	res, ok := f.Poll(cx)
	if !ok || !errors.Is(res.Err, timer.ErrTimeout) {
		t.Fatalf("Timeout = %+v, %v after its second; want ErrTimeout", res, ok)
	}
	if !inner.cancelled {
		t.Fatal("the inner future was not cancelled")
	}
}

// TestBudgetTimeoutWithoutBudgetWaits polls a Timeout with the budget
// already spent: the inner future did not spend it, so the timer takes
// its unit like any sleep, and gives way.
func TestBudgetTimeoutWithoutBudgetWaits(t *testing.T) {
	_, cx, wakes := pausedReactor(t)
	inner := testfut.New[int]()
	f := timer.TimeoutValue[int](inner, 0)
	spendBudget(cx)
	if _, ok := f.Poll(cx); ok {
		t.Fatal("a Timeout of 0 is ready with the budget spent before its poll")
	}
	if *wakes != 1 {
		t.Fatalf("pending for the budget with %d wakes, want 1", *wakes)
	}
	testfut.ResetBudget(cx)
	if res, ok := f.Poll(cx); !ok || !errors.Is(res.Err, timer.ErrTimeout) {
		t.Fatalf("Timeout = %+v, %v; want ErrTimeout", res, ok)
	}
}

// echoHog receives values it keeps sending back to itself, so its
// channel is always ready and it spends its whole budget at every poll.
type echoHog struct {
	tx *mpsc.UnboundedSender[int]
	rx *mpsc.Receiver[int]
}

func (h *echoHog) Poll(cx *async.Context) (int, bool) {
	for {
		res, ok := h.rx.Recv().Poll(cx)
		if !ok {
			return 0, false
		}
		if err := h.tx.Send(res.Value); err != nil {
			return 0, true
		}
	}
}

func (h *echoHog) Cancel() { h.rx.Recv().Cancel() }

// TestBudgetTimeoutOfAHogOnExecutors times out a hog on each executor,
// with the clock running (a paused clock moves only when every task is
// idle, which a hog never is).
func TestBudgetTimeoutOfAHogOnExecutors(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := mpsc.Unbounded[int]()
		defer tx.Close()
		for v := range 4 {
			if err := tx.Send(v); err != nil {
				t.Fatal(err)
			}
		}
		done := make(chan struct{})
		var res async.Result[int]
		var err error
		go func() {
			defer close(done)
			res, err = executor.Run(timer.TimeoutValue[int](&echoHog{tx: tx, rx: rx}, 20*time.Millisecond), x.Options...)
		}()
		select {
		case <-done:
		case <-time.After(patience):
			t.Fatal("the Timeout of a hog never ran out")
		}
		if err != nil || !errors.Is(res.Err, timer.ErrTimeout) {
			t.Fatalf("Run = %+v, %v; want ErrTimeout", res, err)
		}
	})
}
