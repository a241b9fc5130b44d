package async

// JoinHandle is the handle of a spawned task: a future of the task's
// Result, and the way to abort the task or detach from it. It is a small
// value; copies refer to the same task. Exactly one copy may be awaited.
//
// Dropping a JoinHandle does not cancel the task (Go cannot see the drop);
// call Abort to cancel it.
type JoinHandle[T any] struct {
	t *task[T]
}

// Poll returns the task's result once it is complete: its output, or an
// error if it was aborted (ErrAborted), its executor shut down (ErrShutdown)
// or its future panicked (*PanicError).
func (h JoinHandle[T]) Poll(cx *Context) (Result[T], bool) {
	t := h.t
	if t.state.Load()&completed != 0 {
		return h.result(), true
	}
	if w := t.joiner.Load(); w == nil || !sameWaker(w.w, cx.waker) {
		t.joiner.Store(&joinWaiter{cx.waker})
	}
	// Check again: the task may have completed before it could see the
	// waiter (see Task.complete).
	if t.state.Load()&completed != 0 {
		t.joiner.Store(nil)
		return h.result(), true
	}
	return Result[T]{}, false
}

// Cancel stops awaiting the task and releases the stored waker. The task
// itself runs on; use Abort to cancel it.
func (h JoinHandle[T]) Cancel() { h.t.joiner.Store(nil) }

// Abort requests the task's cancellation, from any goroutine. The task's
// executor cancels its future before it is polled again (a task being polled
// now is cancelled when that poll returns), and the handle's result is
// ErrAborted. Aborting a completed task does nothing.
func (h JoinHandle[T]) Abort() {
	t := &h.t.Task
	if t.transitionToAborted(0) {
		t.queue.Push(t)
	}
}

// Detach declares that the output will not be awaited: the task runs to
// completion and its output is dropped at once.
func (h JoinHandle[T]) Detach() { h.t.transitionToDetached() }

// Finished reports whether the task is complete, without waiting.
func (h JoinHandle[T]) Finished() bool { return h.t.Completed() }

func (h JoinHandle[T]) result() Result[T] {
	if err := h.t.failure; err != nil {
		return Result[T]{Err: *err}
	}
	return Result[T]{Value: h.t.output}
}

// sameWaker reports whether a and b are the same waker. Wakers of
// incomparable types (a func type, say) are never the same.
func sameWaker(a, b Waker) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}
