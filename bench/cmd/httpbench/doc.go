// Command httpbench runs the HTTP/1.1 comparison: "Hello, World!" over
// keep-alive connections. It builds the servers (the runtime's
// examples/hello twice, with -handler native and -handler nethttp, once
// that example exists; hyper 0.14 on tokio's current-thread runtime when
// cargo and Debian's hyper sources are present; and the Go peers
// fasthttp, nbio's nbhttp and net/http), then over several interleaved
// rounds measures each server, fresh each time, pinned to one CPU while
// wrk runs on another:
//
//   - CPU test: an uncounted -warmup wrk run, then "wrk -c<conns> -t1
//     -d<duration> --latency" against "/"; the server's CPU time across
//     that run (from /proc) divided by wrk's request count, plus wrk's
//     requests/s and p99 latency.
//   - memory test: the server's RSS growth per connection once -idle
//     keep-alive connections have each had one request answered and stay
//     open and silent.
//
// It prints the medians over the rounds as a markdown table, with CPU per
// request also as a multiple of hyper's in the same round, and writes the
// same to -out if given.
//
//	cd bench && go run ./cmd/httpbench
//	cd bench && go run ./cmd/httpbench -rounds 1 -duration 2 -idle 2000 -only hyper,nethttp
//
// It needs taskset and wrk; when wrk is missing and it runs as root, it
// installs Debian's package with apt-get. A server whose build fails is
// skipped with a note. Every child runs in its own process group and is
// killed on every exit path; every wait has a bound, so a run always
// ends.
package main
