package reactor

import (
	"math"
	"sync/atomic"
	"time"
)

// Clock tells the reactor's time. A real clock follows the system's
// monotonic clock; a paused clock stands still until it is advanced, by
// Advance or by the reactor when every task is idle.
//
// A clock's reach is bounded by the largest time.Duration, 292 years: a
// paused clock counts its advance in an int64 of nanoseconds, so it ends
// 292 years after it was made, and a reactor reads either clock as a
// Duration since the reactor started, so it sees no further than 292 years
// past that. A timer whose deadline lies beyond the reach never fires.
type Clock struct {
	paused bool
	origin time.Time    // real time at creation; paused time starts here
	offset atomic.Int64 // paused clocks: nanoseconds advanced since origin
}

// NewClock returns a clock that follows real time.
func NewClock() *Clock { return &Clock{origin: time.Now()} }

// NewPausedClock returns a clock that starts at the current time and stands
// still until advanced: tokio's start_paused. An executor that drives a
// reactor with a paused clock advances it to the next timer's deadline
// whenever every task is idle, so sleeps complete at once and in order.
//
// A timer beyond the clock's reach is not such a deadline: with only those
// armed, an idle executor waits for I/O or a wake from another goroutine,
// for ever if none comes, and the clock stays where it is. (Tokio's paused
// clock jumps to a far timer instead; this one cannot represent the time it
// would jump to, and a clock stopped at its end would fire nothing.)
func NewPausedClock() *Clock { return &Clock{paused: true, origin: time.Now()} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	if c.paused {
		return c.origin.Add(time.Duration(c.offset.Load()))
	}
	return time.Now()
}

// Paused reports whether the clock is paused.
func (c *Clock) Paused() bool { return c.paused }

// Advance moves a paused clock forward by d. It does nothing to a real
// clock or for d <= 0. Timers that are now due fire at the reactor's next
// turn. A paused clock stops at its end, 292 years (the largest
// time.Duration) after it was made; advancing it further leaves it there.
func (c *Clock) Advance(d time.Duration) {
	if !c.paused || d <= 0 {
		return
	}
	for {
		old := c.offset.Load()
		next := old + int64(d)
		if next < old {
			// Wrapping would send the clock back centuries; stop at the end.
			next = math.MaxInt64
		}
		if c.offset.CompareAndSwap(old, next) {
			return
		}
	}
}

// advanceTo moves a paused clock forward to t, if t is later than now.
func (c *Clock) advanceTo(t time.Time) {
	if d := t.Sub(c.Now()); d > 0 {
		c.Advance(d)
	}
}

// reach returns how far past from, a time the clock has shown, the clock
// can go: for a paused clock, to its end; for a real one, as far as a
// Duration since from counts, which is how the reactor reads the clock.
func (c *Clock) reach(from time.Time) time.Duration {
	if !c.paused {
		return math.MaxInt64
	}
	return math.MaxInt64 - max(from.Sub(c.origin), 0)
}
