package async

import (
	"errors"
	"syscall"

	"github.com/asyncgo/async/reactor"
)

// An IOOp is the non-blocking system call a leaf I/O future makes, which
// PollIO tries whenever the source is ready.
type IOOp[T any] interface {
	// Do makes the call once. drained reports that the call left the source
	// with nothing more to give or take, such as a read shorter than its
	// buffer or a write shorter than its data on a stream socket: PollIO
	// then clears the readiness at once, saving the next call, which would
	// only have said EAGAIN.
	Do() (v T, drained bool, err error)
}

// IOFunc adapts a function to an IOOp that never reports drained.
type IOFunc[T any] func() (T, error)

// Do calls f.
func (f IOFunc[T]) Do() (T, bool, error) {
	v, err := f()
	return v, false, err
}

// PollIO is the loop of every leaf I/O future, written once: try the
// operation while the source is ready in direction d; when it reports
// EAGAIN, clear the readiness it was tried on and wait for the reactor's
// next event, with the task's waker stored in the source. Like a future's
// Poll, it returns the operation's result and true, or false when the task
// must wait.
//
// op is a non-blocking system call on the source's descriptor, such as a
// read or a write; EINTR is retried here. A source closed while the task
// waited reports reactor.ErrClosed. PollIO takes one unit of the task's
// cooperative budget, so a socket that is always ready cannot starve the
// other tasks.
//
//	r, ok := async.PollIO(cx, src, reactor.Read, async.IOFunc[int](func() (int, error) {
//		return unix.Read(src.FD(), buf)
//	}))
//	if !ok {
//		return async.Result[int]{}, false // pending: the waker is stored
//	}
//
// A future that polls often passes a pointer to a type of its own with a
// Do method instead, so that no closure is made per call.
func PollIO[T any, O IOOp[T]](cx *Context, s *reactor.Source, d reactor.Direction, op O) (Result[T], bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return Result[T]{}, false
	}
	for {
		ev, ok := s.PollReady(d, cx.Waker())
		if !ok {
			return Result[T]{}, false
		}
		if ev.Closed() {
			return Result[T]{Err: reactor.ErrClosed}, true
		}
		v, drained, err := op.Do()
		switch {
		case err == nil:
			if drained {
				s.ClearReady(ev)
			}
			return Result[T]{Value: v}, true
		case errors.Is(err, syscall.EAGAIN):
			s.ClearReady(ev)
		case errors.Is(err, syscall.EINTR):
		default:
			return Result[T]{Value: v, Err: err}, true
		}
	}
}
