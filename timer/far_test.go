package timer_test

import (
	"math"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/timer"
)

// Deadlines the futures of this package cannot hold (after 2262, where Unix
// nanoseconds end) or the reactor's clock cannot reach (292 years, the
// largest Duration, after it started) never come: the future stays pending
// until it is cancelled, and a paused clock does not jump for it.

// year is a long enough year for these tests.
const year = 365 * 24 * time.Hour

// forever is the largest Duration, the usual "no timeout".
const forever = time.Duration(math.MaxInt64)

// idleTurn turns r as an executor with every task idle does: on a paused
// clock it jumps to the next deadline and fires what is due. It waits for
// I/O at most a millisecond of real time when no timer can fire, where an
// executor would wait for ever.
func idleTurn(t testing.TB, r *reactor.Reactor) {
	t.Helper()
	if _, err := r.Turn(time.Millisecond); err != nil {
		t.Fatalf("Turn: %v", err)
	}
}

// checkNeverEnds polls f, which must be pending and must stay so through an
// idle turn of the paused reactor, leaving the clock where it was; then it
// cancels f, which must release its timer.
func checkNeverEnds[T any](t *testing.T, what string, f async.Future[T]) {
	t.Helper()
	r, cx, wakes := pausedReactor(t)
	start := r.Now()
	if _, ok := f.Poll(cx); ok {
		t.Fatalf("%s: ready at first poll", what)
	}
	if r.Timers() == 0 {
		t.Fatalf("%s: pending with no timer armed", what)
	}
	if next, ok := r.NextDeadline(); ok {
		t.Fatalf("%s: NextDeadline() = now%+v, want none", what, next.Sub(start))
	}
	idleTurn(t, r)
	if moved := r.Now().Sub(start); moved != 0 {
		t.Fatalf("%s: an idle turn moved the paused clock by %v", what, moved)
	}
	if _, ok := f.Poll(cx); ok || *wakes != 0 {
		t.Fatalf("%s: ready %v, woken %d times after an idle turn; want pending, never woken", what, ok, *wakes)
	}
	f.Cancel()
	if r.Timers() != 0 {
		t.Fatalf("%s: Timers() = %d after Cancel", what, r.Timers())
	}
}

func TestSleepUntilBeyond2262NeverEnds(t *testing.T) {
	for _, c := range []struct {
		name     string
		deadline time.Time
	}{
		{"now+MaxInt64", time.Now().Add(forever)},
		{"last Unix nanosecond", time.Unix(0, math.MaxInt64)},
		{"2262-04-12", time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC)},
		{"year 3000", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		checkNeverEnds(t, "SleepUntil("+c.name+")", timer.SleepUntil(c.deadline))
	}
}

func TestSleepUntilBefore1678IsReady(t *testing.T) {
	r, cx, _ := pausedReactor(t)
	for _, deadline := range []time.Time{
		{},
		time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1677, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, math.MinInt64),
	} {
		if _, ok := timer.SleepUntil(deadline).Poll(cx); !ok {
			t.Fatalf("SleepUntil(%v) pending at first poll", deadline)
		}
		res, ok := timer.DeadlineValue(async.Pending[int](), deadline).Poll(cx)
		if !ok {
			t.Fatalf("Deadline(%v) pending at first poll", deadline)
		}
		checkTimedOut(t, res.Err)
	}
	if r.Timers() != 0 {
		t.Fatalf("%d timers armed by deadlines long past", r.Timers())
	}
}

func TestSleepMaxDurationNeverEnds(t *testing.T) {
	checkNeverEnds(t, "Sleep(MaxInt64)", timer.Sleep(forever))
	checkNeverEnds(t, "Timeout(MaxInt64)", timer.TimeoutValue(async.Pending[int](), forever))
	checkNeverEnds(t, "Sleep(280 years)", timer.Sleep(280*year))
}

func TestDeadlineBeyond2262NeverTimesOut(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, c := range []struct {
			name     string
			deadline func(start time.Time) time.Time
		}{
			{"time.Now()+MaxInt64", func(time.Time) time.Time { return time.Now().Add(forever) }},
			{"start+MaxInt64", func(start time.Time) time.Time { return start.Add(forever) }},
			{"year 3000", func(time.Time) time.Time { return time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		} {
			t.Run(c.name, func(t *testing.T) {
				inner := &slowValue{sleep: timer.Sleep(time.Hour), v: 7}
				res, elapsed, timers := timeoutRun(t, x, func(start time.Time) async.Future[async.Result[int]] {
					return timer.DeadlineValue[int](inner, c.deadline(start))
				})
				if res.Err != nil || res.Value != 7 || elapsed != time.Hour || timers != 0 || inner.cancels != 0 {
					t.Fatalf("result %+v after %v, %d timers, %d cancels; want 7 after 1h, none, none",
						res, elapsed, timers, inner.cancels)
				}
			})
		}
		checkNeverEnds(t, "Deadline(year 3000)",
			timer.DeadlineValue(async.Pending[int](), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)))
	})
}

// A paused clock reaches 292 years; a second sleep of 200 years ends past
// that, so it never ends, rather than when the clock runs out.
func TestSecondLongSleepOnPausedClockNeverEnds(t *testing.T) {
	r, cx, _ := pausedReactor(t)
	start := r.Now()
	first := timer.Sleep(200 * year)
	if _, ok := first.Poll(cx); ok {
		t.Fatal("Sleep(200 years) ready at first poll")
	}
	idleTurn(t, r)
	if _, ok := first.Poll(cx); !ok {
		t.Fatal("Sleep(200 years) pending after the paused clock jumped")
	}
	if got := r.Now().Sub(start); got != 200*year {
		t.Fatalf("the first Sleep(200 years) ended after %v", got)
	}
	second := timer.Sleep(200 * year)
	if _, ok := second.Poll(cx); ok {
		t.Fatal("the second Sleep(200 years) ready at first poll")
	}
	idleTurn(t, r)
	if _, ok := second.Poll(cx); ok {
		t.Fatalf("the second Sleep(200 years) ended after %v", r.Now().Sub(start)-200*year)
	}
	if got := r.Now().Sub(start); got != 200*year {
		t.Fatalf("the paused clock moved to +%v for a sleep that never ends", got)
	}
	second.Cancel()
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d after Cancel", r.Timers())
	}
}

func TestSleepResetBeyond2262NeverEnds(t *testing.T) {
	r, cx, _ := pausedReactor(t)
	s := timer.Sleep(time.Second)
	s.Poll(cx)
	s.Reset(time.Now().Add(forever))
	if got := s.Deadline(); !got.Equal(time.Unix(0, math.MaxInt64)) {
		t.Fatalf("Deadline() = %v after Reset beyond 2262, want the last Unix nanosecond", got)
	}
	checkNeverEnds(t, "Reset(time.Now()+MaxInt64)", s)
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d on the first reactor", r.Timers())
	}
}

// An interval whose next tick falls past 2262 delivers its first tick and
// then none: it waits for ever rather than ticking at once.
func TestIntervalBeyond2262TicksOnce(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, m := range []timer.MissedTick{timer.Skip, timer.Burst, timer.Delay} {
			iv := timer.NewInterval(250 * year)
			iv.SetMissedTick(m)
			var first time.Time
			var res async.Result[time.Time]
			var start, end time.Time
			var timers int
			var next async.Future[async.Result[time.Time]]
			main := &steps{fns: []func(*async.Context) bool{
				do(func(cx *async.Context) { start = cx.Reactor().Now() }),
				await(iv.Tick(), &first),
				do(func(*async.Context) { next = timer.TimeoutValue(iv.Tick(), time.Hour) }),
				func(cx *async.Context) bool { return await(next, &res)(cx) },
				do(func(cx *async.Context) { end, timers = cx.Reactor().Now(), cx.Reactor().Timers() }),
			}}
			if _, err := executor.Run[struct{}](main, x.With(executor.WithPausedClock())...); err != nil {
				t.Fatalf("MissedTick %d: Run: %v", m, err)
			}
			if !first.Equal(start) {
				t.Fatalf("MissedTick %d: first tick due at start%+v, want at start", m, first.Sub(start))
			}
			if res.Err == nil {
				t.Fatalf("MissedTick %d: second tick of a 250-year interval came, due at start%+v", m, res.Value.Sub(start))
			}
			checkTimedOut(t, res.Err)
			if end.Sub(start) != time.Hour || timers != 0 {
				t.Fatalf("MissedTick %d: timed out at start%+v with %d timers armed; want +1h, none", m, end.Sub(start), timers)
			}
		}
	})
}

// turns returns how many times ex turned its reactor: a MultiThread's
// workers' turns, as they published them when they last parked.
func turns(ex executor.Executor) uint64 {
	switch ex := ex.(type) {
	case *executor.CurrentThread:
		return ex.Stats().Turns
	case *executor.MultiThread:
		var n uint64
		for _, w := range ex.Metrics().Workers {
			n += w.Turns
		}
		return n
	}
	panic("turns: unknown executor")
}

// workers returns the number of goroutines that may turn ex's reactor.
func workers(ex executor.Executor) uint64 {
	if ex, ok := ex.(*executor.MultiThread); ok {
		return uint64(ex.Workers())
	}
	return 1
}

// An executor whose every task is idle while only a sleep that never ends
// is armed waits (here, for a wake from another goroutine) without turning
// its reactor over and over and without moving the paused clock.
func TestNeverEndingSleepDoesNotSpin(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := x.New(t, executor.WithPausedClock())
		defer ex.Close()
		r := ex.Reactor()
		start := r.Now()
		sleep := timer.SleepUntil(start.Add(forever))
		woken := make(chan struct{})
		wakerDone := make(chan struct{})
		started, sleepEnded := false, false
		f := async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			if _, ok := sleep.Poll(cx); ok {
				sleepEnded = true
				return struct{}{}, true
			}
			select {
			case <-woken:
				sleep.Cancel()
				return struct{}{}, true
			default:
			}
			if !started {
				// Wake the task from outside after a while, as I/O or another
				// goroutine would; until then every task is idle.
				started = true
				w := cx.Waker()
				go func() {
					defer close(wakerDone)
					time.Sleep(20 * time.Millisecond)
					close(woken)
					w.Wake()
				}()
			}
			return struct{}{}, false
		})
		if _, err := executor.BlockOn[struct{}](ex, f); err != nil {
			t.Fatalf("BlockOn: %v", err)
		}
		if started {
			<-wakerDone
		}
		if sleepEnded {
			t.Fatalf("a sleep until now+MaxInt64 ended, at now%+v", r.Now().Sub(start))
		}
		if moved := r.Now().Sub(start); moved != 0 {
			t.Fatalf("the paused clock moved by %v", moved)
		}
		if turns := turns(ex); turns > 10*workers(ex) {
			t.Fatalf("the executor turned its reactor %d times while idle: it spins", turns)
		}
		if r.Timers() != 0 {
			t.Fatalf("Timers() = %d after the sleep was cancelled", r.Timers())
		}
	})
}
