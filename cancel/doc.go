// Package cancel is cancellation for tasks and goroutines: a Token that is
// cancelled once, and with it every token below it, and the bridges
// between tokens and context.Context.
//
// A server makes one token for its life; each connection gets a child,
// and each request of that connection a child of the child. Cancelling a
// token stops everything below it and nothing above: shutting the server
// down cancels the root, a connection that is closed cancels its own
// child.
//
//	root := cancel.New()
//	conn := root.Child()
//	defer conn.Cancel() // done with it: detach it from root
//	...
//	resp, err := async.Get(co, cancel.WithToken(conn, serve(req))) // serve, unless cancelled
//	if errors.Is(err, cancel.ErrCancelled) {
//		return // root or conn was cancelled; serve was cancelled too
//	}
//
// A task waits for a token with Cancelled (or lets WithToken do it around
// another future), a plain goroutine with Done, in a select; AfterFunc
// runs a function on cancellation.
//
// # Releasing children
//
// A child is kept in its parent's list until one of them is cancelled, so
// that cancelling the parent can reach it. Go cannot see a token being
// dropped: a child that is no longer needed must be cancelled (Cancel on a
// child detaches it from its parent), just as a context's CancelFunc must
// be called, or a long-lived parent keeps it for as long as the parent
// lives. The same holds for AfterFunc (call stop), FromContext (cancel the
// token) and Token.Context (call the CancelFunc).
//
// # Contexts
//
// ContextDone is a future of a context's Done, FromContext a token
// cancelled with a context, and Token.Context a context cancelled with a
// token. None keeps a goroutine per waiter: the first two register with
// context.AfterFunc, the third puts a callback in the token's list that
// cancels a context.WithCancelCause with ErrCancelled as the cause.
//
// # How it works
//
// A token is a mutex, a flag and one intrusive list of what to do when it
// is cancelled: the wakers of the tasks waiting in Cancelled futures (each
// in a node that is part of its future, so waiting allocates nothing),
// the callbacks of AfterFunc, and the children (each in a node that is
// part of the child). Cancel sets the flag under the lock, so nothing
// joins the list after it, and then pops the list one entry at a time,
// calling each entry (waking the task, running the callback, cancelling
// the child) after releasing the lock. A waker, a callback or a child is
// never called with a token's lock held, so a callback may use the token
// without deadlocking, and an entry that leaves the list concurrently (a
// Cancelled future given up, a callback stopped, a child cancelled on its
// own) either finds itself still listed and unlinks itself, or was popped
// and is called exactly once. Locks are never nested: a child takes its
// parent's lock only to join or leave the parent's list. IsCancelled and
// the poll of a Cancelled future once the token is cancelled read the
// flag without locking.
//
// Cancelled, like every operation that can be ready without waiting,
// takes a unit of the task's cooperative budget (async.Context.Proceed),
// so a task that checks its token in a busy loop still gives way.
//
// # Cancellation safety
//
// A future of this package that is cancelled (lost in an async.Select,
// timed out by timer.Timeout, or in a task aborted with
// JoinHandle.Abort) gives up what it waits for and leaves nothing in the
// token or the context it watched; the token and the context are not
// affected.
//
//	operation    | a cancelled one gives up                  | it keeps                                | test
//	-------------+-------------------------------------------+-----------------------------------------+--------------------------------------------
//	Cancelled    | its waker's place in the token's list     | the token as it was; the future may be  | TestCancelSafetyCancelled{Select,Timeout,Abort}
//	             |                                           | polled again to wait anew               |
//	WithToken    | the inner future (cancelled, so it        | the token as it was                     | TestCancelSafetyWithToken{Select,Timeout,Abort}
//	             | releases what it holds) and its place in  |                                         |
//	             | the token's list                          |                                         |
//	ContextDone  | its context.AfterFunc (stopped) and its   | the context as it was                   | TestCancelSafetyContextDone{Select,Timeout,Abort}
//	             | waker                                     |                                         |
//
// When the token fires first, WithToken cancels the inner future the same
// way (TestWithTokenCancelsInner), and it never drops a value the inner
// future produced.
package cancel
