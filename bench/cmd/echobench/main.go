package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
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

// config is the comparison the flags ask for.
type config struct {
	rounds           int
	duration, warmup time.Duration
	conns, size      int
	memConns         int
	only             map[string]bool
	out, chart       string // "" writes nothing
	mainDir          string // "" derives it from the bench module
	serverCPU        int
	loadCPU          int
	threads          int      // the multi-thread servers' workers; 0 leaves them out
	sharedCPUs       string   // the CPUs a multi-thread server shares with its load
	args             []string // as given, for the report
}

// memSize is what each connection of the memory test echoes once; the
// load generator's -hold-size default.
const memSize = 64

// defaultPath marks -out and -chart left at their defaults, which are
// resolved against the main module once it is found.
const defaultPath = "<main module>/"

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("echobench", flag.ContinueOnError)
	fs.IntVar(&c.rounds, "rounds", 3, "interleaved rounds; the table shows medians over them")
	cli.SecondsVar(fs, &c.duration, "duration", 5*time.Second, "CPU test: measured window per run (2, 2s, 500ms)")
	cli.SecondsVar(fs, &c.warmup, "warmup", time.Second, "CPU test: load before the window, not counted")
	fs.IntVar(&c.conns, "conns", 100, "CPU test: connections")
	fs.IntVar(&c.size, "size", 64, "CPU test: message size in bytes")
	fs.IntVar(&c.memConns, "memconns", 15000, "memory test: connections to hold (0 skips the test)")
	only := fs.String("only", "", "comma-separated servers to run (default all: "+strings.Join(serverNames(), ",")+")")
	fs.StringVar(&c.out, "out", defaultPath+"BENCHMARKS.md", "write the report here (\"\" for none)")
	fs.StringVar(&c.chart, "chart", defaultPath+"docs/bench.svg", "write the SVG chart here (\"\" for none)")
	fs.StringVar(&c.mainDir, "main", "", "the async module's directory (default: the parent of the bench module)")
	fs.IntVar(&c.serverCPU, "server-cpu", 0, "CPU the server is pinned to")
	fs.IntVar(&c.loadCPU, "load-cpu", 1, "CPU the load generator is pinned to")
	fs.IntVar(&c.threads, "threads", 2, "workers (threads, event loops) of the multi-thread servers; 0 leaves them out")
	fs.StringVar(&c.sharedCPUs, "shared-cpus", "0,1", "CPUs a multi-thread server and its load generator share (taskset's list)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.rounds < 1 || c.duration <= 0 || c.conns < 1 || c.size < 1 || c.memConns < 0 || c.threads < 0 || c.threads == 1 {
		return config{}, fmt.Errorf("need -rounds >= 1, -duration > 0, -conns >= 1, -size >= 1, -memconns >= 0, -threads 0 or >= 2")
	}
	if strings.TrimSpace(c.sharedCPUs) == "" {
		return config{}, fmt.Errorf("-shared-cpus: empty")
	}
	var err error
	if c.only, err = cli.ParseOnly(*only, serverNames()); err != nil {
		return config{}, err
	}
	c.args = args
	return c, nil
}

func main() { cli.Main("echobench", parseFlags, run) }

// run builds, measures, and reports; every child is dead when it returns.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	if _, err := exec.LookPath("taskset"); err != nil {
		return fmt.Errorf("taskset (util-linux) is needed to pin the server and the load: %w", err)
	}
	mods, err := peers.FindModules(ctx, "echobench", cfg.mainDir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "echobench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	load, bins, notes, err := buildAll(ctx, mods, tmp, cfg.only, cfg.threads, logf)
	if err != nil {
		return err
	}
	if len(bins) == 0 {
		return errors.New("no server built; nothing to measure")
	}

	g := &rig{procs: pin.NewGroup(), load: load, serverCPU: strconv.Itoa(cfg.serverCPU), loadCPU: strconv.Itoa(cfg.loadCPU),
		sharedCPUs: cfg.sharedCPUs, proc: "/proc"}
	defer g.procs.KillAll()
	samples, runNotes, err := measureRounds(ctx, g, cfg, bins, logf)
	if err != nil {
		return err
	}
	notes = append(notes, runNotes...)

	tables := summarize(cfg, bins, samples)
	for _, t := range tables {
		fmt.Fprintf(stdout, "\n%s\n", t.Title)
		if err := report.WriteTable(stdout, t.Rows); err != nil {
			return err
		}
	}
	return writeOutputs(ctx, cfg, mods, tables, notes, logf)
}

// summarize makes the two tables, single-thread servers and multi-thread
// ones, each with the servers that ran in its arrangement; a table none
// ran in is left out.
func summarize(cfg config, bins []built, samples []report.Sample) []report.Table {
	single := report.Table{Floor: floorServer,
		Title: fmt.Sprintf("Single-thread servers (server on CPU %d, load on CPU %d)", cfg.serverCPU, cfg.loadCPU)}
	multi := report.Table{Floor: sharedFloorServer, Shared: true,
		Title: fmt.Sprintf("Multi-thread servers (%d workers; server and load share CPUs %s)", cfg.threads, cfg.sharedCPUs)}
	var singleOrder, multiOrder []string
	for _, b := range bins {
		if b.multi {
			multiOrder = append(multiOrder, b.name)
		} else {
			singleOrder = append(singleOrder, b.name)
		}
	}
	var tables []report.Table
	if len(singleOrder) > 0 {
		single.Rows = report.Summarize(samples, singleOrder, single.Floor)
		tables = append(tables, single)
	}
	if len(multiOrder) > 0 {
		multi.Rows = report.Summarize(samples, multiOrder, multi.Floor)
		tables = append(tables, multi)
	}
	return tables
}

// measureRounds runs every server once a round, CPU test then memory
// test, so slow drifts of the machine hit all servers alike. A failed test
// leaves its value missing and adds a note; only cancellation stops it.
func measureRounds(ctx context.Context, g *rig, cfg config, bins []built, logf func(string, ...any)) ([]report.Sample, []string, error) {
	var samples []report.Sample
	var notes []string
	fail := func(round int, name, test string, err error) {
		logf("round %d/%d %-14s %s test failed: %v", round, cfg.rounds, name, test, err)
		notes = append(notes, fmt.Sprintf("round %d: %s %s test failed: %v", round, name, test, err))
	}
	for round := 1; round <= cfg.rounds; round++ {
		for _, b := range bins {
			s := report.NewSample(b.name, round)
			r, err := g.cpuTest(ctx, b, cfg.conns, cfg.size, cfg.warmup, cfg.duration)
			if ctx.Err() != nil {
				return nil, nil, context.Cause(ctx)
			}
			if err != nil {
				fail(round, b.name, "CPU", err)
			} else {
				s.MsgsPerSec, s.P50us, s.P99us, s.CPUusMsg = r.load.MsgsPerSec, r.load.P50us, r.load.P99us, r.usPerMsg()
				sb, lb := r.busy()
				logf("round %d/%d %-14s %8.0f msgs/s  p50 %6.0f µs  p99 %6.0f µs  CPU %6.2f µs/msg  busy: server %3.0f%% load %3.0f%%",
					round, cfg.rounds, b.name, s.MsgsPerSec, s.P50us, s.P99us, s.CPUusMsg, sb, lb)
			}
			if cfg.memConns > 0 && !b.noMem {
				rss, err := g.memTest(ctx, b, cfg.memConns)
				if ctx.Err() != nil {
					return nil, nil, context.Cause(ctx)
				}
				if err != nil {
					fail(round, b.name, "memory", err)
				} else {
					s.RSSPerConn = rss
					logf("round %d/%d %-14s RSS %.0f B/conn at %d connections", round, cfg.rounds, b.name, rss, cfg.memConns)
				}
			}
			samples = append(samples, s)
		}
	}
	return samples, notes, nil
}

// writeOutputs writes the markdown report and the chart, if asked.
func writeOutputs(ctx context.Context, cfg config, mods peers.Modules, tables []report.Table, notes []string, logf func(string, ...any)) error {
	out, chart := resolvePath(cfg.out, mods.Main), resolvePath(cfg.chart, mods.Main)
	m := describe(ctx, cfg, mods, tables, notes)
	if chart != "" {
		var svg bytes.Buffer
		if err := report.WriteChart(&svg, tables, m); err != nil {
			return err
		}
		if err := report.WriteFile(chart, svg.Bytes()); err != nil {
			return err
		}
		logf("wrote %s", chart)
	}
	if out != "" {
		if chart != "" {
			if rel, err := filepath.Rel(filepath.Dir(out), chart); err == nil {
				m.Chart = filepath.ToSlash(rel)
			}
		}
		var md bytes.Buffer
		if err := report.WriteMarkdown(&md, tables, m); err != nil {
			return err
		}
		if err := report.WriteSection(out, "echobench", md.Bytes()); err != nil {
			return err
		}
		logf("wrote %s", out)
	}
	return nil
}

// resolvePath turns a default "<main module>/x" into a path in mainDir.
func resolvePath(p, mainDir string) string {
	if rest, ok := strings.CutPrefix(p, defaultPath); ok {
		return filepath.Join(mainDir, filepath.FromSlash(rest))
	}
	return p
}

// describe gathers the report's facts about the run and the machine.
func describe(ctx context.Context, cfg config, mods peers.Modules, tables []report.Table, notes []string) report.Meta {
	mach := procfs.ReadMachine("/proc")
	shared := ""
	for _, t := range tables {
		if t.Shared {
			shared = cfg.sharedCPUs
		}
	}
	return report.Meta{
		Command: cli.CommandLine("echobench", cfg.args), Rounds: cfg.rounds, Conns: cfg.conns, Size: cfg.size,
		Duration: cfg.duration, Warmup: cfg.warmup, MemConns: cfg.memConns, MemSize: memSize,
		ServerCPU: cfg.serverCPU, LoadCPU: cfg.loadCPU, Shared: shared, Workers: cfg.threads,
		CPUModel: mach.CPUModel, Cores: mach.Cores, Kernel: mach.Kernel,
		GoVersion: firstLine(ctx, mods.Main, "go", "env", "GOVERSION"),
		CC:        strings.Join(strings.Fields("gcc "+firstLine(ctx, mods.Bench, "gcc", "-dumpfullversion")+" "+strings.Join(cFlags, " ")), " "),
		Date:      time.Now(), Notes: notes,
	}
}

// firstLine runs a command and returns the first line it prints, or "".
func firstLine(ctx context.Context, dir, name string, args ...string) string {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}
