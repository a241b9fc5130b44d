package signals

// blockingWaker is the waker of a goroutine blocked in RecvBlocking: a
// channel of one slot. Wake never blocks, and a wake that comes before the
// goroutine sleeps stays in the slot, so it is not lost; a stale one only
// costs the goroutine another look.
type blockingWaker chan struct{}

func newBlockingWaker() blockingWaker { return make(blockingWaker, 1) }

// Wake lets the goroutine in wait go on, or the next one to call it.
func (w blockingWaker) Wake() {
	select {
	case w <- struct{}{}:
	default: // a wake is already pending
	}
}

// wait blocks until Wake has been called since the last wait.
func (w blockingWaker) wait() { <-w }
