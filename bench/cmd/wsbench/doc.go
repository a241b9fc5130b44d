// Command wsbench runs the WebSocket broadcast comparison: a chat room of
// 10,000 connections in which one message goes to everyone. It builds the
// servers (bench/servers/wsasync on the runtime's websocket package,
// twice: with coroutines and with hand-written futures; gorilla/websocket
// on net/http, twice: its chat example's hub and a mutex per connection;
// nbio's nbhttp and websocket)
// and its load generator (wsload), then over several interleaved rounds
// runs each server, fresh each time, pinned to one CPU while the load
// runs on another:
//
//   - memory: the server's RSS, and its Go heap and stacks (GET
//     /memstats), once it listens and again when -conns connections are
//     upgraded, have received -warmup broadcasts and have been silent for
//     -settle; the growth per connection.
//   - fan-out: -broadcasts messages sent on one connection, each once
//     every connection has received the one before and -pause has passed;
//     the server's CPU time across them per delivered message (and its
//     user-mode part), and the delivery latency's p50, p99 and maximum.
//
// It prints a table of medians over the rounds and writes it, with the
// method, as the wsbench section of the main module's BENCHMARKS.md
// (-out).
//
//	cd bench && go run ./cmd/wsbench                            # 3 rounds of 10,000 connections
//	cd bench && go run ./cmd/wsbench -quick                     # 500 connections, 1 round, no report
//	cd bench && go run ./cmd/wsbench -only async,nbio -rounds 1
//
// A round of the default run takes about a minute (each server's run is
// 10 to 15 s, most of it opening the 10,000 connections), so the default
// three rounds take about three and a half minutes with the builds.
//
// It needs Linux, two CPUs, taskset (util-linux) and the Go toolchain. A
// server whose build fails is skipped with a note. Every child runs in its
// own process group and is killed on every exit path; every wait has a
// bound, so a run always ends.
package main
