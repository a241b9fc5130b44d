package timer

import (
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// SleepFuture is the future of Sleep and SleepUntil. It is ready, with the
// zero struct, once the deadline has passed.
//
// It is 72 bytes: a million sleeping tasks each hold one, so the deadline
// is kept as Unix nanoseconds rather than a time.Time, and whether the
// timer fired is asked of the reactor rather than cached.
type SleepFuture struct {
	timer reactor.Timer
	r     *reactor.Reactor // set when armed
	at    int64            // Sleep: the duration; SleepUntil and once armed: the deadline, Unix ns
	until bool             // at is a deadline
}

// Sleep returns a future that is ready d after its first poll. It never
// completes early; it completes up to one timer tick (reactor.Resolution)
// late, plus scheduling delay. It returns the Future interface so that
// type arguments are inferred at call sites (async.Spawn, async.Await);
// NewSleep returns the concrete type, with Reset and Deadline.
func Sleep(d time.Duration) async.Future[struct{}] { return NewSleep(d) }

// SleepUntil returns a future that is ready at deadline, a wall-clock
// instant (its monotonic reading is not kept).
func SleepUntil(deadline time.Time) async.Future[struct{}] { return NewSleepUntil(deadline) }

// NewSleep is Sleep, returning the concrete future.
func NewSleep(d time.Duration) *SleepFuture { return &SleepFuture{at: int64(d)} }

// NewSleepUntil is SleepUntil, returning the concrete future.
func NewSleepUntil(deadline time.Time) *SleepFuture {
	return &SleepFuture{at: deadline.UnixNano(), until: true}
}

// Poll arms the timer on the first poll and reports whether it has fired.
func (s *SleepFuture) Poll(cx *async.Context) (struct{}, bool) {
	if s.r != nil {
		return struct{}{}, s.r.PollTimer(&s.timer, cx.Waker())
	}
	s.r = cx.Reactor()
	var deadline time.Time
	if s.until {
		deadline = time.Unix(0, s.at)
	} else {
		deadline = s.r.Now().Add(time.Duration(s.at))
		s.at, s.until = deadline.UnixNano(), true
	}
	// An expired deadline arms nothing, and PollTimer then reports the
	// unarmed timer as fired.
	return struct{}{}, s.r.StartTimer(&s.timer, deadline, cx.Waker())
}

// Cancel disarms the timer, releasing its waker and its slot in the wheel.
func (s *SleepFuture) Cancel() {
	if s.r != nil {
		s.r.StopTimer(&s.timer)
	}
}

// Deadline returns the time the sleep ends; zero for a Sleep not yet polled.
func (s *SleepFuture) Deadline() time.Time {
	if !s.until {
		return time.Time{}
	}
	return time.Unix(0, s.at)
}

// Reset re-arms the sleep to end at deadline, whether or not it had ended.
// The next poll registers the waker.
func (s *SleepFuture) Reset(deadline time.Time) {
	s.Cancel()
	s.r, s.at, s.until = nil, deadline.UnixNano(), true
}
