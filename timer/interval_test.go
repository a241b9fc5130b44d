package timer_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// tickAt is one tick as a test sees it: when it was due and when it was
// delivered, both counted from the interval's start.
type tickAt struct{ due, at time.Duration }

func (t tickAt) String() string { return fmt.Sprintf("%v@%v", t.due, t.at) }

// ticker takes n ticks of iv and records them. After tick number lateAfter
// it is late by late: it sleeps that long, or, if advance is set, moves the
// paused clock by hand, as a task busy with work between ticks would.
type ticker struct {
	iv        *timer.Interval
	n         int
	lateAfter int
	late      time.Duration
	advance   bool

	start time.Time
	got   []tickAt
	tick  async.Future[time.Time]
	sleep *timer.Timer
}

func (k *ticker) Poll(cx *async.Context) ([]tickAt, bool) {
	now := cx.Reactor().Now
	for len(k.got) < k.n {
		if k.sleep != nil {
			if _, ok := k.sleep.Poll(cx); !ok {
				return nil, false
			}
			k.sleep = nil
		}
		if k.tick == nil {
			k.tick = k.iv.Tick()
		}
		due, ok := k.tick.Poll(cx)
		if !ok {
			return nil, false
		}
		k.tick = nil
		if k.start.IsZero() {
			k.start = due
		}
		k.got = append(k.got, tickAt{due.Sub(k.start), now().Sub(k.start)})
		if len(k.got)-1 == k.lateAfter {
			if k.advance {
				cx.Reactor().Clock().Advance(k.late)
			} else {
				k.sleep = timer.Sleep(k.late)
			}
		}
	}
	return k.got, true
}

func (k *ticker) Cancel() {
	if k.tick != nil {
		k.tick.Cancel()
	}
	if k.sleep != nil {
		k.sleep.Cancel()
	}
}

func TestIntervalMissedTicks(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const ms = time.Millisecond
		// Period 10ms; the task is 25ms late after the tick due at 10ms, so it
		// asks for the tick due at 20ms at 35ms, having missed the one at 30ms.
		cases := []struct {
			missed timer.MissedTick
			want   []tickAt
		}{
			// The late tick comes at once; the schedule keeps its phase and
			// drops the tick at 30ms.
			{timer.Skip, []tickAt{{0, 0}, {10 * ms, 10 * ms}, {20 * ms, 35 * ms}, {40 * ms, 40 * ms}, {50 * ms, 50 * ms}}},
			// The late tick and the missed one come at once, then on schedule.
			{timer.Burst, []tickAt{{0, 0}, {10 * ms, 10 * ms}, {20 * ms, 35 * ms}, {30 * ms, 35 * ms}, {40 * ms, 40 * ms}}},
			// The schedule restarts a period after the late tick.
			{timer.Delay, []tickAt{{0, 0}, {10 * ms, 10 * ms}, {20 * ms, 35 * ms}, {45 * ms, 45 * ms}, {55 * ms, 55 * ms}}},
		}
		for _, c := range cases {
			for _, advance := range []bool{false, true} {
				how := "sleeping"
				if advance {
					how = "advancing the clock"
				}
				t.Run(fmt.Sprintf("%d/%s", c.missed, how), func(t *testing.T) {
					iv := timer.NewInterval(10 * ms)
					iv.SetMissedTick(c.missed)
					k := &ticker{iv: iv, n: len(c.want), lateAfter: 1, late: 25 * ms, advance: advance}
					got, err := executor.Run[[]tickAt](k, x.With(executor.WithPausedClock())...)
					if err != nil {
						t.Fatalf("Run: %v", err)
					}
					if !slices.Equal(got, c.want) {
						t.Fatalf("ticks (due@delivered) %v, want %v", got, c.want)
					}
				})
			}
		}
	})
}

func TestIntervalLateLessThanAPeriodKeepsSchedule(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const ms = time.Millisecond
		want := []tickAt{{0, 0}, {10 * ms, 10 * ms}, {20 * ms, 25 * ms}, {30 * ms, 30 * ms}}
		for _, m := range []timer.MissedTick{timer.Skip, timer.Burst, timer.Delay} {
			iv := timer.NewInterval(10 * ms)
			iv.SetMissedTick(m)
			k := &ticker{iv: iv, n: len(want), lateAfter: 1, late: 15 * ms}
			got, err := executor.Run[[]tickAt](k, x.With(executor.WithPausedClock())...)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("MissedTick %d: ticks %v, want %v", m, got, want)
			}
		}
	})
}

// On a real clock a tick may come late, by timer resolution or because the
// machine is busy, and under Skip a tick more than a period late moves the
// schedule on. What holds however slow the machine: no tick is delivered
// before it is due; every tick is due on the interval's phase, a whole
// number of periods after the first, at least a period after the one
// before; and no due tick is skipped, since the tick after one delivered
// at t is due by t+period (the first multiple of the period after the
// moment the Interval saw it delivered, which is no later than t).
func TestIntervalRealClockNeverEarly(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const period = 5 * time.Millisecond
		iv := timer.NewInterval(period)
		if iv.Period() != period {
			t.Fatalf("Period() = %v", iv.Period())
		}
		k := &ticker{iv: iv, n: 4, lateAfter: -1}
		got, err := executor.Run[[]tickAt](k, x.Options...)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		for i, tk := range got {
			switch {
			case tk.at < tk.due:
				t.Fatalf("ticks %v: tick %d delivered %v before it was due", got, i, tk.due-tk.at)
			case tk.due%period != 0:
				t.Fatalf("ticks %v: tick %d is due off the interval's phase", got, i)
			case tk.at > patience:
				t.Fatalf("ticks %v: tick %d delivered after %v", got, i, tk.at)
			case i == 0 && tk.due != 0:
				t.Fatalf("ticks %v: the first tick is due at %v, want at the start", got, tk.due)
			case i == 0:
			case tk.due < got[i-1].due+period:
				t.Fatalf("ticks %v: tick %d is due less than a period after tick %d", got, i, i-1)
			case tk.due > got[i-1].at+period:
				t.Fatalf("ticks %v: tick %d is due more than a period after tick %d was delivered: a due tick was skipped", got, i, i-1)
			}
		}
	})
}

func TestIntervalCancelledTickReleasesTimer(t *testing.T) {
	r, cx, _ := pausedReactor(t)
	iv := timer.NewInterval(time.Second)
	if _, ok := iv.Tick().Poll(cx); !ok {
		t.Fatal("the first tick is not ready at once")
	}
	tick := iv.Tick()
	if _, ok := tick.Poll(cx); ok {
		t.Fatal("the second tick is ready at once")
	}
	if r.Timers() != 1 {
		t.Fatalf("Timers() = %d while waiting for a tick", r.Timers())
	}
	tick.Cancel()
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d after cancelling the tick", r.Timers())
	}
	// The interval goes on: the tick that was cancelled is asked again.
	r.Clock().Advance(time.Second)
	if _, ok := iv.Tick().Poll(cx); !ok {
		t.Fatal("the tick due now is not ready after a cancelled wait")
	}
}

func TestNewIntervalRejectsNonPositivePeriod(t *testing.T) {
	for _, p := range []time.Duration{0, -time.Second} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewInterval(%v) did not panic", p)
				}
			}()
			timer.NewInterval(p)
		}()
	}
}
