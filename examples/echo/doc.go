// Command echo is a TCP echo server on one current-thread executor: every
// connection is a task, a state machine of a few dozen bytes, and all of
// them read into one buffer, so an idle connection costs about 350 bytes
// (its Conn, its reactor source and its task) and no goroutine.
//
//	go run ./examples/echo -addr 127.0.0.1:7007
//
// It prints the address it listens on, then serves until interrupted.
// bench/ measures it against Go's net package, gnet, nbio and a C epoll
// server (see BENCHMARKS.md).
package main
