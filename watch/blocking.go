package watch

// blockingWaker is the waker of a goroutine blocked in ChangedBlocking: a
// channel of one slot used as a semaphore. Wake never blocks, and a wake
// that comes before the goroutine sleeps stays in the slot, so none is
// lost; a stale one only costs the goroutine another look.
type blockingWaker chan struct{}

func newBlockingWaker() blockingWaker { return make(blockingWaker, 1) }

// Wake releases the goroutine blocked in wait, or the next one to call it.
func (w blockingWaker) Wake() {
	select {
	case w <- struct{}{}:
	default: // a wake is already pending
	}
}

// wait blocks until Wake has been called since the last wait.
func (w blockingWaker) wait() { <-w }
