package timer

import (
	"os"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/task"
)

// ErrTimeout is the error of a Timeout or Deadline future whose time ran
// out, when its future does not name its operation (see TimeoutErrorer).
// It satisfies errors.Is(err, os.ErrDeadlineExceeded) and has a Timeout
// method, like the net package's timeouts.
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string     { return "timer: deadline exceeded" }
func (timeoutError) Timeout() bool     { return true }
func (timeoutError) Temporary() bool   { return true }
func (timeoutError) Is(err error) bool { return err == os.ErrDeadlineExceeded }

// errIOTimeout is the error a TimeoutErrorer is handed to wrap: it reads
// as the net package's, "i/o timeout", and is both an ErrTimeout and an
// os.ErrDeadlineExceeded for errors.Is, so that one test finds a timeout
// whichever future ran out of time.
var errIOTimeout error = ioTimeoutError{}

type ioTimeoutError struct{}

func (ioTimeoutError) Error() string   { return "i/o timeout" }
func (ioTimeoutError) Timeout() bool   { return true }
func (ioTimeoutError) Temporary() bool { return true }
func (ioTimeoutError) Is(err error) bool {
	return err == ErrTimeout || err == os.ErrDeadlineExceeded
}

// TimeoutErrorer is a future that names its operation in the error of a
// timeout, as the net package does:
//
//	dial tcp 127.0.0.1:7404: i/o timeout
//	read tcp 127.0.0.1:5000->127.0.0.1:7404: i/o timeout
//
// When the time of Timeout, Deadline, TimeoutValue or DeadlineValue runs
// out, it asks its future, if it has the method, for the error to fail
// with, before cancelling it; a future without it fails with ErrTimeout.
// The connect, accept, read and write futures of packages tcp, unixsock
// and udp have it.
type TimeoutErrorer interface {
	// TimeoutError returns the error of the operation's timeout: err,
	// which reads "i/o timeout", described as the operation's other
	// errors are, typically by a *net.OpError that wraps it. The result
	// must wrap err, so that errors.Is finds ErrTimeout and
	// os.ErrDeadlineExceeded in it.
	TimeoutError(err error) error
}

// Timeout returns a future that is f's result if f completes within d of
// the first poll. If it does not, f is cancelled and the result's error
// is the timeout: f's own if f names its operation (see TimeoutErrorer),
// such as "dial tcp 192.0.2.1:80: i/o timeout", or ErrTimeout. Either
// satisfies errors.Is(err, ErrTimeout) and errors.Is(err,
// os.ErrDeadlineExceeded), and is a net.Error whose Timeout is true:
//
//	c, err := async.Get(co, timer.Timeout(tcp.Connect(addr), 2*time.Second))
//
// f is a future that can fail; TimeoutValue bounds any other. A timeout
// that would end after 2262, such as math.MaxInt64, never runs out (see
// Sleep).
func Timeout[T any](f async.Future[async.Result[T]], d time.Duration) async.Future[async.Result[T]] {
	return &timeout[T]{f: f, limit: limit{sleep: Timer{at: int64(d)}}}
}

// Deadline is Timeout with a deadline: f's result if f completes by
// deadline, or the timeout's error. A deadline after 2262, such as
// time.Now().Add(math.MaxInt64), never comes (see SleepUntil).
func Deadline[T any](f async.Future[async.Result[T]], deadline time.Time) async.Future[async.Result[T]] {
	return &timeout[T]{f: f, limit: limit{sleep: *SleepUntil(deadline)}}
}

// TimeoutValue is Timeout for a future that cannot fail: its value is f's
// value if f completes within d of the first poll, or the timeout's error
// (see Timeout) if not; then f is cancelled.
func TimeoutValue[T any](f async.Future[T], d time.Duration) async.Future[async.Result[T]] {
	return &valueTimeout[T]{f: f, limit: limit{sleep: Timer{at: int64(d)}}}
}

// DeadlineValue is Deadline for a future that cannot fail (see
// TimeoutValue).
func DeadlineValue[T any](f async.Future[T], deadline time.Time) async.Future[async.Result[T]] {
	return &valueTimeout[T]{f: f, limit: limit{sleep: *SleepUntil(deadline)}}
}

// timeout is the future of Timeout and Deadline.
type timeout[T any] struct {
	f async.Future[async.Result[T]]
	limit
}

// Poll polls f first, so a future that is ready is never timed out, and
// then the timer (see limit.expired).
func (t *timeout[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	had := budgetLeft(cx)
	if r, ok := t.f.Poll(cx); ok {
		t.stop()
		return r, true
	}
	if !t.expired(cx, had) {
		return async.Result[T]{}, false
	}
	return async.Err[T](cancelTimedOut(t.f)), true
}

// Cancel cancels f and disarms the timer.
func (t *timeout[T]) Cancel() {
	if !t.done {
		t.f.Cancel()
		t.sleep.Cancel()
	}
}

// valueTimeout is the future of TimeoutValue and DeadlineValue.
type valueTimeout[T any] struct {
	f async.Future[T]
	limit
}

// Poll is timeout's, with f's value made a Result.
func (t *valueTimeout[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	had := budgetLeft(cx)
	if v, ok := t.f.Poll(cx); ok {
		t.stop()
		return async.Ok(v), true
	}
	if !t.expired(cx, had) {
		return async.Result[T]{}, false
	}
	return async.Err[T](cancelTimedOut(t.f)), true
}

// Cancel cancels f and disarms the timer.
func (t *valueTimeout[T]) Cancel() {
	if !t.done {
		t.f.Cancel()
		t.sleep.Cancel()
	}
}

// limit is the timer of a timeout, and whether the timeout is over.
type limit struct {
	sleep Timer
	done  bool // f completed, or the time ran out: nothing left to cancel
}

// stop disarms the timer once f has completed.
func (l *limit) stop() {
	l.done = true
	l.sleep.Cancel()
}

// expired polls the timer after a poll of f that was pending, and reports
// whether the time has run out. had is whether the task had budget left
// before that poll of f.
//
// The timer takes a unit of the task's budget like any sleep, except when
// f spent the last of it in this poll: then the timer is looked at
// without one. Otherwise a future that spends the whole budget at every
// poll (a stream of lines always ready) would find the timer pending each
// time, and never time out.
func (l *limit) expired(cx *async.Context, had bool) bool {
	var fired bool
	if had && !budgetLeft(cx) {
		_, fired = l.sleep.poll(cx)
	} else {
		_, fired = l.sleep.Poll(cx)
	}
	l.done = fired
	return fired
}

// cancelTimedOut returns the error of f's timeout, asked of f while it is
// still in flight (see TimeoutErrorer), and then cancels f.
func cancelTimedOut[T any](f async.Future[T]) error {
	defer f.Cancel() // even if TimeoutError panics
	if op, ok := f.(TimeoutErrorer); ok {
		return op.TimeoutError(errIOTimeout)
	}
	return ErrTimeout
}

// budgetLeft reports whether the polled task has budget left: a look at
// the executor's side of the Context, which package async does not offer.
func budgetLeft(cx *async.Context) bool { return (*task.Context)(cx).Remaining() > 0 }
