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
//
// Tour exits with status 1 and the error on standard error if a section
// fails, after closing the server.
package main
