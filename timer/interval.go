package timer

import (
	"time"

	"github.com/asyncgo/async"
)

// MissedTick says what an Interval does when ticks were missed because the
// task did not ask for them in time.
type MissedTick uint8

const (
	// Skip drops the missed ticks: the next tick comes at the next multiple
	// of the period after now, keeping the original phase. Like Go's
	// time.Ticker, it never bursts. The default.
	Skip MissedTick = iota
	// Burst delivers the missed ticks at once, one per Tick, until it has
	// caught up with the schedule.
	Burst
	// Delay restarts the schedule: the next tick comes one period after the
	// late tick was delivered. A tick counts as late only when the one
	// after it is already due; a smaller delay keeps the schedule, so that
	// timer and scheduling jitter do not make the ticks drift.
	Delay
)

// Interval delivers ticks at a fixed period. The first tick is ready at
// once; tick n is due at start + n*period. Ask for each tick with Tick. A
// tick due after 2262 never comes (see SleepUntil).
type Interval struct {
	period time.Duration
	missed MissedTick
	next   time.Time // when the next tick is due; zero before the first
	tick   tickFuture
}

// NewInterval returns an interval with the given period, which must be
// positive, and the Skip behaviour for missed ticks.
func NewInterval(period time.Duration) *Interval {
	if period <= 0 {
		panic("timer: NewInterval with a non-positive period")
	}
	iv := &Interval{period: period}
	iv.tick.iv = iv
	return iv
}

// SetMissedTick chooses what happens to ticks the task was too late for.
func (iv *Interval) SetMissedTick(m MissedTick) { iv.missed = m }

// Period returns the interval's period.
func (iv *Interval) Period() time.Duration { return iv.period }

// Tick returns a future of the next tick; its value is the time the tick
// was due. The future is reused from tick to tick, so ticking allocates
// nothing: await each one before asking for the next.
func (iv *Interval) Tick() async.Future[time.Time] {
	iv.tick.armed = false
	return &iv.tick
}

// tickFuture waits for one tick of its Interval.
type tickFuture struct {
	iv    *Interval
	sleep Timer
	armed bool
}

func (t *tickFuture) Poll(cx *async.Context) (time.Time, bool) {
	iv := t.iv
	if !t.armed {
		if iv.next.IsZero() {
			iv.next = cx.Reactor().Now()
		}
		t.sleep.Reset(iv.next)
		t.armed = true
	}
	if _, ok := t.sleep.Poll(cx); !ok {
		return time.Time{}, false
	}
	due := iv.next
	iv.next = iv.following(due, cx.Reactor().Now())
	return due, true
}

func (t *tickFuture) Cancel() { t.sleep.Cancel() }

// following returns when the tick after the one due at due is due, given
// that it is delivered at now.
func (iv *Interval) following(due, now time.Time) time.Time {
	next := due.Add(iv.period)
	if !next.Before(now) {
		return next
	}
	switch iv.missed {
	case Burst:
		return next
	case Delay:
		return now.Add(iv.period)
	}
	// Skip: the first multiple of the period after now. Add the last
	// multiple not after now, then one more period, as times: a Duration
	// holding both could overflow when the period is centuries long.
	late := now.Sub(due)
	return due.Add(late / iv.period * iv.period).Add(iv.period)
}
