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

// joinSlot is what Task.join points to: while the task runs, the waker of
// the handle awaiting it; once it is complete, nil for success or its
// failure. The handle replaces a waker slot only by compare-and-swap, so it
// can never overwrite the failure that complete swapped in.
type joinSlot struct {
	waker Waker // set while waiting
	err   error // set once complete and failed
}

// The failures every task can have share their slots; they never change.
var (
	abortedSlot  = &joinSlot{err: ErrAborted}
	shutdownSlot = &joinSlot{err: ErrShutdown}
)

func failed(err error) *joinSlot {
	switch err {
	case ErrAborted:
		return abortedSlot
	case ErrShutdown:
		return shutdownSlot
	}
	return &joinSlot{err: err}
}

// Poll returns the task's result once it is complete: its output, or an
// error if it was aborted (ErrAborted), its executor shut down (ErrShutdown)
// or its future panicked (*PanicError).
func (h JoinHandle[T]) Poll(cx *Context) (Result[T], bool) {
	t := h.t
	for t.state.Load()&completed == 0 {
		cur := t.join.Load()
		switch {
		case cur != nil && cur.err != nil:
			// complete has stored the failure and is about to set
			// COMPLETED: the result is known.
			return Result[T]{Err: cur.err}, true
		case cur != nil && sameWaker(cur.waker, cx.waker):
			return Result[T]{}, false
		case t.join.CompareAndSwap(cur, &joinSlot{waker: cx.waker}):
			// A successful task completes with a nil slot, so a swap of
			// nil for nil cannot fail this CAS: look at the state again.
			if t.state.Load()&completed != 0 {
				return h.result(), true
			}
			return Result[T]{}, false
		}
	}
	return h.result(), true
}

// Cancel stops awaiting the task and releases the stored waker. The task
// itself runs on; use Abort to cancel it.
func (h JoinHandle[T]) Cancel() {
	if cur := h.t.join.Load(); cur != nil && cur.waker != nil {
		h.t.join.CompareAndSwap(cur, nil)
	}
}

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
	if s := h.t.join.Load(); s != nil && s.err != nil {
		return Result[T]{Err: s.err}
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
