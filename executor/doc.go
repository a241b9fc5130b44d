// Package executor runs tasks: the executor of the book's chapter 8, built
// to production standard, on one goroutine or on several.
//
//	v, err := executor.Run(async.Go(func(co *async.Co) int { ... }))                      // one goroutine
//	v, err := executor.Run(async.Go(func(co *async.Co) int { ... }), executor.WithWorkers(4)) // four workers
//
// Run makes an executor, runs a future on it to the end (BlockOn), and
// closes it. Spawn puts a task on an executor from any goroutine; tasks
// spawn more with async.Spawn, and a function that must block goes to the
// executor's blocking pool with async.SpawnBlocking. When BlockOn returns,
// or Close or Shutdown is called, every task still alive is cancelled: its
// future's Cancel releases its sockets and timers, and its JoinHandle
// reports async.ErrShutdown.
//
// # CurrentThread
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
// executor's goroutine touches (tasks spawned from inside it, tasks that
// woke themselves while running, and tasks its own reactor turns woke),
// and a task.Queue into which wakes from anywhere else push. Both are
// FIFO; the local ring takes in the shared queue's tasks at every tick.
//
// # MultiThread
//
// A MultiThread executor runs tasks on worker goroutines (WithWorkers;
// runtime.GOMAXPROCS(0) by default) while a BlockOn runs; BlockOn's future
// is one of its tasks, and the calling goroutine waits for it. Each worker
// has a bounded local queue of 256 tasks and a LIFO slot, and all share an
// inject queue:
//
//   - a task a worker spawns, or its reactor turn wakes, goes on that
//     worker's queue; a full queue moves half of itself to the inject
//     queue;
//   - a wake from anywhere else goes to the LIFO slot of the worker that
//     ran the task last if that worker is awake (the task runs right after
//     the poll in progress there, where its memory is warm: the task a
//     running task woke by sending it a message), and otherwise to the
//     inject queue, with an idle worker woken to take it;
//   - a worker runs its LIFO slot first, but at most 3 times in a row, so
//     two tasks waking each other cannot keep its queue waiting; then its
//     queue, then the inject queue, which it also looks at first every
//     EventInterval ticks so that wakes from outside are never starved;
//   - a worker with nothing to do steals half of another's queue; at most
//     half the workers search at once, and the last one to stop searching
//     wakes another, so that work is found without waking every worker;
//   - a worker that finds nothing parks: the first turns the shared
//     reactor, blocking until an event, a timer or a wake; the others
//     sleep until a wake needs them. A busy worker also turns the reactor
//     without blocking every EventInterval ticks if no one else is, so I/O
//     is seen while every worker is busy.
//
// Go gives a goroutine no identity a wake could ask for cheaply, so a wake
// cannot know which worker, if any, it runs on; the task's state word
// records the worker that last ran it instead (task.Task.Worker), and the
// wake reads it: two atomic loads and a swap, never an allocation. With a
// paused clock, time jumps only when every worker is parked and no task is
// queued. Metrics returns what each worker did; workers carry the pprof
// label async.worker, so a CPU profile shows which worker ran what.
//
// A coroutine (async.Go) may be resumed by a different worker at each
// poll. Go requires a coroutine to be resumed only from goroutines in the
// OS-thread lock state it was created in (the runtime aborts otherwise);
// no worker locks its thread, so a coroutine made and resumed by tasks
// meets that rule on either executor. One made on a goroutine that called
// runtime.LockOSThread must be awaited only there: not handed to a task.
//
// # Blocking calls and shutdown
//
// Both executors have a blocking pool for async.SpawnBlocking: a goroutine
// per call up to DefaultBlockingGoroutines (512), then a queue; an idle
// goroutine retires after DefaultBlockingKeepAlive (10 s). Shutdown stops
// an executor from any goroutine: it takes no new task, ends a BlockOn in
// progress after the polls in flight, cancels every task, waits (until its
// context is done) for the blocking calls, and closes the reactor.
package executor
