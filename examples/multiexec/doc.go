// Multiexec is the last program of chapter 8 of "Asynchronous Programming
// in Rust": several executors, each on an OS thread of its own, share one
// reactor that turns on a goroutine of its own. Each executor (a
// current-thread executor made WithSharedReactor, on a goroutine locked
// with runtime.LockOSThread) spawns five tasks, task i of executor k
// asking a delayserver for /{i*1000}/HelloAsyncAwait-k-i, and each task
// prints its body tagged with its executor:
//
//	executor 3: HelloAsyncAwait-3-2
//
// The executors' lines interleave, but each executor's come in the order
// of their delays, and the whole run takes about four seconds however many
// executors there are. At the end the executors are closed, then the
// reactor, and the program waits for the reactor's goroutine to end.
//
// The code is in internal/book/ch08_multiexec.go (function
// Chapter8Multiexec); this command only runs it. Start a delayserver
// first:
//
//	go run ./cmd/delayserver &
//	go run ./examples/multiexec
//
// Usage:
//
//	multiexec [-server host:port] [-executors n]
//
// The flags are:
//
//	-server host:port
//		The delayserver to ask (default 127.0.0.1:8080). Host is an
//		IPv4 or IPv6 address, or localhost; names are not looked up.
//	-executors n
//		How many executors to run (default 12: the book's main thread
//		and eleven more).
//
// Multiexec exits with status 1 and the error on standard error if a
// request fails, for example when no server listens on the address.
package main
