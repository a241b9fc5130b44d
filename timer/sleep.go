package timer

import (
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// SleepFuture is the future of Sleep and SleepUntil. It is ready, with the
// zero struct, once the deadline has passed.
type SleepFuture struct {
	timer    reactor.Timer
	r        *reactor.Reactor // set when armed
	d        time.Duration    // for Sleep: counted from the first poll
	deadline time.Time        // for SleepUntil, or once armed
	done     bool
}

// Sleep returns a future that is ready d after its first poll. It never
// completes early; it completes up to one timer tick (reactor.Resolution)
// late, plus scheduling delay.
func Sleep(d time.Duration) *SleepFuture { return &SleepFuture{d: d} }

// SleepUntil returns a future that is ready at deadline.
func SleepUntil(deadline time.Time) *SleepFuture { return &SleepFuture{deadline: deadline} }

// Poll arms the timer on the first poll and reports whether it has fired.
func (s *SleepFuture) Poll(cx *async.Context) (struct{}, bool) {
	if s.done {
		return struct{}{}, true
	}
	if s.r == nil {
		s.r = cx.Reactor()
		if s.deadline.IsZero() {
			s.deadline = s.r.Now().Add(s.d)
		}
		if s.r.StartTimer(&s.timer, s.deadline, cx.Waker()) {
			s.done = true
		}
		return struct{}{}, s.done
	}
	s.done = s.r.PollTimer(&s.timer, cx.Waker())
	return struct{}{}, s.done
}

// Cancel disarms the timer, releasing its waker and its slot in the wheel.
func (s *SleepFuture) Cancel() {
	if s.r != nil && !s.done {
		s.r.StopTimer(&s.timer)
	}
}

// Deadline returns the time the sleep ends; zero for a Sleep not yet polled.
func (s *SleepFuture) Deadline() time.Time { return s.deadline }

// Reset re-arms the sleep to end at deadline, whether or not it had ended.
// The next poll registers the waker.
func (s *SleepFuture) Reset(deadline time.Time) {
	if s.r != nil && !s.done {
		s.r.StopTimer(&s.timer)
	}
	s.deadline, s.r, s.done = deadline, nil, false
}
