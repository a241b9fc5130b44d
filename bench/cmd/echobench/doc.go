// Command echobench runs the echo comparison: it builds every server (the
// runtime's examples/echo, a C epoll floor, tokio when cargo and Debian's
// tokio sources are present, and the Go peers net, gnet and nbio) and the
// load generator, then over several interleaved rounds
// measures each server, fresh each time. A single-thread server is pinned
// to one CPU while the load runs on another; a multi-thread one (async-mt,
// tokio-mt, gnet-mt, net-mt, each with -threads workers) shares
// -shared-cpus with its load, beside the C floor measured the same way
// (c-epoll-shared), in a table of its own whose primary figure is CPU per
// message (see README.md for why):
//
//   - CPU test: -conns connections × -size bytes closed-loop ping-pong for
//     -duration after -warmup; the server's CPU time in the window (from
//     /proc) divided by the echoes completed in it, plus messages/s and
//     p50/p99 latency as the load saw them.
//   - memory test: the server's RSS growth per connection once -memconns
//     connections have each echoed one 64-byte message and stay open.
//
// It prints the two tables of medians over the rounds and writes
// BENCHMARKS.md (-out) and an SVG chart (-chart) in the main module.
//
//	cd bench && go run ./cmd/echobench
//	cd bench && go run ./cmd/echobench -rounds 1 -duration 2 -memconns 2000 -only c-epoll,async
//
// A server whose build fails is skipped with a note. Every child runs in
// its own process group and is killed on every exit path; every wait has a
// bound, so a run always ends.
package main
