package lock

// blockingWaker is the waker of a plain goroutine blocked in one of the
// *Blocking methods: a channel of one slot used as a semaphore. Wake never
// blocks, and a wake that comes before the goroutine sleeps stays in the
// slot, so none is lost. A stale wake (left from an earlier wait, or a
// wake that raced with the goroutine's own look) only costs the goroutine
// one more look at its waiter's state, so the waiting loop is always:
//
//	for {
//		lock; look at the waiter; unlock; if done, return
//		bw.wait()
//	}
//
// A blockingWaker is a channel, a single pointer, so storing it in an
// async.Waker allocates nothing; a waiter kept for reuse may keep its
// blockingWaker too.
type blockingWaker chan struct{}

// newBlockingWaker returns a blockingWaker with no wake pending.
func newBlockingWaker() blockingWaker { return make(blockingWaker, 1) }

// Wake releases the goroutine blocked in wait, or the next one to call it.
// It is safe from any goroutine.
func (w blockingWaker) Wake() {
	select {
	case w <- struct{}{}:
	default: // a wake is already pending
	}
}

// wait blocks until Wake has been called since the last wait returned.
func (w blockingWaker) wait() { <-w }
