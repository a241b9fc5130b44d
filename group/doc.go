// Package group runs tasks in groups: a Set collects the results of its
// tasks in the order they finish (tokio's JoinSet), and a Group runs tasks
// that fail together (Go's errgroup, on tasks). Both abort what is left
// when they are closed, so that a program can end its tasks and know that
// what they held is released.
//
// A server spawns a task per connection into a Set, reaps the ones that end
// with Next, and on shutdown aborts the rest and waits until their
// futures' Cancel has closed their sockets:
//
//	var conns group.Set[error]
//	for {
//		r := async.Await(co, ln.Accept()) // a tcp.Listener's
//		if r.Err != nil {
//			break // the listener was closed: shutting down
//		}
//		conns.Spawn(co.Context(), serve(r.Value)) // a Future[error]
//	}
//	async.Await(co, conns.Shutdown()) // every serve's Cancel has run
//
// A Group fans work out and stops it all at the first failure:
//
//	var g group.Group
//	for _, u := range urls {
//		g.Spawn(co.Context(), fetch(u)) // a Future[error]
//	}
//	if err := async.Await(co, g.Wait()); err != nil {
//		return err // the other fetches were aborted, and have ended
//	}
//
// Both are ready to use as zero values, and both take tasks from plain
// goroutines too (SpawnOn) and can be awaited by them (NextBlocking,
// WaitBlocking).
//
// # How it works
//
// Spawn wraps the caller's future in an entry of the set and spawns the
// entry as the task. Whatever ends the caller's future ends in the entry:
// it is ready, it panics (the entry recovers the panic as a
// *async.PanicError and cancels the future, as the task machinery would),
// the set aborts it, or the executor cancels the task as it shuts down.
// The entry then hands the result to the set under the set's mutex and
// wakes the task waiting in Next. So a Set learns of each finished task
// once, in the order they finish, and Next takes the oldest from a queue:
// its cost does not depend on how many tasks are running, and it
// allocates nothing. Spawn allocates the task, as async.Spawn does; the
// entries of reported tasks are kept for later spawns.
//
// The set aborts a task without its JoinHandle: it flags the entry and
// wakes the task with the waker the entry stored at its first pending
// poll, and the task's next poll cancels the caller's future instead of
// polling it. A task that has stored no waker needs no wake: it looks at
// the flag before its first poll and again once it stores the waker. So
// the entry knows why its future ended (an abort by the set is
// async.ErrAborted, a cancellation by the executor async.ErrShutdown)
// and the set needs no second step after Spawn to learn the handle.
//
// One mutex guards the set: the running tasks (a list, so that AbortAll
// visits each once), the queue of finished ones, and the futures waiting
// (Next, Wait, Shutdown, each embedded in the set, so waiting allocates
// nothing). A waker is taken out under the lock and called after it is
// released, never while holding it. A Group is the same machinery with no
// queue: a finished task is counted and dropped at once, and the first
// failure is recorded and aborts the rest.
//
// Next, Wait and Shutdown take a unit of the task's cooperative budget
// (see async.Context.Proceed) at each poll, so a task reaping a set full
// of finished tasks still gives way.
//
// # Cancellation safety
//
// A future of this package that is cancelled (lost in an async.Select,
// timed out by timer.Timeout, or in a task aborted with JoinHandle.Abort)
// gives up its place among the waiters and nothing else: the tasks run on,
// and no finished task is lost.
//
//	operation      | a cancelled one gives up            | it keeps                                   | test
//	---------------+-------------------------------------+--------------------------------------------+-----------------------------------------------
//	Set.Next       | its place among the waiters and the | every finished task: one that finished     | TestCancelSafetySetNextSelect
//	               | task's waker                        | (and woke it) meanwhile is reported by the | TestCancelSafetySetNextTimeout
//	               |                                     | next Next                                  | TestCancelSafetySetNextAbort
//	               |                                     |                                            | TestCancelSafetySetNextWokenThenCancelled
//	Set.Wait       | its waker, and the results it had   | the set and its running tasks; results not | TestCancelSafetySetWaitTimeout
//	               | dropped already                     | yet dropped wait for Next                  | TestCancelSafetySetWaitAbort
//	Set.Shutdown   | its waker                           | the set closed and its tasks aborted, if   | TestCancelSafetySetShutdownSelect
//	               |                                     | it was polled; their results wait for Next | TestCancelSafetySetShutdownAbort
//	Group.Wait     | its waker                           | the group running, its first error; the    | TestCancelSafetyGroupWaitTimeout
//	               |                                     | next Wait reports it                       | TestCancelSafetyGroupWaitAbort
//
// Spawn, AbortAll, Close and Len do not wait, so there is nothing to
// cancel.
package group
