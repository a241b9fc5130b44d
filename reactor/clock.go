package reactor

import (
	"sync/atomic"
	"time"
)

// Clock tells the reactor's time. A real clock follows the system's
// monotonic clock; a paused clock stands still until it is advanced, by
// Advance or by the reactor when every task is idle.
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
// turn.
func (c *Clock) Advance(d time.Duration) {
	if c.paused && d > 0 {
		c.offset.Add(int64(d))
	}
}

// advanceTo moves a paused clock forward to t, if t is later than now.
func (c *Clock) advanceTo(t time.Time) {
	if d := t.Sub(c.Now()); d > 0 {
		c.Advance(d)
	}
}
