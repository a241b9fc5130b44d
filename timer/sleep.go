package timer

import (
	"math"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// Timer is the future of Sleep and SleepUntil. It is ready, with the
// zero struct, once its deadline has passed. Reset re-arms it, so one
// Timer kept in a struct serves a loop of waits without allocating.
//
// It is 56 bytes: a million sleeping tasks each hold one, so the deadline
// is kept as Unix nanoseconds rather than a time.Time, whether the timer
// fired is asked of the reactor rather than cached, and what the deadline
// field holds before the first poll is told by the reactor field rather
// than by a flag of its own. Unix nanoseconds end in 2262 (see unixNano):
// a later deadline never comes.
type Timer struct {
	timer reactor.Timer
	// r is the reactor the sleep was first polled on, whose wheel holds
	// the timer. Before that first poll it says what at holds: nil for a
	// duration (Sleep), unpolled for a deadline (SleepUntil, Reset).
	r  *reactor.Reactor
	at int64 // a duration, or a deadline in saturated Unix ns: see r
}

// unpolled is the r of a Timer whose at is a deadline but that no
// reactor holds yet. It is only ever compared with, never used.
var unpolled reactor.Reactor

// Sleep returns a future that is ready d after its first poll. It never
// completes early; it completes up to one timer tick (reactor.Resolution)
// late, plus scheduling delay.
//
// The future is a *Timer, which Go takes wherever a Future[struct{}] is
// expected, inferring type arguments from its methods:
//
//	async.Await(co, timer.Sleep(time.Second))
//	async.Spawn(cx, timer.Sleep(time.Second))
//
// A variable, slice or field of the interface type holds it as any other
// future. A struct may hold a Timer by value, *timer.Sleep(d), so that
// the sleep lives in the struct's allocation.
//
// A sleep that would end after 2262, such as Sleep(math.MaxInt64), or
// beyond the reach of the runtime's clock (see reactor.Clock), never ends:
// it stays pending, holding its timer, until it is cancelled.
func Sleep(d time.Duration) *Timer { return &Timer{at: int64(d)} }

// SleepUntil returns a future that is ready at deadline, a wall-clock
// instant (its monotonic reading is not kept). A deadline before 1678 has
// passed; one after 2262 never comes (see Sleep).
func SleepUntil(deadline time.Time) *Timer {
	return &Timer{r: &unpolled, at: unixNano(deadline)}
}

// polled reports whether the sleep has been polled, and r is its reactor.
func (s *Timer) polled() bool { return s.r != nil && s.r != &unpolled }

// Poll arms the timer on the first poll and reports whether it has fired.
// It takes a unit of the task's cooperative budget first (see
// async.Context.Proceed), as every future of the runtime that can be
// ready without waiting does: a sleep whose deadline has passed, or an
// Interval whose ticks are due, must not let a loop keep its executor.
func (s *Timer) Poll(cx *async.Context) (struct{}, bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return struct{}{}, false
	}
	return s.poll(cx)
}

// poll is Poll without the budget, for Timeout (see limit.expired).
func (s *Timer) poll(cx *async.Context) (struct{}, bool) {
	if s.polled() {
		return struct{}{}, s.r.PollTimer(&s.timer, cx.Waker())
	}
	var deadline time.Time
	if s.r == &unpolled {
		s.r = cx.Reactor()
		deadline = deadlineAt(s.at)
	} else {
		s.r = cx.Reactor()
		// Arm the timer with the deadline itself rather than one rebuilt
		// from Unix nanoseconds: it keeps the monotonic reading, so a step
		// of the wall clock does not stretch or cut the sleep.
		deadline = s.r.Now().Add(time.Duration(s.at))
		s.at = unixNano(deadline)
		if s.at == math.MaxInt64 {
			deadline = reactor.Never()
		}
	}
	// An expired deadline arms nothing, and PollTimer then reports the
	// unarmed timer as fired.
	return struct{}{}, s.r.StartTimer(&s.timer, deadline, cx.Waker())
}

// Cancel disarms the timer, releasing its waker and its slot in the wheel.
func (s *Timer) Cancel() {
	if s.polled() {
		s.r.StopTimer(&s.timer)
	}
}

// Deadline returns the time the sleep ends; zero for a Sleep not yet polled.
// For a sleep that never ends, one past 2262, it is the last instant Unix
// nanoseconds hold, time.Unix(0, math.MaxInt64).
func (s *Timer) Deadline() time.Time {
	if s.r == nil {
		return time.Time{}
	}
	return time.Unix(0, s.at)
}

// Reset re-arms the sleep to end at deadline, whether or not it had ended.
// The next poll registers the waker.
func (s *Timer) Reset(deadline time.Time) {
	s.Cancel()
	s.r, s.at = &unpolled, unixNano(deadline)
}

// unixNano returns t in Unix nanoseconds, saturated where t.UnixNano is
// undefined or nearly so: math.MaxInt64, which deadlineAt reads as a
// deadline that never comes, from 2262-04-11 23:47:16 UTC on, and
// math.MinInt64, long past, up to 1677-09-21 00:12:44 UTC. Without it a
// far deadline wraps round to one that has passed, and an old one to one
// in the future.
func unixNano(t time.Time) int64 {
	// Compare whole seconds: every second strictly inside these bounds
	// holds all of its nanoseconds in an int64.
	const maxSec, minSec = math.MaxInt64 / int64(time.Second), math.MinInt64 / int64(time.Second)
	switch sec := t.Unix(); {
	case sec >= maxSec:
		return math.MaxInt64
	case sec <= minSec:
		return math.MinInt64
	}
	return t.UnixNano()
}

// deadlineAt returns the deadline a saturated at from unixNano stands for.
func deadlineAt(at int64) time.Time {
	if at == math.MaxInt64 {
		return reactor.Never()
	}
	return time.Unix(0, at)
}
