// Package task is the machinery an executor is built from: the task
// header and its state word, the Scheduler interface through which a task
// reaches its executor, run queues, the list of live tasks, and the
// executor's side of the Context. It is for executor authors; a program
// uses package async (Spawn, JoinHandle) and package executor.
//
// # A task's life
//
// async.Spawn makes a task cell (this package's Task, the future and its
// output, in one allocation) and hands the Task to the Spawner of the
// Context it was called with: the executor polling. The executor binds
// the task to its Scheduler (Bind), records it as live (List) and queues
// it. Then, until it completes:
//
//  1. the executor pops the task and calls Run, which polls the future
//     with the task itself as the waker;
//  2. the future, pending, stores that waker with whatever it waits for
//     (the reactor, a timer, a channel);
//  3. the event calls Wake, from any goroutine; Wake marks the task
//     SCHEDULED and calls its Scheduler's Schedule, which queues it;
//  4. the executor pops it again, back to 1.
//
// A task woken while it runs is not scheduled twice: Run reports requeue
// and the executor queues it itself. When the future is ready, panics or
// is cancelled (Abort, or Shutdown when the executor stops), the task
// completes: its JoinHandle is woken with the result, and Run or Shutdown
// calls the Scheduler's Release, so that the executor forgets it.
//
// Every transition of the state word is one compare-and-swap loop in
// state.go; the rules are drawn there. They are checked exhaustively by
// this package's model tests, every interleaving of an executor, a waker
// on another goroutine, an aborter and a JoinHandle.
//
// # Waking on the executor's own goroutine
//
// Schedule may be called from any goroutine, so it synchronizes. An
// executor that turns the reactor itself knows that the wakes of that
// turn run on its own goroutine; WakeBy lets it queue its own tasks there
// without Schedule, on a queue only it touches.
//
// # Writing an executor
//
// An executor needs a Scheduler (Schedule, Release), a Spawner, one
// Context per goroutine that polls (NewContext), and a loop that pops
// tasks and calls Run. package executor has two: CurrentThread, all tasks
// on one goroutine, and MultiThread, tasks on worker goroutines that
// steal work from each other; both use this package's Task unchanged.
package task
