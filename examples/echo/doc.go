// Command echo is a TCP echo server on one current-thread executor: every
// connection is a task, a state machine of 24 bytes, and all of them read
// into one buffer, so an idle connection costs four small objects (its
// Conn, inside the 128 bytes with which tcp.Serve closes it however the
// task ends; its reactor source; its task; its state: about 290 bytes
// live, about 380 of resident memory) and no goroutine.
//
//	go run ./examples/echo -addr 127.0.0.1:7007
//
// It prints the address it listens on, then serves until interrupted
// (SIGINT or SIGTERM); -cpuprofile writes a CPU profile meanwhile. bench/
// measures it against a C epoll server, tokio, Go's net package, gnet and
// nbio (see BENCHMARKS.md).
package main
