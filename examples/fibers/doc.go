// Fibers is the program of chapter 5 of "Asynchronous Programming in
// Rust", "Creating Our Own Fibers": two green threads, one counting to 10
// and one to 15, print a line each and yield to each other, taking turns
// until the first is done; then the second counts on alone. The book
// builds its stackful threads with a hand-made stack and a context switch
// in assembly; here each is a coroutine (async.Go), a goroutine's stack
// that the Go runtime switches to directly, spawned as a task on a
// current-thread executor, and yielding is async.Await(co, async.Yield()).
//
// The code is in internal/book/ch05_fibers.go (function Chapter5Fibers);
// this command only runs it. It does no I/O and needs no delayserver:
//
//	go run ./examples/fibers
//
// Usage:
//
//	fibers
//
// Fibers takes no flags. It exits with status 1 and the error on standard
// error if the program fails.
package main
