// Command echo is a TCP echo server on one current-thread executor, or on
// a multi-thread one with -threads N: every connection is a task, a state
// machine of 24 bytes, and all of them read into one buffer (one per
// worker on the multi-thread executor, lent for each poll), so an idle
// connection costs four small objects (its Conn, inside the 128 bytes
// with which tcp.ServeFuture closes it however the task ends; its reactor
// source; its task; its state: about 290 bytes live, about 380 of
// resident memory) and no goroutine.
//
//	go run ./examples/echo -addr 127.0.0.1:7007
//	go run ./examples/echo -threads 2
//
// -threads N (default 1) picks the executor: 1 is the current-thread
// executor, on the goroutine that runs main; N > 1 is executor.MultiThread
// with N workers that steal connections' tasks from each other and share
// one reactor. Run one thread unless one core cannot keep up: the
// current-thread executor spends the least CPU per message.
//
// It prints the address it listens on, then serves until interrupted
// (SIGINT or SIGTERM); -cpuprofile writes a CPU profile meanwhile. bench/
// measures it, with one thread and with two, against a C epoll server,
// tokio, Go's net package, gnet and nbio (see BENCHMARKS.md).
package main
