package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"

	"github.com/asyncgo/async/executor"
)

// syncShape is one benchmark of the shared-state primitives (package lock
// and the broadcast and watch channels), written twice: as futures on the
// runtime (sync_async.go) and with goroutines and package sync
// (sync_goroutines.go). Each runs the shape at size n and returns when all
// its work is done; ops is what ns/op divides by.
type syncShape struct {
	name       string
	size       int // n at full size
	async      func(n int, opts []executor.Option) error
	goroutines func(n int) error
	// ratio is the target: the async side's ns/op at most ratio times the
	// goroutines' (2 for an uncontended lock, 1 for the contended shapes).
	ratio float64
}

// syncShapes returns the shapes in the order they run; doc.go describes
// them.
func syncShapes() []syncShape {
	return []syncShape{
		{name: "mutex_uncontended", size: 10_000_000, async: mutexUncontendedAsync, goroutines: mutexUncontendedGoroutines, ratio: 2},
		{name: "mutex_contended", size: 2_000_000, async: mutexContendedAsync, goroutines: mutexContendedGoroutines, ratio: 1},
		{name: "rwlock_read", size: 2_000_000, async: rwlockReadAsync, goroutines: rwlockReadGoroutines, ratio: 1},
		{name: "semaphore_2", size: 2_000_000, async: semaphoreAsync(2), goroutines: semaphoreGoroutines(2), ratio: 1},
		{name: "semaphore_100", size: 2_000_000, async: semaphoreAsync(100), goroutines: semaphoreGoroutines(100), ratio: 1},
		{name: "broadcast_100", size: 20_000, async: broadcastAsync, goroutines: broadcastGoroutines, ratio: 1},
		{name: "watch_100", size: 20_000, async: watchAsync, goroutines: watchGoroutines, ratio: 1},
	}
}

// fanOut is the number of receivers of broadcast_100 and watch_100.
const fanOut = 100

// syncFlags are the flags of `asyncbench sync`.
type syncFlags struct {
	only    string // one shape, or all
	impl    string // one implementation, or all
	workers int    // the multi-thread executor's workers, and GOMAXPROCS
	runs    int    // interleaved rounds; the median is reported
	n       int    // size of every shape; 0 means each shape's full size
}

func parseSyncFlags(args []string, stderr io.Writer) (syncFlags, error) {
	var f syncFlags
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.only, "only", "", "run only `shape` (default: all of them)")
	fs.StringVar(&f.impl, "impl", "", "run only implementation `impl`: async, async-mt or goroutines (default: all)")
	fs.IntVar(&f.workers, "workers", 2, "`N` workers for async-mt, and GOMAXPROCS for the whole run")
	fs.IntVar(&f.runs, "runs", 5, "run `N` interleaved rounds of every shape and implementation and report the medians")
	fs.IntVar(&f.n, "n", 0, "run every shape at size `N` instead of its full size (for quick checks)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: asyncbench sync [flags]")
		fmt.Fprintln(stderr, "\nRuns the shared-state shapes on the async runtime and with goroutines and")
		fmt.Fprintln(stderr, "prints one line per shape and implementation (SHAPE IMPL NS ns/op ALLOCS allocs/op),")
		fmt.Fprintln(stderr, "then a table of the medians against the targets.")
		fmt.Fprintf(stderr, "Shapes: %s.\n\nflags:\n", strings.Join(syncShapeNames(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	switch {
	case fs.NArg() > 0:
		return f, usageErrorf("unexpected arguments %q", fs.Args())
	case f.only != "" && !slices.Contains(syncShapeNames(), f.only):
		return f, usageErrorf("unknown shape %q (shapes: %s)", f.only, strings.Join(syncShapeNames(), ", "))
	case f.impl != "" && !slices.Contains(implNames, f.impl):
		return f, usageErrorf("unknown implementation %q (async, async-mt or goroutines)", f.impl)
	case f.workers < 1:
		return f, usageErrorf("-workers %d: must be at least 1", f.workers)
	case f.runs < 1:
		return f, usageErrorf("-runs %d: must be at least 1", f.runs)
	case f.n < 0:
		return f, usageErrorf("-n %d: must not be negative", f.n)
	}
	return f, nil
}

func syncShapeNames() []string {
	var names []string
	for _, s := range syncShapes() {
		names = append(names, s.name)
	}
	return names
}

// syncRun is one shape run by one implementation: its function and the
// measurements of its rounds.
type syncRun struct {
	shape syncShape
	impl  string
	run   func(n int) error
	ops   int
	ms    []measurement
	// setup is the allocations of a run that do not grow with its size
	// (the executor, the tasks, the channels), found by a run a tenth
	// the size; the allocations per operation leave it out.
	setup uint64
}

// runSync is `asyncbench sync`. It runs every selected shape and
// implementation once per round, rounds interleaved so that a slow spell
// of the machine spreads over all of them, and prints the medians.
func runSync(args []string, stdout, stderr io.Writer) error {
	f, err := parseSyncFlags(args, stderr)
	if err != nil {
		return err
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(f.workers))
	runs := selectSyncRuns(f)
	for _, r := range runs {
		if err := r.measureSetup(); err != nil {
			return err
		}
	}
	for round := range f.runs {
		for _, r := range runs {
			m, err := measure(func() error { return r.run(r.ops) }, r.ops)
			if err != nil {
				return fmt.Errorf("%s %s, round %d: %w", r.shape.name, r.impl, round+1, err)
			}
			r.ms = append(r.ms, m)
			fmt.Fprintf(stderr, "%s %s: round %d/%d: %v\n", r.shape.name, r.impl, round+1, f.runs, m)
		}
	}
	for _, r := range runs {
		fmt.Fprintf(stdout, "%s %s %d ns/op %.2f allocs/op\n", r.shape.name, r.impl, medianNsPerOp(r.ms), r.allocsPerOp())
	}
	printSyncTable(stdout, runs)
	return nil
}

// selectSyncRuns returns the shape and implementation pairs f selects.
func selectSyncRuns(f syncFlags) []*syncRun {
	var runs []*syncRun
	for _, s := range syncShapes() {
		if f.only != "" && f.only != s.name {
			continue
		}
		n := s.size
		if f.n > 0 {
			n = f.n
		}
		for _, impl := range implNames {
			if f.impl != "" && f.impl != impl {
				continue
			}
			r := &syncRun{shape: s, impl: impl, ops: n}
			switch impl {
			case implAsync:
				r.run = func(n int) error { return s.async(n, nil) }
			case implAsyncMT:
				opts := []executor.Option{executor.WithWorkers(f.workers)}
				r.run = func(n int) error { return s.async(n, opts) }
			default:
				r.run = s.goroutines
			}
			runs = append(runs, r)
		}
	}
	return runs
}

// measureSetup runs r at a tenth of its size and at its size, and keeps
// the allocations that do not grow with the size: a run's allocations
// are setup + perOp×n, so two sizes give both.
func (r *syncRun) measureSetup() error {
	small := max(r.ops/10, 1)
	a, err := measure(func() error { return r.run(small) }, small)
	if err != nil {
		return fmt.Errorf("%s %s at size %d: %w", r.shape.name, r.impl, small, err)
	}
	b, err := measure(func() error { return r.run(r.ops) }, r.ops)
	if err != nil {
		return fmt.Errorf("%s %s: %w", r.shape.name, r.impl, err)
	}
	perOp := float64(b.allocs-min(a.allocs, b.allocs)) / float64(max(r.ops-small, 1))
	r.setup = a.allocs - min(a.allocs, uint64(perOp*float64(small)))
	return nil
}

// allocsPerOp returns the median of the rounds' allocations per operation,
// setup left out.
func (r *syncRun) allocsPerOp() float64 {
	a := make([]float64, len(r.ms))
	for i, m := range r.ms {
		a[i] = float64(m.allocs-min(m.allocs, r.setup)) / float64(max(m.ops, 1))
	}
	slices.Sort(a)
	return a[len(a)/2]
}

// printSyncTable prints a Markdown table of the medians, a row per shape,
// with each async implementation's verdict against its target: at most
// ratio times the goroutines' ns/op, and no allocation per operation.
func printSyncTable(w io.Writer, runs []*syncRun) {
	fmt.Fprintln(w, "\n| shape | async ns/op | async-mt ns/op | goroutines ns/op | async allocs/op | async-mt allocs/op | target | met |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|---|")
	for _, s := range syncShapes() {
		byImpl := map[string]*syncRun{}
		for _, r := range runs {
			if r.shape.name == s.name {
				byImpl[r.impl] = r
			}
		}
		if len(byImpl) == 0 {
			continue
		}
		cell := func(impl string, allocs bool) string {
			r := byImpl[impl]
			switch {
			case r == nil:
				return "–"
			case allocs:
				return fmt.Sprintf("%.2f", r.allocsPerOp())
			}
			return fmt.Sprint(medianNsPerOp(r.ms))
		}
		target := fmt.Sprintf("≤ %g× goroutines, 0 allocs", s.ratio)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", s.name,
			cell(implAsync, false), cell(implAsyncMT, false), cell(implGoroutines, false),
			cell(implAsync, true), cell(implAsyncMT, true), target, syncVerdict(s, byImpl))
	}
}

// syncVerdict says which async implementations met the shape's target.
func syncVerdict(s syncShape, byImpl map[string]*syncRun) string {
	g := byImpl[implGoroutines]
	if g == nil {
		return "no goroutine run to compare"
	}
	limit := s.ratio * float64(medianNsPerOp(g.ms))
	var verdicts []string
	for _, impl := range []string{implAsync, implAsyncMT} {
		r := byImpl[impl]
		if r == nil {
			continue
		}
		met := float64(medianNsPerOp(r.ms)) <= limit && r.allocsPerOp() < 0.01
		v := "missed"
		if met {
			v = "met"
		}
		verdicts = append(verdicts, impl+" "+v)
	}
	return strings.Join(verdicts, ", ")
}
