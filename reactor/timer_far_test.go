package reactor

import (
	"math"
	"testing"
	"time"

	"github.com/asyncgo/async/poll"
)

// A deadline past the clock's reach never comes: the timer stays armed,
// and counted, until it is stopped, and it never makes a turn wake early or
// a paused clock jump.

const (
	year    = 365 * 24 * time.Hour
	forever = time.Duration(math.MaxInt64)
)

// idleTurn turns r as an idle executor does, but waits for I/O at most a
// millisecond of real time where the executor would wait for ever.
func idleTurn(t testing.TB, r *Reactor) int {
	t.Helper()
	n, err := r.Turn(time.Millisecond)
	if err != nil {
		t.Fatalf("Turn: %v", err)
	}
	return n
}

// beyondReach returns deadlines the clock of a reactor started at start
// cannot reach.
func beyondReach(start time.Time) map[string]time.Time {
	edge := start.Add(time.Duration(math.MaxInt64/Resolution) * Resolution)
	return map[string]time.Time{
		"start+MaxInt64":          start.Add(forever),
		"start+2*MaxInt64":        start.Add(forever).Add(forever),
		"a nanosecond past reach": edge.Add(time.Nanosecond),
		"year 3000":               time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

func TestTimerBeyondReachNeverFires(t *testing.T) {
	t.Run("paused clock", func(t *testing.T) {
		checkFDs(t)
		r := newReactor(t, NewPausedClock())
		start := r.Now()
		far := beyondReach(start)
		timers := make([]Timer, 0, len(far))
		w := newCountWaker()
		for name, deadline := range far {
			timers = append(timers, Timer{})
			if r.StartTimer(&timers[len(timers)-1], deadline, w) {
				t.Fatalf("StartTimer(%s) expired at once", name)
			}
		}
		if r.Timers() != len(far) {
			t.Fatalf("Timers() = %d, want %d", r.Timers(), len(far))
		}
		if next, ok := r.NextDeadline(); ok {
			t.Fatalf("NextDeadline() = start%+v, want none", next.Sub(start))
		}
		if n := idleTurn(t, r); n != 0 || w.count() != 0 {
			t.Fatalf("an idle turn woke %d, waker woken %d times; want none", n, w.count())
		}
		if moved := r.Now().Sub(start); moved != 0 {
			t.Fatalf("an idle turn moved the paused clock by %v", moved)
		}
		for i := range timers {
			if r.PollTimer(&timers[i], w) {
				t.Fatalf("PollTimer reports timer %d fired", i)
			}
			r.StopTimer(&timers[i])
			if timers[i].entry.Waker != nil {
				t.Fatalf("stopped timer %d holds its waker", i)
			}
		}
		if r.Timers() != 0 {
			t.Fatalf("Timers() = %d after stopping them all", r.Timers())
		}
	})
	t.Run("real clock", func(t *testing.T) {
		checkFDs(t)
		r := newReactor(t, nil)
		start := r.Now()
		var far, near Timer
		farWaker := newCountWaker()
		r.StartTimer(&far, start.Add(forever), farWaker)
		w := newCountWaker()
		if r.StartTimer(&near, start.Add(2*time.Millisecond), w) {
			w.Wake() // the machine was slow enough for it to pass already
		}
		turnUntil(t, r, poll.Forever, func() bool { return w.count() > 0 })
		if farWaker.count() != 0 || r.Timers() != 1 {
			t.Fatalf("far timer woken %d times, %d timers armed; want 0, 1", farWaker.count(), r.Timers())
		}
		if next, ok := r.NextDeadline(); ok {
			t.Fatalf("NextDeadline() = now%+v with only a far timer, want none", next.Sub(r.Now()))
		}
		r.StopTimer(&far)
		if r.Timers() != 0 {
			t.Fatalf("Timers() = %d after StopTimer", r.Timers())
		}
	})
}

// The last tick the clock reaches is a real deadline, and fires exactly.
func TestTimerAtEndOfReachFires(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, NewPausedClock())
	start := r.Now()
	reach := time.Duration(math.MaxInt64/Resolution) * Resolution
	var tm Timer
	w := newCountWaker()
	r.StartTimer(&tm, start.Add(reach), w)
	if next, ok := r.NextDeadline(); !ok || next.After(start.Add(reach)) {
		t.Fatalf("NextDeadline() = start%+v, %v; want no later than start%+v", next.Sub(start), ok, reach)
	}
	turnUntil(t, r, poll.Forever, func() bool { return w.count() > 0 })
	if got := r.Now().Sub(start); got != reach {
		t.Fatalf("the timer at the end of reach fired at start%+v, want start%+v", got, reach)
	}
}

// A paused clock that already moved 200 years has 92 left: a second
// 200-year timer is out of reach and must not fire when the clock runs out.
func TestPausedClockSecondFarTimerNeverFires(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, NewPausedClock())
	start := r.Now()
	var tm Timer
	w := newCountWaker()
	r.StartTimer(&tm, start.Add(200*year), w)
	if n := idleTurn(t, r); n != 1 || r.Now().Sub(start) != 200*year {
		t.Fatalf("first timer: %d woken, clock at start%+v; want 1, +200 years", n, r.Now().Sub(start))
	}
	r.StartTimer(&tm, r.Now().Add(200*year), w)
	if n := idleTurn(t, r); n != 0 {
		t.Fatalf("the second 200-year timer fired at start%+v", r.Now().Sub(start))
	}
	if got := r.Now().Sub(start); got != 200*year {
		t.Fatalf("the paused clock moved to start%+v for a timer out of reach", got)
	}
	r.StopTimer(&tm)
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d after StopTimer", r.Timers())
	}
}

// A clock advanced before the reactor was made has less reach left; a
// deadline within 292 years of the reactor's start but past the clock's end
// must not leave the paused turn chasing a time it cannot reach.
func TestTimerBeyondAdvancedClockNeverFires(t *testing.T) {
	checkFDs(t)
	clock := NewPausedClock()
	clock.Advance(100 * year)
	r := newReactor(t, clock)
	start := r.Now()
	var tm Timer
	w := newCountWaker()
	r.StartTimer(&tm, start.Add(250*year), w)
	done := make(chan int, 1)
	go func() { done <- idleTurn(t, r) }()
	select {
	case n := <-done:
		if n != 0 || w.count() != 0 {
			t.Fatalf("a timer past the clock's end fired at start%+v", r.Now().Sub(start))
		}
	case <-time.After(patience):
		t.Fatal("an idle turn with a timer past the clock's end did not return")
	}
	if got := r.Now().Sub(start); got != 0 {
		t.Fatalf("the paused clock moved to start%+v for a timer out of reach", got)
	}
	r.StopTimer(&tm)
}

// Turn(Forever) on a paused clock with only timers out of reach armed waits
// for I/O or a Wake, as with no timer at all: it neither spins nor jumps.
func TestPausedTurnWaitsWithOnlyFarTimer(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, NewPausedClock())
	start := r.Now()
	var tm Timer
	w := newCountWaker()
	r.StartTimer(&tm, start.Add(forever), w)
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := r.Turn(poll.Forever)
		done <- result{n, err}
	}()
	select {
	case res := <-done:
		t.Fatalf("Turn(Forever) returned (%d, %v) with only a far timer armed; clock at start%+v",
			res.n, res.err, r.Now().Sub(start))
	case <-time.After(50 * time.Millisecond):
		// Still waiting, as it should; a correct Turn waits for ever.
	}
	r.Wake()
	res := <-done
	if res.err != nil || res.n != 0 || w.count() != 0 {
		t.Fatalf("woken Turn: (%d, %v), far waker woken %d times; want (0, nil), 0", res.n, res.err, w.count())
	}
	if got := r.Now().Sub(start); got != 0 {
		t.Fatalf("the paused clock moved to start%+v", got)
	}
	r.StopTimer(&tm)
}

func TestClockAdvanceSaturates(t *testing.T) {
	c := NewPausedClock()
	start := c.Now()
	end := start.Add(forever)
	c.Advance(200 * year)
	c.Advance(200 * year)
	if !c.Now().Equal(end) {
		t.Fatalf("after advancing 400 years the clock reads start%+v (%v), want its end, start+MaxInt64", c.Now().Sub(start), c.Now())
	}
	c.Advance(forever)
	c.Advance(time.Nanosecond)
	if !c.Now().Equal(end) {
		t.Fatalf("advancing a clock at its end moved it to %v", c.Now())
	}
	c.advanceTo(end.Add(time.Hour))
	if !c.Now().Equal(end) {
		t.Fatalf("advanceTo past the end moved the clock to %v", c.Now())
	}
}
