// Command load is the closed-loop load generator of the echo comparison.
//
// Ping-pong mode (the default): open -conns connections to -addr; on each,
// send a -size byte message and wait for the whole echo before sending the
// next. After -warmup it prints "warm", counts every echo completed during
// the next -duration, prints "end", and finally one line of JSON (see
// internal/loadproto) with messages/s and p50/p99 round-trip latency.
//
//	load -addr 127.0.0.1:7000 -conns 100 -size 64 -duration 5s -warmup 1s
//
// Hold mode (-hold N), for the memory test: open N connections, a few at a
// time and retrying transient failures, echo one 64-byte message on each,
// print "ready", and keep them open until stdin closes or a signal arrives.
//
//	load -addr 127.0.0.1:7000 -hold 15000
//
// It uses the net package with a goroutine per connection: plain and cheap
// enough, since it runs on a core of its own.
package main
