package watch

import "github.com/asyncgo/async/internal/waitq"

// waiter is a receiver waiting for a version newer than Data (the one it
// had seen when it queued: the current one), with its place in the
// channel's list and its waker while queued. It is embedded in its
// Receiver, which has at most one Changed in flight, so waiting allocates
// nothing. All of it is guarded by the channel's mutex.
type waiter = waitq.Node[uint64]

// waiterList is the FIFO of waiting receivers. A waiter queues only when
// it has seen the current version, and the version only grows, so Data
// never decreases from head to tail: the waiters a Send made ready are a
// prefix of the list, which waitq.WakeBelowUnlock wakes.
type waiterList = waitq.List[uint64]
