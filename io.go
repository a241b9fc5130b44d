package async

import (
	"errors"
	"syscall"

	"github.com/asyncgo/async/reactor"
)

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
//	r, ok := async.PollIO(cx, src, reactor.Read, func() (int, error) {
//		return unix.Read(src.FD(), buf)
//	})
//	if !ok {
//		return async.Result[int]{}, false // pending: the waker is stored
//	}
func PollIO[T any](cx *Context, s *reactor.Source, d reactor.Direction, op func() (T, error)) (Result[T], bool) {
	if !cx.Proceed() {
		cx.waker.Wake()
		return Result[T]{}, false
	}
	for {
		ev, ok := s.PollReady(d, cx.waker)
		if !ok {
			return Result[T]{}, false
		}
		if s.Closed() {
			return Result[T]{Err: reactor.ErrClosed}, true
		}
		v, err := op()
		switch {
		case err == nil:
			return Result[T]{Value: v}, true
		case errors.Is(err, syscall.EAGAIN):
			s.ClearReady(ev)
		case errors.Is(err, syscall.EINTR):
		default:
			return Result[T]{Value: v, Err: err}, true
		}
	}
}
