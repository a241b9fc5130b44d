package task

// joinSlot is what Task.join points to: while the task runs, the waker of
// the handle awaiting it; once it is complete, nil for success or its
// failure. The handle replaces a waker slot only by compare-and-swap, so it
// can never overwrite the failure that finishJoin swapped in. One slot for
// both keeps the header small.
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

// PollJoin is the Poll of the task's JoinHandle, from any goroutine. It
// reports done once the task is complete, with its failure (nil if it
// succeeded: the output is then the Body's to read). Otherwise it stores w
// to be woken at completion, replacing the waker of an earlier poll.
func (t *Task) PollJoin(w Waker) (done bool, err error) {
	for t.state.Load()&completed == 0 {
		cur := t.join.Load()
		switch {
		case cur != nil && cur.err != nil:
			// finishJoin has stored the failure and is about to set
			// COMPLETED: the result is known.
			return true, cur.err
		case cur != nil && SameWaker(cur.waker, w):
			return false, nil
		case t.join.CompareAndSwap(cur, &joinSlot{waker: w}):
			// A successful task completes with a nil slot, so a swap of
			// nil for nil cannot fail this CAS: look at the state again.
			if t.state.Load()&completed != 0 {
				return true, t.Failure()
			}
			return false, nil
		}
	}
	return true, t.Failure()
}

// CancelJoin takes back the waker PollJoin stored: the handle is no longer
// awaited. The task runs on.
func (t *Task) CancelJoin() {
	if cur := t.join.Load(); cur != nil && cur.waker != nil {
		t.join.CompareAndSwap(cur, nil)
	}
}

// Failure returns why a complete task has no output: ErrAborted,
// ErrShutdown or the Body's error; nil if it succeeded.
func (t *Task) Failure() error {
	if s := t.join.Load(); s != nil {
		return s.err
	}
	return nil
}

// finishJoin records err (nil for success) in the join slot, marks the
// task complete and wakes the handle's waker.
func (t *Task) finishJoin(err error) {
	var final *joinSlot
	if err != nil {
		final = failed(err)
	}
	// The handle reads the slot only after it sees COMPLETED, so the
	// failure goes in first; the waiter it displaces is woken after.
	prev := t.join.Swap(final)
	t.transitionToCompleted()
	if prev != nil && prev.waker != nil {
		prev.waker.Wake()
	}
	if final == nil {
		// A handle polled on another goroutine between the swap and
		// COMPLETED found the slot empty, stored its waker and, not yet
		// seeing COMPLETED, waits. It stores, then looks at the state; we
		// set the state, then look at the slot: one of us sees the other.
		// (A failure's slot is never replaced: the handle returns it.)
		if cur := t.join.Load(); cur != nil && cur.waker != nil {
			cur.waker.Wake()
		}
	}
}

// SameWaker reports whether a and b are the same waker, for a future that
// keeps one and must know whether a new poll brings another. Wakers of
// incomparable types (a func type, say) are never the same.
func SameWaker(a, b Waker) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}
