package timer

import (
	"os"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/task"
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
	sleep Timer
	done  bool
}

// Timeout returns a future that is f's value if f completes within d of the
// first poll, or ErrTimeout if not; then f is cancelled. A timeout that
// would end after 2262, such as math.MaxInt64, never runs out (see Sleep).
func Timeout[T any](f async.Future[T], d time.Duration) async.Future[async.Result[T]] {
	return &TimeoutFuture[T]{f: f, sleep: Timer{at: int64(d)}}
}

// Deadline returns a future that is f's value if f completes by deadline,
// or ErrTimeout if not; then f is cancelled. A deadline after 2262, such as
// time.Now().Add(math.MaxInt64), never comes (see SleepUntil).
func Deadline[T any](f async.Future[T], deadline time.Time) async.Future[async.Result[T]] {
	return &TimeoutFuture[T]{f: f, sleep: *SleepUntil(deadline)}
}

// Poll polls f first, so a future that is ready is never timed out, and
// then the timer.
//
// The timer takes a unit of the task's budget like any sleep, except when
// f spent the last of it in this poll: then the timer is looked at
// without one. Otherwise a future that spends the whole budget at every
// poll (a stream of lines always ready) would find the timer pending each
// time, and never time out.
func (t *TimeoutFuture[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	had := budgetLeft(cx)
	if v, ok := t.f.Poll(cx); ok {
		t.done = true
		t.sleep.Cancel()
		return async.Ok(v), true
	}
	var fired bool
	if had && !budgetLeft(cx) {
		_, fired = t.sleep.poll(cx)
	} else {
		_, fired = t.sleep.Poll(cx)
	}
	if fired {
		t.done = true
		t.f.Cancel()
		return async.Err[T](ErrTimeout), true
	}
	return async.Result[T]{}, false
}

// budgetLeft reports whether the polled task has budget left: a look at
// the executor's side of the Context, which package async does not offer.
func budgetLeft(cx *async.Context) bool { return (*task.Context)(cx).Remaining() > 0 }

// Cancel cancels f and disarms the timer.
func (t *TimeoutFuture[T]) Cancel() {
	if !t.done {
		t.f.Cancel()
		t.sleep.Cancel()
	}
}
