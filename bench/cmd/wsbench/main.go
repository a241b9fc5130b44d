package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/asyncgo/async/bench/internal/cli"
	"github.com/asyncgo/async/bench/internal/peers"
	"github.com/asyncgo/async/bench/internal/pin"
	"github.com/asyncgo/async/bench/internal/procfs"
	"github.com/asyncgo/async/bench/internal/report"
)

func main() { cli.Main("wsbench", parseFlags, run) }

// run builds, measures, and reports; every child is dead when it returns.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	if _, err := exec.LookPath("taskset"); err != nil {
		return fmt.Errorf("taskset (util-linux) is needed to pin the server and the load: %w", err)
	}
	mods, err := peers.FindModules(ctx, "wsbench", "")
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "wsbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	load, bins, notes, err := buildAll(ctx, mods, tmp, cfg.only, logf)
	if err != nil {
		return err
	}
	if len(bins) == 0 {
		return errors.New("no server built; nothing to measure")
	}

	g := &rig{procs: pin.NewGroup(), load: load, serverCPU: strconv.Itoa(cfg.serverCPU),
		loadCPU: strconv.Itoa(cfg.loadCPU), proc: "/proc"}
	defer g.procs.KillAll()
	samples, runNotes, err := measureRounds(ctx, g, cfg, bins, logf)
	if err != nil {
		return err
	}
	notes = append(notes, runNotes...)

	order := make([]string, len(bins))
	for i, b := range bins {
		order[i] = b.name
	}
	rows := summarize(samples, order)
	fmt.Fprintf(stdout, "\nBroadcast to %d WebSocket connections (server on CPU %d, load on CPU %d), medians of %s\n\n",
		cfg.conns, cfg.serverCPU, cfg.loadCPU, plural(cfg.rounds, "round"))
	if err := writeTable(stdout, rows); err != nil {
		return err
	}
	if out := cfg.out; out != "" {
		if out == defaultOut {
			out = filepath.Join(mods.Main, "BENCHMARKS.md")
		}
		var md strings.Builder
		md.WriteString("# WebSocket broadcast benchmark\n\n<!-- Written by bench/cmd/wsbench; rerun it rather than editing. -->\n")
		writeReport(&md, ctx, cfg, mods, rows, notes)
		if err := report.WriteSection(out, "wsbench", []byte(md.String())); err != nil {
			return err
		}
		logf("wrote %s", out)
	}
	return nil
}

// measureRounds runs every server once a round, fresh each time, so slow
// drifts of the machine hit all servers alike. A failed run leaves its
// values missing and adds a note; only cancellation stops it.
func measureRounds(ctx context.Context, g *rig, cfg config, bins []built, logf func(string, ...any)) ([]sample, []string, error) {
	var samples []sample
	var notes []string
	for round := 1; round <= cfg.rounds; round++ {
		for _, b := range bins {
			s := newSample(b.name, round)
			start := time.Now()
			r, err := g.run(ctx, b, cfg)
			if ctx.Err() != nil {
				return nil, nil, context.Cause(ctx)
			}
			if err != nil {
				logf("round %d/%d %-13s failed: %v", round, cfg.rounds, b.name, err)
				notes = append(notes, fmt.Sprintf("round %d: %s failed: %v", round, b.name, err))
			} else {
				s.fromRun(r)
				sb, lb := r.busy()
				logf("round %d/%d %-13s CPU %5.0f ns/msg (user %5.0f)  p50 %8s p99 %8s max %8s  idle RSS %5.0f B/conn Go %5.0f B/conn  "+
					"RSS %5.1f MiB  busy server %3.0f%% load %3.0f%%  (%.0f s)",
					round, cfg.rounds, b.name, s.cpuNs, s.userNs, report.Latency(s.p50us), report.Latency(s.p99us), report.Latency(s.maxUs),
					s.rssB, s.goB, s.rssMiB, sb, lb, time.Since(start).Seconds())
			}
			samples = append(samples, s)
		}
	}
	return samples, notes, nil
}

// writeReport writes the markdown: the table, how it was measured, the
// notes, the command and the machine.
func writeReport(b *strings.Builder, ctx context.Context, cfg config, mods peers.Modules, rows []row, notes []string) {
	fmt.Fprintf(b, "\n## Broadcast to %d WebSocket connections (server on CPU %d, load on CPU %d)\n\n", cfg.conns, cfg.serverCPU, cfg.loadCPU)
	fmt.Fprintf(b, "Medians of %s, servers interleaved, each run on a fresh server. Lower is better in every column.\n\n", plural(cfg.rounds, "round"))
	writeMarkdownTable(b, rows)
	fmt.Fprintf(b, "\n- **The test.** The load generator, a process of its own pinned to CPU %d, opens %d WebSocket connections "+
		"(gorilla/websocket's client, a goroutine reading each) and sends %d-byte binary messages on one of them; the server "+
		"sends every message it receives to every connection, the sender included (a chat room). After %s that are not counted, "+
		"it sends %s, each once every connection has received the one before and %v has passed.\n",
		cfg.loadCPU, cfg.conns, cfg.size, plural(cfg.warmup, "broadcast"), plural(cfg.broadcasts, "counted broadcast"), cfg.pause)
	fmt.Fprintf(b, "- **CPU ns/msg**: the server's CPU time (user and system, summed over its threads from `/proc/<pid>/task/<tid>/schedstat`) "+
		"from just before the first counted broadcast to just after the last delivery, pauses included, divided by the "+
		"deliveries (%d × %d). **user ns/msg** is the user-mode part, from `utime` in `/proc/<pid>/stat` (10 ms ticks).\n",
		cfg.broadcasts, cfg.conns)
	b.WriteString("- **p50, p99, max**: delivery latency over all deliveries, from just before the sender's write to when a connection's " +
		"reader has the whole message, on the load's monotonic clock (one process sends and receives).\n")
	fmt.Fprintf(b, "- **RSS B/idle conn**: VmRSS once the fresh server listens, then again with all %d connections upgraded, "+
		"each having received the warmup broadcasts, and silent for %v; the growth divided by %d. **Go B/idle conn** is the same "+
		"growth of the Go heap and goroutine stacks in use (`runtime.MemStats` HeapInuse + StackInuse after a `runtime.GC()`, "+
		"which each server answers on GET /memstats).\n", cfg.conns, cfg.settle, cfg.conns)
	b.WriteString("- **RSS MiB**: VmRSS just after the last counted delivery.\n")
	b.WriteString("- The servers: `async` is bench/servers/wsasync on the runtime's `websocket` and `http1` packages, on a " +
		"current-thread executor, shaped as the runtime's chat example: a broadcast channel with a ring of 256 messages, and per " +
		"connection a handler that reads and a writer task that relays the channel, both coroutines (`async.Do`), as a user " +
		"writes them; `async-futures` is the same with the two tasks written as state machines (hand-written futures); " +
		"`gorilla` is gorilla/websocket v1.5.3 on net/http with its chat example's hub (a reading and a writing goroutine per " +
		"connection, a queue of 256 messages each); `gorilla-mutex` the same library writing each broadcast from the sender's " +
		"goroutine under a mutex per connection; `nbio` is nbio v1.6.8's nbhttp (one poller) and websocket Upgrader, writing " +
		"each broadcast from OnMessage. No compression, no keep-alive pings, no read deadlines. The Go servers run with " +
		"GOMAXPROCS=1, taken from the one CPU they are pinned to.\n")
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n\n")
		for _, n := range notes {
			fmt.Fprintf(b, "- %s\n", n)
		}
	}
	mach := procfs.ReadMachine("/proc")
	fmt.Fprintf(b, "\nCommand: `%s`\n\n", cli.CommandLine("wsbench", cfg.args))
	fmt.Fprintf(b, "Machine: %s, %d cores; Linux %s; %s; %s.\n", orUnknown(mach.CPUModel), mach.Cores, orUnknown(mach.Kernel),
		orUnknown(firstLine(ctx, mods.Main, "go", "env", "GOVERSION")), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
}

// plural renders n things, "1 round" or "3 rounds".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// firstLine runs a command and returns the first line it prints, or "".
func firstLine(ctx context.Context, dir, name string, args ...string) string {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, _ := cmd.Output()
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

// orUnknown stands in for facts the machine would not tell.
func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
