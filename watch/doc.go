// Package watch is a channel that holds one value, the latest, and tells
// its receivers when it changes: the way to publish state that many tasks
// read (a configuration, a connection's status, whether the service is
// shutting down), from tasks or plain goroutines.
//
//	tx, rx := watch.New(config{Verbose: false})
//	tx.Send(config{Verbose: true})
//	// in a task:
//	err, ok := rx.Changed().Poll(cx) // ready: a new value exists (err is nil)
//	cfg := rx.Borrow()               // the latest value
//	// in a goroutine:
//	for rx.ChangedBlocking() == nil {
//		use(rx.Borrow())
//	}
//
// # How data flows
//
// The channel keeps the value and a version, which counts the values
// stored. Send (or Swap) replaces the value, adds one to the version and
// wakes every receiver waiting in Changed; it never waits, and values that
// nobody read in time are simply replaced: a watcher sees the latest state,
// not every state. Each Receiver remembers the version it last saw.
// Changed is ready when the channel's version differs from it, and marks
// the current version seen; Borrow reads the value without marking it,
// BorrowAndMarkSeen reads and marks it, MarkSeen marks it without reading
// it. A new receiver (New, Subscribe) has seen the current value; a Clone
// has seen what the receiver it was cloned from had.
//
// Borrow returns a copy of T, made under the channel's lock. For a large
// or mutable state, make T a pointer to a value that is not changed after
// it is sent (or another immutable value), and send a new one for each
// change, so that the copy is one word and what a receiver holds never
// changes under it.
//
// Send fails with ErrNoReceivers when every receiver is closed and then
// does not store the value, as tokio's does; Swap always stores it and
// returns the value it replaced. Close ends the channel: each receiver's
// Changed reports ErrClosed once it has seen the last value. Go cannot see
// a sender being dropped, so a sender that is done must Close, or its
// watchers wait forever.
//
// The Sender's methods are safe for concurrent use. A Receiver is one
// owner's: its Changed returns a future embedded in the Receiver and
// reused by every call, so watching allocates nothing; await each Changed
// before the next. ChangedBlocking is Changed for a plain goroutine.
//
// # Inside
//
// One mutex guards the value, the version and the queue of waiting
// receivers; every operation is one lock, a few field updates and one
// unlock. A receiver that has seen the current version queues its waiter,
// embedded in the Receiver, on an intrusive list. A Send wakes the waiters
// in batches of up to 32, taken out under the lock into an array on its
// stack and woken after unlocking, so waking a hundred watchers neither
// allocates nor calls a waker under the lock, and a receiver that cancels
// its wait at the same moment finds the list consistent (the comment on
// wakeUnlock in channel.go gives the protocol). Changed takes a unit of
// the task's cooperative budget (see async.Context.Proceed), so a task
// whose watch always has a change still gives way.
//
// # Cancellation safety
//
// A Changed that is cancelled (lost in async.Select, timed out by
// timer.Timeout, or its task aborted with JoinHandle.Abort) marks nothing
// seen: the receiver's version moves only when Changed returns.
//
//	operation | a cancelled one gives up       | it keeps                                  | test
//	----------+--------------------------------+-------------------------------------------+----------------------------------------
//	Changed   | its place among the waiters    | the change: a value sent meanwhile (even  | TestCancelSafetyWatchChangedSelect
//	          | and the task's waker           | one that woke it) stays unseen, so the    | TestCancelSafetyWatchChangedTimeout
//	          |                                | next Changed is ready with it at once     | TestCancelSafetyWatchChangedAbort
//	          |                                |                                           | TestCancelSafetyWatchChangedWokenThenCancelled
//
// Send, Swap, Borrow and the other methods do not wait, so there is
// nothing to cancel.
package watch
