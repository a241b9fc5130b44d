// Package broadcast is a multi-producer, multi-consumer channel in which
// every receiver sees every value: the way to fan one stream of events out
// to many tasks (the lines of a chat room to every client, a shutdown
// notice to every worker), from tasks or plain goroutines.
//
//	tx, rx := broadcast.New[string](64)
//	rx2 := tx.Subscribe()
//	tx.Send("hello") // both rx and rx2 get "hello"
//	// in a task:
//	r, ok := rx.Recv().Poll(cx) // r.Value, r.Err
//	// in a goroutine:
//	v, err := rx2.RecvBlocking()
//
// # How data flows
//
// New makes a ring that holds the last capacity values sent, and one
// receiver. Send never waits: it stores the value in the next slot of the
// ring, overwriting the oldest value when the ring is full, and wakes the
// receivers waiting for it. Each receiver keeps its own position in the
// stream and reads every value from there in order; a receiver that
// subscribes later (Sender.Subscribe, Receiver.Resubscribe) starts at the
// next value sent.
//
// A slow receiver does not hold the senders back. If it falls more than
// capacity values behind, the values it had not read are overwritten; its
// next receive returns a *LaggedError saying exactly how many it missed,
// and the receive after that continues from the oldest value still held.
// A receiver that keeps up never sees a LaggedError.
//
// Each slot counts the receivers that have yet to read its value, and the
// last of them clears the slot, so that a large value is released as soon
// as everyone has it instead of when it is overwritten. A receiver that is
// done must Close: it then stops counting, and the values it had not read
// are released by the others alone.
//
// Sender handles are safe for concurrent use; Clone gives each producer
// one of its own. When every handle is closed, each receiver reads the
// values still held for it and then gets ErrClosed. Go cannot see a handle
// being dropped, so a producer that is done must Close, or the receivers
// wait for it forever. Send with no receiver open fails with
// ErrNoReceivers and drops the value, as tokio's does.
//
// A Receiver is one owner's. Its Recv returns a future embedded in the
// Receiver and reused by every call, so receiving allocates nothing:
// await each Recv before the next. TryRecv never waits, RecvBlocking
// blocks a plain goroutine.
//
// # Inside
//
// One mutex guards the ring, the positions and the queue of waiting
// receivers; every operation is one lock, a few field updates and one
// unlock. A receiver that has read everything queues its waiter, embedded
// in the Receiver, on an intrusive list. A send wakes the waiters it made
// ready in batches of up to 32, taken out under the lock into an array on
// its stack and woken after unlocking, so a fan-out to a hundred receivers
// neither allocates nor calls a waker under the lock, and a receiver that
// cancels its wait at the same moment finds the list consistent (the
// comment on wakeUnlock in channel.go gives the protocol). Recv takes a
// unit of the task's cooperative budget (see async.Context.Proceed), so a
// task whose receiver always has a value still gives way.
//
// # Cancellation safety
//
// A Recv that is cancelled (lost in async.Select, timed out by
// timer.Timeout, or its task aborted with JoinHandle.Abort) takes nothing
// from the channel: the receiver's position moves only when Recv returns.
//
//	operation | a cancelled one gives up       | it keeps                                    | test
//	----------+--------------------------------+---------------------------------------------+------------------------------------------
//	Recv      | its place among the waiters    | every value not yet returned: the next Recv | TestCancelSafetyBroadcastRecvSelect
//	          | and the task's waker           | returns the value that arrived (or woke it) | TestCancelSafetyBroadcastRecvTimeout
//	          |                                | meanwhile, or reports a lag that happened   | TestCancelSafetyBroadcastRecvAbort
//	          |                                | meanwhile                                   | TestCancelSafetyBroadcastRecvWokenThenCancelled
//
// Send and the other methods do not wait, so there is nothing to cancel.
package broadcast
