package mpsc

import "github.com/asyncgo/async/internal/waitq"

// waitState is where a waiting sender stands.
type waitState uint8

const (
	// idle: not in the queue and holding no slot.
	idle waitState = iota
	// queued: in the queue, its waker stored, waiting for room.
	queued
	// granted: out of the queue, holding a reserved slot that its next
	// poll fills; it must give the slot back if cancelled.
	granted
)

// waiter is a sender waiting for room in a bounded channel: its place in
// the queue, its waker while queued, and its state. It lives in the
// SendFuture (or, for SendBlocking, on the heap), so queueing allocates
// nothing. All of it is guarded by the channel's mutex.
type waiter = waitq.Node[waitData]

// waitData is what a waiter holds beside its links.
type waitData struct {
	state waitState // queued exactly while the waiter is in the list
}

// waiterList is the FIFO of waiting senders.
type waiterList = waitq.List[waitData]
