package timer_test

import (
	"testing"
	"time"

	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// BenchmarkSleepArmCancel arms a sleep and cancels it, as a losing Select
// branch does: Reset, the first poll that arms the timer, and Cancel. The
// future is reused, so only the timer's own work is measured.
func BenchmarkSleepArmCancel(b *testing.B) {
	r, cx, _ := pausedReactor(b)
	s := timer.Sleep(time.Hour)
	deadline := r.Now().Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		testfut.ResetBudget(cx) // as a task's poll does: a sleep's poll takes a unit
		s.Reset(deadline)
		if _, ok := s.Poll(cx); ok {
			b.Fatal("a sleep an hour ahead is ready")
		}
		s.Cancel()
	}
	if r.Timers() != 0 {
		b.Fatalf("Timers() = %d after the last Cancel", r.Timers())
	}
}

// BenchmarkIntervalTick takes one tick of an interval per iteration on a
// paused clock: arm the tick, move the clock a period, turn the reactor
// (which fires the timer) and take the tick.
func BenchmarkIntervalTick(b *testing.B) {
	r, cx, _ := pausedReactor(b)
	const period = time.Millisecond
	iv := timer.NewInterval(period)
	iv.Tick().Poll(cx) // the first tick is ready at once
	b.ReportAllocs()
	for b.Loop() {
		testfut.ResetBudget(cx)
		tick := iv.Tick()
		if _, ok := tick.Poll(cx); ok {
			b.Fatal("a tick is ready before its period passed")
		}
		r.Clock().Advance(period)
		if _, err := r.Turn(0); err != nil {
			b.Fatal(err)
		}
		if _, ok := tick.Poll(cx); !ok {
			b.Fatal("a tick is pending after its period passed")
		}
	}
}
