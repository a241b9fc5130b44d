package reactor

import (
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async/poll"
)

func TestStartTimerPastDeadlineArmsNothing(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	var tm Timer
	w := newCountWaker()
	for _, deadline := range []time.Time{r.Now(), r.Now().Add(-time.Hour), {}} {
		if !r.StartTimer(&tm, deadline, w) {
			t.Fatalf("StartTimer(%v) not expired", deadline)
		}
		if r.Timers() != 0 || tm.entry.Pending() || tm.entry.Waker != nil {
			t.Fatal("an expired StartTimer armed the timer")
		}
	}
	// An armed timer started again with a past deadline is disarmed.
	if r.StartTimer(&tm, r.Now().Add(time.Hour), w) {
		t.Fatal("StartTimer an hour ahead reported expired")
	}
	if !r.StartTimer(&tm, r.Now().Add(-time.Second), w) {
		t.Fatal("re-arming with a past deadline not expired")
	}
	if r.Timers() != 0 || tm.entry.Waker != nil {
		t.Fatal("re-arming with a past deadline left the old timer armed")
	}
	if w.count() != 0 {
		t.Fatal("StartTimer woke the waker itself")
	}
}

// firing records when each timer of a test fired, in order.
type firing struct {
	mu    sync.Mutex
	order []int
	at    []time.Time
	clock *Clock
}

func (f *firing) waker(i int) Waker {
	return wakeFunc(func() {
		f.mu.Lock()
		f.order = append(f.order, i)
		f.at = append(f.at, f.clock.Now())
		f.mu.Unlock()
	})
}

func (f *firing) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.order)
}

type wakeFunc func()

func (f wakeFunc) Wake() { f() }

func TestTimersFireInDeadlineOrderNeverEarly(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	// Offsets in ms; equal deadlines fire in the order they were armed.
	offsets := []int{30, 5, 20, 1, 12, 20, 70, 3, 130}
	order := []int{3, 7, 1, 4, 2, 5, 0, 6, 8}
	start := r.Now()
	timers := make([]Timer, len(offsets))
	deadlines := make([]time.Time, len(offsets))
	f := &firing{clock: r.Clock()}
	expired := make(map[int]bool)
	for i, ms := range offsets {
		deadlines[i] = start.Add(time.Duration(ms) * time.Millisecond)
		if r.StartTimer(&timers[i], deadlines[i], f.waker(i)) {
			// A machine slow enough lets a deadline pass while the timers
			// are armed; StartTimer then reports it expired instead of
			// arming it, which is right only if it has passed.
			if now := r.Now(); now.Before(deadlines[i]) {
				t.Fatalf("timer %d expired at once, %v before its deadline", i, deadlines[i].Sub(now))
			}
			expired[i] = true
		}
	}
	var want []int
	for _, i := range order {
		if !expired[i] {
			want = append(want, i)
		}
	}
	if r.Timers() != len(want) {
		t.Fatalf("Timers() = %d, want %d", r.Timers(), len(want))
	}
	turnUntil(t, r, poll.Forever, func() bool { return f.count() == len(want) })
	for i, idx := range f.order {
		if idx != want[i] {
			t.Fatalf("firing order %v, want %v", f.order, want)
		}
		if f.at[i].Before(deadlines[idx]) {
			t.Errorf("timer %d fired %v early", idx, deadlines[idx].Sub(f.at[i]))
		}
	}
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d after all fired", r.Timers())
	}
	for i := range timers {
		if !r.PollTimer(&timers[i], nil) {
			t.Fatalf("PollTimer of fired timer %d reports not fired", i)
		}
	}
}

func TestStopTimerReleases(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, NewPausedClock())
	var tm Timer
	w := newCountWaker()
	r.StartTimer(&tm, r.Now().Add(time.Second), w)
	r.StopTimer(&tm)
	if r.Timers() != 0 || tm.entry.Waker != nil || tm.entry.Pending() {
		t.Fatal("StopTimer left the timer armed or holding its waker")
	}
	r.StopTimer(&tm) // stopping twice does nothing
	r.Clock().Advance(time.Hour)
	if _, err := r.Turn(0); err != nil {
		t.Fatalf("Turn: %v", err)
	}
	if w.count() != 0 {
		t.Fatal("a stopped timer fired")
	}
}

func TestPollTimerReplacesWaker(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, NewPausedClock())
	var tm Timer
	first, second := newCountWaker(), newCountWaker()
	r.StartTimer(&tm, r.Now().Add(time.Second), first)
	if r.PollTimer(&tm, second) {
		t.Fatal("PollTimer reports an armed timer fired")
	}
	r.Clock().Advance(time.Second)
	if _, err := r.Turn(0); err != nil {
		t.Fatalf("Turn: %v", err)
	}
	if first.count() != 0 || second.count() != 1 {
		t.Fatalf("woke first %d, second %d times; want 0, 1", first.count(), second.count())
	}
	if !r.PollTimer(&tm, first) {
		t.Fatal("PollTimer reports a fired timer pending")
	}
	if tm.entry.Waker != nil {
		t.Fatal("a fired timer holds a waker")
	}
}

func TestStartTimerRearms(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, NewPausedClock())
	var tm Timer
	start := r.Now()
	w := newCountWaker()
	r.StartTimer(&tm, start.Add(time.Hour), w)
	r.StartTimer(&tm, start.Add(time.Second), w)
	if r.Timers() != 1 {
		t.Fatalf("Timers() = %d after re-arming, want 1", r.Timers())
	}
	turnUntil(t, r, poll.Forever, func() bool { return w.count() > 0 })
	if got := r.Now().Sub(start); got != time.Second {
		t.Fatalf("re-armed timer fired at +%v, want +1s", got)
	}
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d after firing", r.Timers())
	}
}

func TestPausedTurnAdvancesToDeadline(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, NewPausedClock())
	start := r.Now()
	var tm Timer
	w := newCountWaker()
	r.StartTimer(&tm, start.Add(time.Hour), w)

	// Turn(0) only looks: a paused clock stands still.
	if _, err := r.Turn(0); err != nil {
		t.Fatalf("Turn(0): %v", err)
	}
	if !r.Now().Equal(start) || w.count() != 0 {
		t.Fatalf("Turn(0) moved a paused clock by %v", r.Now().Sub(start))
	}

	begun := time.Now()
	n, err := r.Turn(poll.Forever)
	if err != nil {
		t.Fatalf("Turn(Forever): %v", err)
	}
	if real := time.Since(begun); real > patience {
		t.Fatalf("Turn(Forever) with a paused clock took %v of real time", real)
	}
	if got := r.Now().Sub(start); got != time.Hour {
		t.Fatalf("the clock advanced by %v, want 1h", got)
	}
	if n != 1 || w.count() != 1 {
		t.Fatalf("Turn reported %d wakes, waker woken %d times; want 1, 1", n, w.count())
	}
}

func TestPausedTurnFiresEveryTimerInOrder(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, NewPausedClock())
	start := r.Now()
	offsets := []time.Duration{
		90 * time.Minute, time.Millisecond, 70 * time.Second, 3 * time.Second,
		64 * time.Millisecond, 4096 * time.Millisecond, 50 * 24 * time.Hour,
	}
	f := &firing{clock: r.Clock()}
	timers := make([]Timer, len(offsets))
	for i, d := range offsets {
		r.StartTimer(&timers[i], start.Add(d), f.waker(i))
	}
	for f.count() < len(offsets) {
		before := f.count()
		if _, err := r.Turn(poll.Forever); err != nil {
			t.Fatalf("Turn: %v", err)
		}
		if f.count() == before {
			t.Fatalf("a paused Turn(Forever) fired nothing with %d timers armed", r.Timers())
		}
	}
	for i := 1; i < len(f.at); i++ {
		if f.at[i].Before(f.at[i-1]) {
			t.Fatalf("timers fired out of order: %v", f.order)
		}
	}
	for i, idx := range f.order {
		if got := f.at[i].Sub(start); got != offsets[idx] {
			t.Errorf("timer %d fired at +%v, want +%v", idx, got, offsets[idx])
		}
	}
}

// A Turn blocked without a timer, or with a later one, must notice a timer
// armed from another goroutine and wake in time for it.
func TestRemoteTimerWakesBlockedTurn(t *testing.T) {
	for _, c := range []struct {
		name  string
		other time.Duration // an earlier timer's offset; 0 for none
	}{{"no timer", 0}, {"later timer", time.Hour}} {
		t.Run(c.name, func(t *testing.T) {
			checkFDs(t)
			r := newReactor(t, nil)
			var other Timer
			if c.other > 0 {
				r.StartTimer(&other, r.Now().Add(c.other), newCountWaker())
				defer r.StopTimer(&other)
			}
			w := newCountWaker()
			stop := make(chan struct{})
			done := make(chan error, 1)
			go func() {
				for {
					select {
					case <-stop:
						done <- nil
						return
					default:
					}
					if _, err := r.Turn(poll.Forever); err != nil {
						done <- err
						return
					}
				}
			}()
			waitTurnBlocked(t, r)
			time.Sleep(5 * time.Millisecond)
			var tm Timer
			armed := time.Now()
			r.StartTimer(&tm, r.Now().Add(10*time.Millisecond), w)
			select {
			case <-w.ch:
			case <-time.After(patience):
				t.Fatal("a timer armed while Turn was blocked did not fire")
			}
			if elapsed := time.Since(armed); elapsed < 10*time.Millisecond {
				t.Fatalf("timer fired after %v, before its deadline", elapsed)
			}
			close(stop)
			r.Wake()
			if err := <-done; err != nil {
				t.Fatalf("Turn: %v", err)
			}
		})
	}
}

func TestSleepUntilIsClearedAfterTurn(t *testing.T) {
	r := newReactor(t, nil)
	var tm Timer
	r.StartTimer(&tm, r.Now().Add(2*time.Millisecond), newCountWaker())
	turnUntil(t, r, poll.Forever, func() bool { return r.Timers() == 0 })
	if got := r.sleepUntil.Load(); got != 0 {
		t.Fatalf("sleepUntil = %d after Turn returned", got)
	}
	if _, err := r.Turn(0); err != nil {
		t.Fatal(err)
	}
	if got := r.sleepUntil.Load(); got != 0 {
		t.Fatalf("sleepUntil = %d after Turn(0)", got)
	}
}
