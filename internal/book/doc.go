// Package book holds the programs of the book "Asynchronous Programming in
// Rust" (C. F. Samson), written in Go on this module's packages, one file per
// chapter. A reader of the book can hold each file beside the Rust.
//
// Each program is a function that writes what the book's program prints to
// an io.Writer and returns an error instead of panicking, so that the tests
// can check its output, and the tour (cmd/tour) and the examples
// (examples/...) can run it.
//
// The programs keep the book's shape on purpose, even where the runtime's
// later layers do better: here the reader sees the raw mechanism (a socket,
// a token, an event, a read until EAGAIN) that those layers hide.
//
// # Chapters
//
//   - Chapter 4, "Create Your Own Event Queue": ch04.go, [Chapter4]. Five
//     HTTP requests on non-blocking sockets, one event queue (package
//     poll), one goroutine; the responses arrive in the order their delays
//     end, not the order they were sent.
//   - Chapter 5, "Creating Our Own Fibers": ch05_fibers.go,
//     [Chapter5Fibers]. Two green threads that print and yield to each
//     other in turn: coroutines (async.Go) spawned as tasks on one
//     executor, yielding with async.Await(co, async.Yield()).
//   - Chapter 7, "Coroutines and async/await": ch07_coroutine.go,
//     [Chapter7Coroutine]. A coroutine written by hand as a state machine
//     with one state per wait point, awaiting two requests one after the
//     other while a timer prints "Schedule other tasks" beside it.
//   - Chapter 7, async/await: ch07_async_await.go, [Chapter7AsyncAwait].
//     Five requests awaited one after another in a coroutine (the sum of
//     the delays), then five coroutines awaited with async.JoinAll (the
//     longest delay).
//   - Chapters 7 and 8, Http::get: get.go, [Get]. A leaf future over the
//     reactor: non-blocking connect, the request, the response parsed by
//     Content-Length or end of stream, the socket released when the
//     response is complete or the future is cancelled. The book returns
//     the raw bytes; Get parses them and turns malformed responses into
//     errors.
//   - Chapter 8, "Runtimes, Wakers, and the Reactor-Executor Pattern":
//     ch08_runtime.go, [Chapter8Runtime]. A main future spawns five tasks
//     and reports the pending ones each time it waits, run once with the
//     executor turning the reactor and once with a reactor goroutine.
//   - Chapter 8, several executors: ch08_multiexec.go, [Chapter8Multiexec].
//     Executors on goroutines locked to OS threads, sharing one reactor
//     turned on a goroutine of its own.
//   - Chapter 10, "Creating Your Own Runtime": ch10_join_all.go,
//     [Chapter10JoinAll]. A hundred tasks awaited with async.JoinAll, done
//     in about the longest delay. As the book's last example runs another
//     library's futures, the tasks make their requests with this module's
//     HTTP client (package http1) rather than the book's Get.
//
// The programs of chapters 5 to 10 write through a printer (ch05_fibers.go)
// that keeps lines whole across goroutines and reports the first failed
// write.
package book
