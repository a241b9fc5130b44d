// Command soak runs the runtime's echo server under steady load for a long
// while and fails if it leaks: if its resident memory, its open
// descriptors or its goroutines keep growing, if an echo ever differs from
// the message sent, or if a connection fails.
//
//	cd bench && go run ./cmd/soak                        # 10 minutes
//	cd bench && go run ./cmd/soak -duration 1h -interval 30s -warmup 5m
//
// It builds examples/echo of the async module (-main, by default the
// parent of the bench module) with one file added through go build's
// -overlay, echostats.go, which answers requests for the goroutine count;
// the module's files are not touched. It runs that server and the load,
// a second copy of this program, each pinned to one CPU with taskset: the
// server on -server-cpu (default 0), the load on -load-cpu (default 1).
//
// The load opens -conns connections (50) to the server on 127.0.0.1 and
// plays ping-pong on each: it sends a message and waits for the whole echo
// before sending the next. Every message is unique: its first 16 bytes
// name the connection, the message's sequence number on it and its length
// (16 to -size bytes, varying), and the rest is pseudo-random bytes drawn
// from those. Each echo must equal its message byte for byte and come back
// within -timeout; the first that does not, or any connection error, ends
// the run with a message naming the connection and the message.
//
// Every -interval (10s), and once at the start, soak samples the server:
// its resident set (VmRSS in /proc/<pid>/status), its open descriptors
// (the entries of /proc/<pid>/fd), and its goroutines. The goroutine count
// comes over the server's stdin and stdout: soak writes the line "stats",
// and the server answers "goroutines N" with runtime.NumGoroutine, from
// the goroutine echostats.go starts, which is counted too. The load
// answers "stats" the same way with the messages echoed so far. Soak
// prints one line per sample:
//
//	elapsed  messages  msg/s  RSS KiB  fds  goroutines
//
// At the end (-duration, 10m) it judges the samples taken from -warmup (1m)
// on with package growth (bench/internal/growth): medians of the first,
// middle and last thirds of those samples, and Kendall's tau of the
// samples against time. A resource keeps growing when the last third's
// median is above the first's by more than allowed, the middle third's
// lies between them, and the trend is upward (for RSS, tau at least 0.5).
// Descriptors and goroutines are allowed no rise at all; RSS is allowed
// 1 MiB or 10 % of the first third's median, whichever is more, since a
// garbage-collected heap wobbles. A resource that keeps growing fails the
// run, named with its growth.
//
// soak exits 0 when the server passed, 1 when it failed or the run could
// not be made, and 2 for bad flags. Every child leads a process group of
// its own and is killed on every exit path, and by the kernel if soak is
// killed; every wait has a bound, so a run always ends.
package main
