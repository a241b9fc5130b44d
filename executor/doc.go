// Package executor runs tasks: the executor of the book's chapter 8, built
// to production standard.
//
// A CurrentThread executor runs every task on the goroutine that calls
// BlockOn. Its loop, one tick at a time:
//
//  1. poll the future given to BlockOn if its waker was called;
//  2. run up to EventInterval ready tasks, oldest first;
//  3. if it ran that many, turn the reactor without blocking, so that a
//     task that keeps waking itself cannot starve I/O (tokio and Go's
//     scheduler both look at the event queue every 61 ticks);
//  4. if nothing is ready, park: turn the reactor with the timeout of the
//     next timer, until an event, a deadline or a wake from another
//     goroutine (which interrupts the wait through the event queue).
//
// That is tokio's shape: the executor is also the reactor's driver, and an
// idle runtime sleeps in epoll_wait. The book's shape, a reactor on its own
// goroutine waking the executor through the Waker, is available with
// WithReactorGoroutine; WithSharedReactor lets several executors share one
// reactor that some other goroutine turns.
//
// Tasks are scheduled through two queues: a local ring that only the
// executor's goroutine touches (tasks spawned from inside it and tasks that
// woke themselves while running), and an async.Queue into which wakes from
// anywhere push. Both are FIFO; the local ring takes in the shared queue's
// tasks at every tick.
//
// When BlockOn returns, or Close is called, every task still alive is
// cancelled: its future's Cancel releases its sockets and timers, and its
// JoinHandle reports async.ErrShutdown.
package executor
