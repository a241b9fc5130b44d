package timer

import (
	"os"
	"time"

	"github.com/asyncgo/async"
)

// ErrTimeout is the error of a Timeout or Deadline future whose time ran
// out. It satisfies errors.Is(err, os.ErrDeadlineExceeded) and has a
// Timeout method, like the net package's timeouts.
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string     { return "timer: deadline exceeded" }
func (timeoutError) Timeout() bool     { return true }
func (timeoutError) Temporary() bool   { return true }
func (timeoutError) Is(err error) bool { return err == os.ErrDeadlineExceeded }

// TimeoutFuture is the future of Timeout and Deadline.
type TimeoutFuture[T any] struct {
	f     async.Future[T]
	sleep SleepFuture
	done  bool
}

// Timeout returns a future that is f's value if f completes within d of the
// first poll, or ErrTimeout if not; then f is cancelled. A timeout that
// would end after 2262, such as math.MaxInt64, never runs out (see Sleep).
func Timeout[T any](f async.Future[T], d time.Duration) async.Future[async.Result[T]] {
	return &TimeoutFuture[T]{f: f, sleep: SleepFuture{at: int64(d)}}
}

// Deadline returns a future that is f's value if f completes by deadline,
// or ErrTimeout if not; then f is cancelled. A deadline after 2262, such as
// time.Now().Add(math.MaxInt64), never comes (see SleepUntil).
func Deadline[T any](f async.Future[T], deadline time.Time) async.Future[async.Result[T]] {
	return &TimeoutFuture[T]{f: f, sleep: *NewSleepUntil(deadline)}
}

// Poll polls f first, so a future that is ready is never timed out, and
// then the timer.
func (t *TimeoutFuture[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	if v, ok := t.f.Poll(cx); ok {
		t.done = true
		t.sleep.Cancel()
		return async.Ok(v), true
	}
	if _, ok := t.sleep.Poll(cx); ok {
		t.done = true
		t.f.Cancel()
		return async.Err[T](ErrTimeout), true
	}
	return async.Result[T]{}, false
}

// Cancel cancels f and disarms the timer.
func (t *TimeoutFuture[T]) Cancel() {
	if !t.done {
		t.f.Cancel()
		t.sleep.Cancel()
	}
}
