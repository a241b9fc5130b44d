package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"time"
)

// This file measures a run of a benchmark; the subcommands share it.

// measurement is what one run of a benchmark cost.
type measurement struct {
	elapsed time.Duration
	ops     int    // operations the run performed: what ns/op divides by
	allocs  uint64 // heap allocations during the run
	gcs     uint32 // garbage collections that ended during the run
	peakRSS int64  // the process's peak resident set after the run, in bytes; -1 if unknown
}

// measure runs run once and returns what it cost.
func measure(run func() error, ops int) (measurement, error) {
	// Collect first, so a run does not pay for its predecessor's garbage
	// and repeated runs start alike.
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := run()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil {
		return measurement{}, err
	}
	return measurement{
		elapsed: elapsed,
		ops:     ops,
		allocs:  after.Mallocs - before.Mallocs,
		gcs:     after.NumGC - before.NumGC,
		peakRSS: peakRSS(),
	}, nil
}

// nsPerOp returns the run's nanoseconds per operation, rounded.
func (m measurement) nsPerOp() int64 {
	return int64(math.Round(float64(m.elapsed.Nanoseconds()) / float64(max(m.ops, 1))))
}

// String describes the run for stderr, e.g.
// "123 ns/op, peak RSS 45.1 MB, 1.02 allocs/op, 3 GCs".
func (m measurement) String() string {
	return fmt.Sprintf("%d ns/op, peak RSS %s, %.2f allocs/op, %d GCs",
		m.nsPerOp(), formatMB(m.peakRSS), float64(m.allocs)/float64(max(m.ops, 1)), m.gcs)
}

// formatMB writes a size in bytes as decimal megabytes ("45.1 MB").
func formatMB(bytes int64) string {
	if bytes < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MB", float64(bytes)/1e6)
}

// medianNsPerOp returns the median of the runs' ns/op: the middle one, or
// the mean of the two middle ones for an even count.
func medianNsPerOp(ms []measurement) int64 {
	ns := make([]int64, len(ms))
	for i, m := range ms {
		ns[i] = m.nsPerOp()
	}
	slices.Sort(ns)
	mid := len(ns) / 2
	if len(ns)%2 == 1 {
		return ns[mid]
	}
	return (ns[mid-1] + ns[mid] + 1) / 2
}

// peakRSS returns the process's peak resident set size in bytes, VmHWM in
// /proc/self/status (see proc(5)), or -1 where there is no such file.
func peakRSS() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		// The line reads "VmHWM:    12345 kB".
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:"))
		if !ok {
			continue
		}
		kb, ok := bytes.CutSuffix(bytes.TrimSpace(rest), []byte(" kB"))
		if !ok {
			return -1
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(kb)), 10, 64)
		if err != nil {
			return -1
		}
		return n * 1024
	}
	return -1
}

// startCPUProfile starts writing a CPU profile to path, if path is not
// empty, and returns the function that stops it.
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile %s: %w", path, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("cpu profile %s: %w", path, err)
		}
		return nil
	}, nil
}

// writeAllocProfile writes the allocations sampled so far to path, if path
// is not empty (read it with go tool pprof -sample_index=alloc_space).
func writeAllocProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("memory profile: %w", err)
	}
	err = pprof.Lookup("allocs").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("memory profile %s: %w", path, err)
	}
	return nil
}
