package unixsock

import (
	"errors"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// The delays of an operation that must try again because the kernel gives
// no event for when it could succeed (see Connect and SendTo): short at
// first, since a receiver usually catches up within milliseconds, and
// capped so that the operation waits at most this long after it could
// have succeeded.
const (
	firstRetry = time.Millisecond
	maxRetry   = 50 * time.Millisecond
)

// retry is the backoff timer of such an operation. The zero value is
// idle. Only the task polling the operation touches it.
type retry struct {
	r     *reactor.Reactor // the reactor of the armed timer; nil when idle
	timer reactor.Timer
	delay time.Duration // the last delay; 0 before the first
}

// arm starts the timer with the next delay, to wake the task of cx, and
// reports true; or false, arming nothing, if that delay has passed
// already, and the caller tries again at once.
func (b *retry) arm(cx *async.Context) (bool, error) {
	r := cx.Reactor()
	if r == nil {
		return false, errors.New("polled without a reactor; run it on an executor")
	}
	b.delay = min(max(2*b.delay, firstRetry), maxRetry)
	if r.StartTimer(&b.timer, r.Now().Add(b.delay), cx.Waker()) {
		return false, nil
	}
	b.r = r
	return true, nil
}

// waiting reports whether the timer is armed and has not fired; if so it
// keeps cx's waker in it.
func (b *retry) waiting(cx *async.Context) bool {
	if b.r == nil {
		return false
	}
	if !b.r.PollTimer(&b.timer, cx.Waker()) {
		return true
	}
	b.r = nil
	return false
}

// reset stops the timer, releasing its waker, and starts the delays over.
func (b *retry) reset() {
	if b.r != nil {
		b.r.StopTimer(&b.timer)
		b.r = nil
	}
	b.delay = 0
}
