package group

import (
	"github.com/asyncgo/async/internal/park"
	"github.com/asyncgo/async/internal/waitq"
)

// waiter is a future (Next, Wait, Shutdown) or a blocked goroutine waiting
// for a task of the set to finish, or for the set to become empty: its
// place in the core's list and its waker while queued. It is embedded in
// its future, so waiting allocates nothing. It is guarded by the core's
// mutex.
type waiter = waitq.Node[struct{}]

// waiterList is the FIFO of waiters.
type waiterList = waitq.List[struct{}]

// blocker is what a blocked goroutine waits with.
type blocker struct {
	w    waiter
	wake park.Waker
}

func newBlocker() *blocker { return &blocker{wake: park.New()} }
