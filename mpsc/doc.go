// Package mpsc is a multi-producer, single-consumer channel for tasks and
// plain goroutines: the way tasks hand work to each other, and the bridge
// between goroutines and tasks.
//
// New makes a bounded channel: its buffer is allocated once, to its
// capacity, and a Send on a full channel waits (backpressure) until the
// receiver makes room. Unbounded makes a channel whose buffer grows and
// whose Send never waits. Both have the same Receiver.
//
// # Senders
//
// A sender handle belongs to one producer. Clone gives another producer a
// handle of its own; Close retires a handle; when every handle is closed
// the receiver sees the end of the stream (ErrClosed) after the buffered
// values. This is tokio's rule, with Close in place of a destructor: Go
// cannot see a handle being dropped, so a producer that is done must close
// its handle, or the receiver waits for it forever. Closing a handle also
// withdraws its Send if one is still waiting.
//
// The bounded Sender's Send returns a future that lives inside the handle
// and is reused by every Send, so sending allocates nothing; await each
// Send before starting the next on the same handle. The other methods of a
// handle (TrySend, SendBlocking, Clone, Close) are safe for concurrent use,
// and so is the UnboundedSender's Send.
//
// # Receiver
//
// The Receiver's Recv also returns a future embedded in the receiver,
// reset by each call: await each before asking for the next. TryRecv
// never waits, RecvBlocking blocks a plain goroutine, and Close tells the
// senders that nobody listens any more (ErrReceiverGone) while the values
// already buffered can still be received.
//
// # How data flows
//
// One mutex guards the buffer (a ring), the queue of senders waiting for
// room, the receiver's waker and the count of open handles. Every
// operation is one lock, a few field updates and one unlock; the wakers it
// must call (the receiver's on a send, a waiting sender's on a receive)
// are taken out under the lock and called after it, never while holding
// it. A wake happens only when someone waits. A mutex and not a lock-free
// queue, because without contention each costs about two atomic
// read-modify-writes per operation (a lock-free send needs one to claim a
// slot and one to publish it, plus one to claim the receiver's waker), and
// the mutex keeps the slow paths (a full buffer, a cancelled waiter, a
// closing side) plain code that is easy to prove free of lost wakeups.
//
// A sender that finds the buffer full puts its waiter, embedded in its
// future, at the back of an intrusive FIFO list and stores its waker there.
// When the receiver takes a value it grants the freed slot to the waiter at
// the front: it reserves the slot, unlinks the waiter and wakes it. The
// woken sender always finds its slot, so a wakeup is never wasted, and a
// sender that arrives later cannot take the slot first, so waiting senders
// are served in order. A waiter cancelled after its grant passes the slot
// to the next waiter, so the wake it received is not lost either.
//
// Tasks whose channel is always ready give way: Send and Recv take a unit
// of the task's cooperative budget (see async.Context.Proceed).
package mpsc
