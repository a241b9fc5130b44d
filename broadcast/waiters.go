package broadcast

import "github.com/asyncgo/async/internal/waitq"

// waiter is a receiver waiting for the value at position Data (the tail
// when it queued), with its place in the channel's list and its waker
// while queued. It is embedded in its Receiver, which has at most one
// receive in flight, so waiting allocates nothing. All of it is guarded by
// the channel's mutex.
type waiter = waitq.Node[uint64]

// waiterList is the FIFO of waiting receivers. Waiters join at the back
// with the tail of that moment, and the tail only grows, so Data never
// decreases from head to tail: the waiters a send made ready are a prefix
// of the list, which waitq.WakeBelowUnlock wakes.
type waiterList = waitq.List[uint64]
