package async

import "github.com/asyncgo/async/task"

// JoinHandle is the handle of a spawned task: a future of the task's
// Result, and the way to abort the task or detach from it. It is a small
// value; copies refer to the same task. Exactly one copy may be awaited.
//
// Dropping a JoinHandle does not cancel the task (Go cannot see the drop);
// call Abort to cancel it.
type JoinHandle[T any] struct {
	t   *task.Task
	out *T // the output, in the task's cell, whatever its future's type
}

// Poll returns the task's result once it is complete: its output, or an
// error if it was aborted (ErrAborted), its executor shut down (ErrShutdown)
// or its future panicked (*PanicError). It takes a unit of the cooperative
// budget first, as tokio's JoinHandle does: a loop that awaits handles of
// tasks already complete still gives way.
func (h JoinHandle[T]) Poll(cx *Context) (Result[T], bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return Result[T]{}, false
	}
	done, err := h.t.PollJoin(cx.Waker())
	if !done {
		return Result[T]{}, false
	}
	if err != nil {
		return Result[T]{Err: err}, true
	}
	return Result[T]{Value: *h.out}, true
}

// Cancel stops awaiting the task and releases the stored waker. The task
// itself runs on; use Abort to cancel it.
func (h JoinHandle[T]) Cancel() { h.t.CancelJoin() }

// Abort requests the task's cancellation, from any goroutine. The task's
// executor cancels its future before it is polled again (a task being polled
// now is cancelled when that poll returns), and the handle's result is
// ErrAborted. Aborting a completed task does nothing.
func (h JoinHandle[T]) Abort() { h.t.Abort() }

// Detach declares that the output will not be awaited: the task runs to
// completion and its output is dropped at once.
func (h JoinHandle[T]) Detach() { h.t.Detach() }

// Finished reports whether the task is complete, without waiting.
func (h JoinHandle[T]) Finished() bool { return h.t.Completed() }
