// Tour is the main demonstration of async: it runs each part of the runtime
// in turn, in one process, with no setup.
//
// Usage:
//
//	go run ./cmd/tour
//
// Tour starts a delayserver (package delayserver) on a free loopback port,
// prints its log prefixed with "delayserver | ", and then runs its sections
// one after another, each under a numbered heading:
//
//  1. The event queue (book chapter 4): the program of chapter 4 of
//     "Asynchronous Programming in Rust" (internal/book/ch04.go) sends five
//     requests with delays of 5 to 1 seconds on non-blocking sockets and
//     waits for them on one goroutine with one poll.Poller. It takes about
//     five seconds, the longest delay, rather than the fifteen the delays
//     add up to.
//  2. Tasks and the executor (book chapters 7 and 8): executor.Run polls a
//     hand-written main future (tasks.go) that spawns five tasks, each a
//     book.Get (internal/book/get.go) with a delay of 500 down to 100 ms,
//     and prints each answer as its task finishes: about 0.5 s in all, on
//     one goroutine, with the main future polled only when a task wakes it.
//  3. Timers and timeouts: timer.Timeout gives up on a request the server
//     answers after 2 s once 300 ms have passed, and the reactor's count of
//     sources shows that cancelling the request closed its socket; then a
//     timer.Sleep of an hour on an executor made WithPausedClock completes
//     at once, the virtual and the real elapsed times side by side.
//  4. Select: async.Select2 races a request against a sleep, once won by
//     each; the loser is cancelled and leaves no socket or timer behind.
//  5. Coroutines: async.Go runs a plain function that awaits a request and
//     then a timer with async.Await, the book's async/await without a
//     hand-written state machine.
//  6. Sockets: tcp.Serve runs an echo server, a task per connection, for
//     three clients on the same executor; a UDP socket answers a datagram.
//  7. The multi-thread executor (multithread.go): four workers share
//     sixteen tasks that count primes, each yielding after every thousand
//     numbers, while a call that blocks for 200 ms runs on the blocking
//     pool (async.SpawnBlocking); ex.Metrics() then shows how many polls
//     each worker made, which varies from run to run. A task that sleeps
//     for an hour is cancelled when BlockOn returns, and its handle reports
//     async.ErrShutdown; Close retires the pool's goroutine.
//  8. Shared state (shared.go): six fetches in a group.Set, held two at a
//     time by a lock.Semaphore and sharing an http1.Client's pool of
//     connections, finish in three waves of 200 ms; three
//     listeners on a broadcast channel each hear every message until a
//     cancel.Token ends them. examples/chat builds a chat server of the
//     same pieces.
//
// Sections 3, 4, 5 and 8 make their requests with package http1's client
// (fetch.go, shared.go), as a program would; sections 1 and 2 make them
// with the book's own sockets and leaf future, which are what they show.
//
// The whole tour takes about nine seconds, most of it section 1.
//
// Tour exits with status 1 and the error on standard error if a section
// fails, after closing the server.
package main
