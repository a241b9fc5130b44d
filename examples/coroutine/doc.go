// Coroutine is the first program of chapter 7 of "Asynchronous Programming
// in Rust", "Coroutines and async/await": a coroutine written by hand as a
// state machine, with one state per wait point (Start, Wait1, Wait2,
// Resolved), that asks a delayserver for /600/HelloWorld1 and then for
// /400/HelloWorld2 and prints each body. While it waits, a timer prints
// "Schedule other tasks" about every 100 ms: the other work an executor
// would do meanwhile. The book's loop polls the future every 100 ms; here
// the executor polls it only when the reactor wakes it, and the timer
// runs beside it in the same task. The run takes about a second, the sum
// of the two delays, and ends with "ELAPSED TIME".
//
// The code is in internal/book/ch07_coroutine.go (function
// Chapter7Coroutine); this command only runs it. Start a delayserver
// first:
//
//	go run ./cmd/delayserver &
//	go run ./examples/coroutine
//
// Usage:
//
//	coroutine [-server host:port]
//
// The flag is:
//
//	-server host:port
//		The delayserver to ask (default 127.0.0.1:8080). Host is an
//		IPv4 or IPv6 address, or localhost; names are not looked up.
//
// Coroutine exits with status 1 and the error on standard error if a
// request fails, for example when no server listens on the address.
package main
