package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/asyncgo/async/executor"
)

// The implementations every shape runs as: the async runtime on each of
// its executors, and plain goroutines.
const (
	implAsync      = "async"      // the runtime's current-thread executor
	implAsyncMT    = "async-mt"   // the runtime's multi-thread executor, -workers workers
	implGoroutines = "goroutines" // plain goroutines and channels
)

var implNames = []string{implAsync, implAsyncMT, implGoroutines}

// schedShape is one scheduler benchmark, written twice: once as futures on
// the async runtime (sched_async.go), once with goroutines
// (sched_goroutines.go). Each implementation runs the shape at size n and
// returns when all its work is done.
type schedShape struct {
	name       string
	size       int             // n at full size
	ops        func(n int) int // operations a run of size n performs; nil means n
	async      func(n int, opts []executor.Option) error
	goroutines func(n int) error
	target     target // of the current-thread executor, against tokio current_thread and GOMAXPROCS=1
	targetMT   target // of the multi-thread executor, against tokio multi_thread and GOMAXPROCS=workers
}

// target is what the issue asks of the async side of a shape, and what
// tokio and goroutines measured on the same shape.
type target struct {
	nsPerOp   int64   // ns/op the async side must not exceed; 0 if none
	rssMB     float64 // peak RSS in MB the async side must not exceed; 0 if none
	reference string  // the numbers for tokio and goroutines
}

// schedShapes returns the shapes in the order they run. The targets are
// the issue's; doc.go repeats them.
func schedShapes() []schedShape {
	return []schedShape{
		{
			name: "spawn_many", size: 1_000_000,
			async: spawnManyAsync, goroutines: spawnManyGoroutines,
			target:   target{nsPerOp: 150, reference: "tokio 371, goroutines 1262 ns/op"},
			targetMT: target{nsPerOp: 160, reference: "tokio multi_thread 349, goroutines GOMAXPROCS=2 320 ns/op"},
		},
		{
			name: "yield_many", size: 1_000_000,
			ops:   func(n int) int { tasks, yields := yieldSplit(n); return tasks * yields },
			async: yieldManyAsync, goroutines: yieldManyGoroutines,
			target:   target{nsPerOp: 40, reference: "tokio 85, goroutines 111 ns/op"},
			targetMT: target{nsPerOp: 38, reference: "tokio multi_thread 38, goroutines GOMAXPROCS=2 161 ns/op"},
		},
		{
			name: "ping_pong", size: 1_000_000,
			async: pingPongAsync, goroutines: pingPongGoroutines,
			target:   target{nsPerOp: 150, reference: "tokio 371, goroutines 369 ns/op"},
			targetMT: target{nsPerOp: 217, reference: "tokio multi_thread 433, goroutines GOMAXPROCS=2 434 ns/op"},
		},
		{
			name: "chained_spawn", size: 1_000_000,
			async: chainedSpawnAsync, goroutines: chainedSpawnGoroutines,
			target:   target{nsPerOp: 100, reference: "tokio 200, goroutines 204 ns/op"},
			targetMT: target{nsPerOp: 113, reference: "tokio multi_thread 113, goroutines GOMAXPROCS=2 265 ns/op"},
		},
		{
			name: "timers", size: 1_000_000,
			async: timersAsync, goroutines: timersGoroutines,
			target:   target{rssMB: 150, reference: "tokio 1.39 GB, goroutines 165 MB"},
			targetMT: target{rssMB: 150, reference: "the current-thread executor's target"},
		},
	}
}

// impl returns the shape's implementation called name, with workers
// workers for the multi-thread executor.
func (s schedShape) impl(name string, workers int) func(n int) error {
	switch name {
	case implAsync:
		return func(n int) error { return s.async(n, nil) }
	case implAsyncMT:
		opts := []executor.Option{executor.WithWorkers(workers)}
		return func(n int) error { return s.async(n, opts) }
	}
	return s.goroutines
}

// opsAt returns the number of operations a run of size n performs.
func (s schedShape) opsAt(n int) int {
	if s.ops == nil {
		return n
	}
	return s.ops(n)
}

// yieldSplit divides n yields among tasks as a square: 1,000 tasks of
// 1,000 yields each at full size.
func yieldSplit(n int) (tasks, yields int) {
	tasks = 1
	for (tasks+1)*(tasks+1) <= n {
		tasks++
	}
	return tasks, n / tasks
}

// schedFlags are the flags of `asyncbench sched`.
type schedFlags struct {
	only       string // one shape, or all
	impl       string // one implementation, or both
	procs      int    // GOMAXPROCS
	workers    int    // the multi-thread executor's workers; also GOMAXPROCS if larger than procs
	runs       int    // runs per shape; the median is printed
	n          int    // size of every shape; 0 means each shape's full size
	cpuprofile string
	memprofile string
}

func parseSchedFlags(args []string, stderr io.Writer) (schedFlags, error) {
	var f schedFlags
	fs := flag.NewFlagSet("sched", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.only, "only", "", "run only `shape` (default: all of them)")
	fs.StringVar(&f.impl, "impl", "", "run only implementation `impl`: async, async-mt or goroutines (default: all)")
	fs.IntVar(&f.procs, "procs", 1, "GOMAXPROCS `N` for the run; 1 matches the reference numbers (tokio current_thread, goroutines at GOMAXPROCS=1)")
	fs.IntVar(&f.workers, "workers", 0, "`N` workers for async-mt (default: -procs), and GOMAXPROCS at least N for every implementation: -impl goroutines -workers 2 runs the goroutines at GOMAXPROCS=2")
	fs.IntVar(&f.runs, "runs", 1, "run each shape `N` times and print the median")
	fs.IntVar(&f.n, "n", 0, "run every shape at size `N` instead of its full size (for quick checks)")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile to `file` (with several shapes, one file each: cpu.pprof becomes cpu.SHAPE.IMPL.pprof)")
	fs.StringVar(&f.memprofile, "memprofile", "", "write an allocation profile to `file`, named like -cpuprofile's")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: asyncbench sched [flags]")
		fmt.Fprintln(stderr, "\nRuns the scheduler shapes in the async runtime and with goroutines and prints")
		fmt.Fprintln(stderr, "one line per shape and implementation: SHAPE IMPL NS ns/op.")
		fmt.Fprintf(stderr, "Shapes: %s.\n\nflags:\n", strings.Join(shapeNames(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	switch {
	case fs.NArg() > 0:
		return f, usageErrorf("unexpected arguments %q", fs.Args())
	case f.only != "" && findShape(f.only) == nil:
		return f, usageErrorf("unknown shape %q (shapes: %s)", f.only, strings.Join(shapeNames(), ", "))
	case f.impl != "" && f.impl != implAsync && f.impl != implAsyncMT && f.impl != implGoroutines:
		return f, usageErrorf("unknown implementation %q (async, async-mt or goroutines)", f.impl)
	case f.workers < 0:
		return f, usageErrorf("-workers %d: must not be negative", f.workers)
	case f.procs < 1:
		return f, usageErrorf("-procs %d: must be at least 1", f.procs)
	case f.runs < 1:
		return f, usageErrorf("-runs %d: must be at least 1", f.runs)
	case f.n < 0:
		return f, usageErrorf("-n %d: must not be negative", f.n)
	}
	if f.workers == 0 {
		f.workers = f.procs
	}
	f.procs = max(f.procs, f.workers)
	return f, nil
}

func shapeNames() []string {
	var names []string
	for _, s := range schedShapes() {
		names = append(names, s.name)
	}
	return names
}

func findShape(name string) *schedShape {
	for _, s := range schedShapes() {
		if s.name == name {
			return &s
		}
	}
	return nil
}

// runSched is `asyncbench sched`. Given one shape and one implementation it
// runs them in this process; otherwise it runs each pair it selects in a
// process of its own, so that each peak RSS is that pair's alone.
func runSched(args []string, stdout, stderr io.Writer) error {
	f, err := parseSchedFlags(args, stderr)
	if err != nil {
		return err
	}
	if f.only != "" && f.impl != "" {
		return runSchedHere(f, *findShape(f.only), f.impl, stdout, stderr)
	}
	var errs []error
	for _, s := range schedShapes() {
		for _, impl := range implNames {
			if (f.only == "" || f.only == s.name) && (f.impl == "" || f.impl == impl) {
				errs = append(errs, runSchedChild(f, s.name, impl, stdout, stderr))
			}
		}
	}
	return errors.Join(errs...)
}

// runSchedChild runs one shape and implementation in a new process of this
// program, passing on the flags, with its output going to ours.
func runSchedChild(f schedFlags, shape, impl string, stdout, stderr io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this program to run %s %s: %w", shape, impl, err)
	}
	args := []string{"sched", "-only", shape, "-impl", impl,
		"-procs", strconv.Itoa(f.procs), "-workers", strconv.Itoa(f.workers),
		"-runs", strconv.Itoa(f.runs), "-n", strconv.Itoa(f.n)}
	if f.cpuprofile != "" {
		args = append(args, "-cpuprofile", profilePath(f.cpuprofile, shape, impl))
	}
	if f.memprofile != "" {
		args = append(args, "-memprofile", profilePath(f.memprofile, shape, impl))
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", shape, impl, err)
	}
	return nil
}

// profilePath names the profile of one shape and implementation after the
// path given for all: cpu.pprof becomes cpu.spawn_many.async.pprof.
func profilePath(path, shape, impl string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + shape + "." + impl + ext
}

// runSchedHere runs one shape and implementation f.runs times in this
// process, prints the median ns/op to stdout and the details of each run
// (and the target, for async) to stderr.
func runSchedHere(f schedFlags, s schedShape, impl string, stdout, stderr io.Writer) error {
	label := s.name + " " + impl
	n := s.size
	if f.n > 0 {
		n = f.n
	}
	// Set GOMAXPROCS for the runs and restore it after (the argument of a
	// deferred call is evaluated now).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(f.procs))
	ms, err := measureRuns(f, s.impl(impl, f.workers), n, s.opsAt(n), label, stderr)
	if err != nil {
		return err
	}
	ns := medianNsPerOp(ms)
	fmt.Fprintf(stdout, "%s %d ns/op\n", label, ns)
	switch impl {
	case implAsync:
		fmt.Fprintf(stderr, "%s: %s\n", label, s.target.verdict(ns, ms[len(ms)-1].peakRSS))
	case implAsyncMT:
		fmt.Fprintf(stderr, "%s: %s\n", label, s.targetMT.verdict(ns, ms[len(ms)-1].peakRSS))
	}
	return nil
}

// measureRuns runs run at size n f.runs times, under the profiles f asks
// for, and describes each run on stderr.
func measureRuns(f schedFlags, run func(n int) error, n, ops int, label string, stderr io.Writer) ([]measurement, error) {
	stopCPU, err := startCPUProfile(f.cpuprofile)
	if err != nil {
		return nil, err
	}
	var ms []measurement
	for i := range f.runs {
		m, err := measure(func() error { return run(n) }, ops)
		if err != nil {
			stopCPU()
			return nil, fmt.Errorf("%s, run %d of %d: %w", label, i+1, f.runs, err)
		}
		ms = append(ms, m)
		if f.runs == 1 {
			fmt.Fprintf(stderr, "%s: %v\n", label, m)
		} else {
			fmt.Fprintf(stderr, "%s: run %d/%d: %v\n", label, i+1, f.runs, m)
		}
	}
	if err := stopCPU(); err != nil {
		return nil, err
	}
	return ms, writeAllocProfile(f.memprofile)
}

// verdict compares the async side's median ns/op and peak RSS (bytes; -1 if
// unknown) with the target: "123 ns/op (target ≤ 150 ns/op) met; reference:
// tokio 371, goroutines 1262 ns/op".
func (t target) verdict(nsPerOp, peakRSS int64) string {
	var got, want string
	var met bool
	if t.rssMB > 0 {
		got, want = "peak RSS "+formatMB(peakRSS), fmt.Sprintf("%g MB", t.rssMB)
		met = peakRSS >= 0 && float64(peakRSS) <= t.rssMB*1e6
	} else {
		got, want = fmt.Sprintf("%d ns/op", nsPerOp), fmt.Sprintf("%d ns/op", t.nsPerOp)
		met = nsPerOp <= t.nsPerOp
	}
	result := "missed"
	if met {
		result = "met"
	}
	return fmt.Sprintf("%s (target ≤ %s) %s; reference: %s", got, want, result, t.reference)
}
