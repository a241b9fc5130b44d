// Runtime is the program of chapter 8 of "Asynchronous Programming in
// Rust", "Runtimes, Wakers, and the Reactor-Executor Pattern": a main
// future spawns five tasks, task i asking a delayserver for
// /{i*1000}/HelloWorld{i}, and the tasks print the bodies in the order of
// their delays while the main future waits for them, about four seconds
// in all. Each time the main future finds tasks still pending it prints
// the book's "main: N pending tasks. Sleep until notified." (the executor
// has no hook of its own for when it parks; see
// internal/book/ch08_runtime.go), and "main: All tasks are finished" at
// the end.
//
// The program runs twice: once with the default executor, which turns the
// reactor itself when it has nothing to run and sleeps in the event
// queue, and once with executor.WithReactorGoroutine, the book's shape, a
// reactor on a goroutine of its own that wakes the executor through the
// wakers. Each run ends with its "ELAPSED TIME".
//
// The code is in internal/book/ch08_runtime.go (function
// Chapter8Runtime); this command only runs it. Start a delayserver first:
//
//	go run ./cmd/delayserver &
//	go run ./examples/runtime
//
// Usage:
//
//	runtime [-server host:port]
//
// The flag is:
//
//	-server host:port
//		The delayserver to ask (default 127.0.0.1:8080). Host is an
//		IPv4 or IPv6 address, or localhost; names are not looked up.
//
// Runtime exits with status 1 and the error on standard error if a
// request fails, for example when no server listens on the address.
package main
