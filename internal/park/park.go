// Package park blocks a plain goroutine (one that is not a task) until a
// waker wakes it. It is how the *Blocking methods of the channel, lock and
// signal packages wait: they queue a park.Waker where a task would queue
// its own waker, and call Wait.
//
// A Waker is a channel of one slot used as a semaphore. Wake never blocks,
// and a wake that comes before the goroutine sleeps stays in the slot, so
// none is lost. A stale wake (left from an earlier wait, or one that raced
// with the goroutine's own look) only costs the goroutine one more look at
// the state it waits on, so the waiting loop is always:
//
//	w := park.New()
//	for {
//		lock; look at the state (queue w if not done); unlock; if done, return
//		w.Wait()
//	}
//
// A Waker is a channel, a single pointer, so storing it in an async.Waker
// allocates nothing, and a caller may keep one for its next wait.
package park

// Waker is the waker of a goroutine blocked in Wait. The zero value is
// not usable: make one with New.
type Waker chan struct{}

// New returns a Waker with no wake pending.
func New() Waker { return make(Waker, 1) }

// Wake releases the goroutine blocked in Wait, or the next one to call it.
// It never blocks, and it is safe from any goroutine.
func (w Waker) Wake() {
	select {
	case w <- struct{}{}:
	default: // a wake is already pending
	}
}

// Wait blocks until Wake has been called since the last Wait returned.
func (w Waker) Wait() { <-w }
