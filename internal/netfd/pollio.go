package netfd

import (
	"errors"
	"syscall"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// Proceed takes one unit of the task's budget, as PollIO does, for an
// operation that is ready without a system call: an error known before
// it (a closed socket, a failed registration) or an empty buffer. When the
// budget is spent it wakes the task and reports false; the caller returns
// pending, having done nothing, and the next poll tries again. So a loop
// that retries a failing operation still gives way, as it would if the
// call were made.
func Proceed(cx *async.Context) bool {
	if cx.Proceed() {
		return true
	}
	cx.Waker().Wake()
	return false
}

// An IOOp is the non-blocking system call of a leaf I/O future, which
// PollIO makes each time the source is ready.
type IOOp[T any] interface {
	// Do makes the call once. drained reports that the call left nothing
	// more to read or no more room to write, as a read shorter than its
	// buffer or a write shorter than its data on a stream socket does.
	// PollIO then clears the readiness at once, so the next operation
	// waits for an event instead of making a call that would only return
	// EAGAIN.
	Do() (v T, drained bool, err error)
}

// IOFunc adapts a function to an IOOp that never reports drained.
type IOFunc[T any] func() (T, error)

// Do calls f.
func (f IOFunc[T]) Do() (T, bool, error) {
	v, err := f()
	return v, false, err
}

// PollIO runs op when the source s is ready in direction d, and waits for
// the reactor when it is not. It is the loop of every leaf I/O future:
// while s is ready, it calls op.Do; on EAGAIN it clears the readiness it
// saw (unless an event arrived meanwhile) and looks again, which stores
// the task's waker in s and returns false once s is not ready. EINTR is
// retried. Like a future's Poll, it returns the operation's result and
// true, or false when the task must wait.
//
// A source deregistered, or whose reactor closed, while the task waited
// reports reactor.ErrClosed, without a call. PollIO spends one unit of the
// task's budget (see async.Context.Proceed): when the budget is gone it
// wakes the task and returns false, so that a socket that is always ready
// cannot keep the executor from its other tasks.
//
//	r, ok := netfd.PollIO(cx, src, reactor.Read, netfd.IOFunc[int](func() (int, error) {
//		return unix.Read(src.FD(), buf)
//	}))
//	if !ok {
//		return async.Result[int]{}, false // pending: the waker is stored
//	}
//
// A future polled often passes a pointer to a type of its own with a Do
// method, as the futures of this package do, so that a poll makes no
// closure.
func PollIO[T any, O IOOp[T]](cx *async.Context, s *reactor.Source, d reactor.Direction, op O) (async.Result[T], bool) {
	if !Proceed(cx) {
		return async.Result[T]{}, false
	}
	for {
		ev, ok := s.PollReady(d, cx.Waker())
		if !ok {
			return async.Result[T]{}, false
		}
		if ev.Closed() {
			return async.Result[T]{Err: reactor.ErrClosed}, true
		}
		v, drained, err := op.Do()
		switch {
		case err == nil:
			if drained {
				s.ClearReady(ev)
			}
			return async.Result[T]{Value: v}, true
		case errors.Is(err, syscall.EAGAIN):
			s.ClearReady(ev)
		case errors.Is(err, syscall.EINTR):
		default:
			return async.Result[T]{Value: v, Err: err}, true
		}
	}
}
