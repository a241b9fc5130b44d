package reactor

import (
	"math"
	"time"

	"github.com/asyncgo/async/internal/wheel"
)

// Resolution is the length of one tick of the timer wheel. A deadline is
// rounded up to the next tick, so a timer never fires early.
const Resolution = time.Millisecond

// never is the tick tickAt gives a deadline the clock cannot reach. A
// timer due then is held in the wheel by InsertNever: armed and counted,
// but never due, so it neither shortens a wait nor makes a paused clock
// jump. Real ticks stop far below it, at 292 years of milliseconds.
const never = math.MaxUint64

// Timer is one deadline in the reactor's wheel. The zero value is ready to
// use; a future that sleeps embeds one, so arming a timer allocates
// nothing. A Timer must not be copied while it is armed.
type Timer struct {
	entry wheel.Entry // guarded by the reactor's tmu
}

// StartTimer arms t to wake w at deadline and reports false, or reports
// true without arming it if the deadline has passed. A timer that is armed
// is re-armed with the new deadline.
//
// A deadline beyond the clock's reach, at most 292 years after the reactor
// started (see Clock), never comes: the timer stays armed, and counted by
// Timers, until it is stopped or re-armed, and it never wakes w. Never
// gives such a deadline.
func (r *Reactor) StartTimer(t *Timer, deadline time.Time, w Waker) (expired bool) {
	if !deadline.After(r.clock.Now()) {
		r.StopTimer(t)
		return true
	}
	tick := r.tickAt(deadline)
	r.tmu.Lock()
	r.wheel.Remove(&t.entry)
	if tick == never {
		r.wheel.InsertNever(&t.entry)
	} else if !r.wheel.Insert(&t.entry, tick) {
		// The wheel refuses a tick it has passed. That happens when a Turn
		// on another goroutine read the clock after we did and moved the
		// wheel past the deadline: the deadline has passed, so the timer
		// expired.
		t.entry.Waker = nil
		r.tmu.Unlock()
		return true
	}
	t.entry.Waker = w
	r.tmu.Unlock()
	// A goroutine blocked in Turn computed its timeout before this timer
	// existed; if the new deadline is sooner, make it look again. A tick
	// of never is not sooner than any.
	if tick < r.sleepUntil.Load() {
		r.poller.Wake()
	}
	return false
}

// PollTimer reports whether t has fired. If it has not, w replaces the
// waker it will wake.
func (r *Reactor) PollTimer(t *Timer, w Waker) (fired bool) {
	r.tmu.Lock()
	defer r.tmu.Unlock()
	if !t.entry.Pending() {
		return true
	}
	t.entry.Waker = w
	return false
}

// StopTimer disarms t, releasing its waker. Stopping a timer that fired or
// was never armed does nothing.
func (r *Reactor) StopTimer(t *Timer) {
	r.tmu.Lock()
	r.wheel.Remove(&t.entry)
	t.entry.Waker = nil
	r.tmu.Unlock()
}

// Timers returns the number of armed timers.
func (r *Reactor) Timers() int {
	r.tmu.Lock()
	defer r.tmu.Unlock()
	return r.wheel.Len()
}

// Never returns a deadline that no reactor's clock reaches: a timer started
// with it never fires. Any deadline beyond the clock's reach (see Clock)
// does the same; Never names one for callers that hold a deadline they
// cannot represent, such as one past 2262 kept in Unix nanoseconds.
func Never() time.Time { return time.Unix(1<<62, 0) }

// NextDeadline returns when the earliest timer must be looked at, and
// false if no timer is armed or every armed timer is beyond the clock's
// reach.
func (r *Reactor) NextDeadline() (time.Time, bool) { return r.nextTimer() }

func (r *Reactor) nextTimer() (time.Time, bool) {
	r.tmu.Lock()
	tick, ok := r.wheel.NextDeadline()
	r.tmu.Unlock()
	if !ok {
		return time.Time{}, false
	}
	return r.origin.Add(time.Duration(tick) * Resolution), true
}

// tickAt returns the first tick at or after t, or never if the clock cannot
// reach that tick.
func (r *Reactor) tickAt(t time.Time) uint64 {
	d := t.Sub(r.origin)
	if d <= 0 {
		return 0
	}
	// Sub saturates, so the largest Duration stands for any later time too.
	if d == math.MaxInt64 {
		return never
	}
	// Round up without adding first: d may be near the largest Duration,
	// and d+Resolution-1 would wrap negative.
	ticks := d / Resolution
	if d%Resolution != 0 {
		ticks++
	}
	// A tick the clock cannot show would never be polled: clamping it to
	// the last one the clock reaches would fire it early, and leaving it in
	// the wheel would have a paused clock chase it.
	if ticks > r.clock.reach(r.origin)/Resolution {
		return never
	}
	return uint64(ticks)
}

// nowTick returns the last whole tick that has passed.
func (r *Reactor) nowTick() uint64 {
	d := r.clock.Now().Sub(r.origin)
	if d <= 0 {
		return 0
	}
	return uint64(d / Resolution)
}

// advanceToTimer moves a paused clock forward until a timer fires, and
// fires it: the wheel's next deadline may be the start of a slot that only
// cascades its timers to lower levels, so one step does not always reach
// a real deadline. It reports how many wakers it called; zero when no timer
// is armed, or only timers beyond the clock's reach, which it leaves be.
// Every other deadline is within the clock's reach (see tickAt), so each
// step moves the clock and the loop ends.
func (r *Reactor) advanceToTimer(p Parker) int {
	for {
		if n := r.fireTimers(p); n > 0 {
			return n
		}
		next, ok := r.nextTimer()
		if !ok {
			return 0
		}
		r.clock.advanceTo(next)
	}
}

// fireTimers wakes the wakers of every timer that expired, in batches, with
// the lock released while they run.
func (r *Reactor) fireTimers(p Parker) int {
	now := r.nowTick()
	woken := 0
	for {
		r.expired = r.expired[:0]
		r.tmu.Lock()
		for len(r.expired) < cap(r.expired) {
			e := r.wheel.Poll(now)
			if e == nil {
				break
			}
			r.expired = append(r.expired, e.Waker)
			e.Waker = nil
		}
		r.tmu.Unlock()
		for i, w := range r.expired {
			if w != nil {
				wake(w, p)
				woken++
			}
			r.expired[i] = nil
		}
		if len(r.expired) < cap(r.expired) {
			return woken
		}
	}
}
