// Package async is the contract of the async runtime: futures, the Context
// a future is polled with, wakers, tasks, and the combinators that compose
// futures. It is the runtime that "Asynchronous Programming in Rust"
// (C. F. Samson) builds, chapter by chapter, made into real software in Go.
//
// A program starts an executor with a future, most often a coroutine: a
// plain function that awaits futures as if they were calls. This one
// connects with a timeout, reads a line with a timeout, and prints it:
//
//	package main
//
//	import (
//		"fmt"
//		"time"
//
//		"github.com/asyncgo/async"
//		"github.com/asyncgo/async/executor"
//		"github.com/asyncgo/async/tcp"
//		"github.com/asyncgo/async/timer"
//	)
//
//	func main() {
//		line, err := executor.Run(async.Go(func(co *async.Co) string {
//			c, err := async.Get(co, timer.Timeout(tcp.Connect("127.0.0.1:7007"), 2*time.Second))
//			if err != nil {
//				return err.Error() // dial tcp 127.0.0.1:7007: i/o timeout, or connection refused
//			}
//			defer c.Close()
//			buf := make([]byte, 512)
//			n, err := async.Get(co, timer.Timeout(c.Read(buf), time.Second))
//			if err != nil {
//				return err.Error()
//			}
//			return string(buf[:n])
//		}))
//		fmt.Println(line, err)
//	}
//
// executor.Run runs the future on a current-thread executor, on the
// goroutine that calls it; executor.WithWorkers(n) runs it on n workers.
// async.Go makes the function a future; async.Await suspends it until a
// future is ready, and async.Get does the same for a future that can fail,
// returning its value and error. Package tcp, udp and unixsock give
// sockets, timer gives sleeps and timeouts, aio copies and frames bytes,
// http1 speaks HTTP/1.1, and the channels and locks (oneshot, mpsc,
// broadcast, watch, lock) let tasks share state. Example (Connect) runs
// this program against a local server.
//
// # The contract
//
// A Future is a value that an executor polls. Poll either returns the
// future's value and true (ready), or false (pending). A future that returns
// pending has arranged for the Context's Waker to be called when it can make
// progress: a socket that returned EAGAIN stored the waker with the I/O
// driver; a timer stored it in the timer wheel; a channel stored it in its
// queue. When the waker is called, the executor polls the future again.
//
// A Go function can be blocked in a goroutine; a future cannot block: Poll
// must return promptly. That is what lets one goroutine run a million tasks.
//
// # Cancellation
//
// Go has no destructors, so cancellation is a method: Cancel releases
// everything the future holds (a registration, a timer, a queue slot, a
// stored waker). Combinators forward it: the losing branches of Select and a
// Timeout's inner future are cancelled; an aborted task's future is
// cancelled; an executor that shuts down cancels every task it owns. The
// book's leaf future leaks its waker when dropped early; ours never does.
//
// # Tasks
//
// Spawn makes a future a task: its state word, its output and its join
// waker in one allocation with it (the machinery is package task's, for
// executor authors). Its JoinHandle awaits the output, aborts the task, or
// detaches from it. A panic inside a task is caught and becomes the error
// of its JoinHandle; the executor and its other tasks carry on.
// SpawnBlocking runs a function that blocks on the executor's blocking
// pool instead, and gives a JoinHandle too.
//
// The executors live in package executor; the I/O driver and timers they
// turn live in package reactor, which the Context hands to leaf futures, so
// no future ever reaches for a global.
//
// # Fairness
//
// A task runs until its poll returns, so a task that always finds work
// ready could keep its executor to itself. Every leaf future therefore
// takes a unit of the task's Budget before an operation that could
// succeed at once (a read served from a buffer, a channel with a value, a
// timer already due) and, once the budget is spent, wakes the task and
// returns pending without doing it: the task gives way and loses nothing.
// A lock's future takes its unit but never gives way while it holds the
// lock (see package lock). Try-operations (TrySend, TryRecv, TryLock)
// take no budget: they have no Context, and Go has no goroutine-local
// storage in which to find the task calling them. A loop that only does
// try-operations or computes, and awaits nothing, must give way itself by
// awaiting Yield every so often.
//
// # Layers
//
// poll (the kernel's event queue) → reactor (readiness, wakers, timer
// wheel) → async (this package) → executor → leaf resources (tcp, udp,
// timer, mpsc, ...) → protocols → programs. The reactor sits below this
// package, not above as the design sketch first had it: it stores wakers
// but needs nothing else of futures, and so the Context can hold the reactor
// itself instead of an opaque handle that every leaf future must unwrap.
package async
