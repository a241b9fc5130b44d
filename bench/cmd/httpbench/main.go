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
	"github.com/asyncgo/async/bench/internal/httpreport"
	"github.com/asyncgo/async/bench/internal/peers"
	"github.com/asyncgo/async/bench/internal/pin"
	"github.com/asyncgo/async/bench/internal/procfs"
	"github.com/asyncgo/async/bench/internal/report"
)

func main() { cli.Main("httpbench", parseFlags, run) }

// run builds, measures, and reports; every child is dead when it returns.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	if _, err := exec.LookPath("taskset"); err != nil {
		return fmt.Errorf("taskset (util-linux) is needed to pin the server and wrk: %w", err)
	}
	wrkBin, err := ensureWrk(ctx, cfg.wrk, logf)
	if err != nil {
		return err
	}
	mods, err := peers.FindModules(ctx, "httpbench", cfg.mainDir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "httpbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bins, notes, err := buildAll(ctx, cfg, mods, tmp, logf)
	if err != nil {
		return err
	}
	if len(bins) == 0 {
		return errors.New("no server built; nothing to measure")
	}

	g := &rig{procs: pin.NewGroup(), wrk: wrkBin, serverCPU: strconv.Itoa(cfg.serverCPU),
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
	rows := httpreport.Summarize(samples, order, refServer)
	var md strings.Builder
	writeReport(&md, ctx, cfg, mods, wrkBin, rows, notes)
	if _, err := io.WriteString(stdout, md.String()); err != nil {
		return err
	}
	if out := cfg.out; out != "" {
		if out == defaultOut {
			out = filepath.Join(mods.Main, "BENCHMARKS.md")
		}
		section := "# HTTP/1.1 server benchmark\n\n<!-- Written by bench/cmd/httpbench; rerun it rather than editing. -->\n" + md.String()
		if err := report.WriteSection(out, "httpbench", []byte(section)); err != nil {
			return err
		}
		logf("wrote %s", out)
	}
	return nil
}

// defaultOut is the -out that names the main module's BENCHMARKS.md.
const defaultOut = "<main module>/BENCHMARKS.md"

// measureRounds runs every server once a round, CPU test then memory
// test, so slow drifts of the machine hit all servers alike. A failed test
// leaves its value missing and adds a note; only cancellation stops it.
func measureRounds(ctx context.Context, g *rig, cfg config, bins []built, logf func(string, ...any)) ([]httpreport.Sample, []string, error) {
	var samples []httpreport.Sample
	var notes []string
	fail := func(round int, name, test string, err error) {
		logf("round %d/%d %-14s %s test failed: %v", round, cfg.rounds, name, test, err)
		notes = append(notes, fmt.Sprintf("round %d: %s %s test failed: %v", round, name, test, err))
	}
	for round := 1; round <= cfg.rounds; round++ {
		for _, b := range bins {
			s := httpreport.NewSample(b.name, round)
			r, err := g.cpuTest(ctx, b, cfg.conns, cfg.warmup, cfg.duration)
			if ctx.Err() != nil {
				return nil, nil, context.Cause(ctx)
			}
			if err != nil {
				fail(round, b.name, "CPU", err)
			} else {
				s.ReqPerSec, s.CPUusReq = r.wrk.RequestsPerSec, r.usPerReq()
				if p99, ok := r.wrk.Percentile(99); ok {
					s.P99us = float64(p99) / float64(time.Microsecond)
				}
				logf("round %d/%d %-14s %8.0f req/s  p99 %8v  CPU %6.2f µs/req  server busy %3.0f%%",
					round, cfg.rounds, b.name, s.ReqPerSec, time.Duration(s.P99us*1e3), s.CPUusReq, r.busy())
			}
			if cfg.idle > 0 {
				rss, err := g.memTest(ctx, b, cfg.idle)
				if ctx.Err() != nil {
					return nil, nil, context.Cause(ctx)
				}
				if err != nil {
					fail(round, b.name, "memory", err)
				} else {
					s.RSSPerIdle = rss
					logf("round %d/%d %-14s RSS %.0f B per idle connection at %d", round, cfg.rounds, b.name, rss, cfg.idle)
				}
			}
			samples = append(samples, s)
		}
	}
	return samples, notes, nil
}

// writeReport writes the markdown: the table, how it was measured, the
// notes, the command and the machine.
func writeReport(b *strings.Builder, ctx context.Context, cfg config, mods peers.Modules, wrkBin string, rows []httpreport.Row, notes []string) {
	rounds := "1 round"
	if cfg.rounds > 1 {
		rounds = fmt.Sprintf("%d rounds", cfg.rounds)
	}
	fmt.Fprintf(b, "\n## HTTP/1.1 \"Hello, World!\" (server on CPU %d, wrk on CPU %d)\n\n", cfg.serverCPU, cfg.loadCPU)
	fmt.Fprintf(b, "Medians of %s, servers interleaved. Lower is better for every column but req/s.\n\n", rounds)
	httpreport.WriteMarkdownTable(b, rows, refServer)
	b.WriteString("\n- **req/s, p99**: `wrk -c" + strconv.Itoa(cfg.conns) + " -t1 -d" + wrkSeconds(cfg.duration) +
		" --latency` against `/` on keep-alive connections, as wrk reported them")
	if cfg.warmup > 0 {
		fmt.Fprintf(b, ", after an uncounted %s wrk run on the same fresh server", wrkSeconds(cfg.warmup))
	}
	b.WriteString(".\n")
	b.WriteString("- **CPU µs/req**: the server's CPU time (user and system, summed over its threads from `/proc/<pid>/task/<tid>/schedstat`, " +
		"or `utime+stime` of `/proc/<pid>/stat` if a thread exited) from just before wrk started to just after it exited, divided by wrk's request count.\n")
	fmt.Fprintf(b, "- **× %s**: CPU µs/req divided by %s's in the same round, then the median over rounds.\n", refServer, refServer)
	if cfg.idle > 0 {
		fmt.Fprintf(b, "- **RSS B/idle conn**: another fresh server; VmRSS once it listens, then again after %d keep-alive connections "+
			"have each had one `GET /` answered and stay open and silent; the growth divided by %d.\n", cfg.idle, cfg.idle)
	}
	fmt.Fprintf(b, "- Go peers run with GOMAXPROCS=%d; hyper on tokio's current-thread runtime.\n", cfg.procs)
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n\n")
		for _, n := range notes {
			fmt.Fprintf(b, "- %s\n", n)
		}
	}
	mach := procfs.ReadMachine("/proc")
	fmt.Fprintf(b, "\nCommand: `%s`\n\n", cli.CommandLine("httpbench", cfg.args))
	fmt.Fprintf(b, "Machine: %s, %d cores; Linux %s; %s; %s; %s.\n", orUnknown(mach.CPUModel), mach.Cores, orUnknown(mach.Kernel),
		orUnknown(firstLine(ctx, mods.Main, "go", "env", "GOVERSION")),
		orUnknown(strings.TrimSpace(strings.Split(firstLine(ctx, mods.Bench, wrkBin, "-v"), "Copyright")[0])), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
}

// firstLine runs a command and returns the first line it prints (on
// stdout or stderr), or "".
func firstLine(ctx context.Context, dir, name string, args ...string) string {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, _ := cmd.CombinedOutput()
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
