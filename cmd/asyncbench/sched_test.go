package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// asCommandEnv makes the test binary act as asyncbench, so that sched's
// re-execution of itself (os.Executable) can be tested.
const asCommandEnv = "ASYNCBENCH_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(asCommandEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m)
}

// resultLine is the format of every line sched prints on stdout.
var resultLine = regexp.MustCompile(`^[a-z_]+ (async|async-mt|goroutines) [0-9]+ ns/op$`)

// tinySize keeps every shape quick; timers still sleeps up to 100 ms.
const tinySize = 1000

// TestSchedShapes runs every shape in both implementations in-process, at
// a tiny size, and checks that each completes and prints one result line.
func TestSchedShapes(t *testing.T) {
	for _, s := range schedShapes() {
		for _, impl := range implNames {
			t.Run(s.name+"/"+impl, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				args := []string{"-only", s.name, "-impl", impl, "-n", fmt.Sprint(tinySize)}
				if err := runSched(args, &stdout, &stderr); err != nil {
					t.Fatalf("sched %q: %v\nstderr:\n%s", args, err, &stderr)
				}
				want := s.name + " " + impl + " "
				lines := checkResultLines(t, stdout.String())
				if len(lines) != 1 || !strings.HasPrefix(lines[0], want) {
					t.Fatalf("sched %q printed %q, want one line starting %q", args, lines, want)
				}
				if !strings.Contains(stderr.String(), "allocs/op") {
					t.Errorf("sched %q: stderr lacks the run's details:\n%s", args, &stderr)
				}
				if impl == implAsync && !strings.Contains(stderr.String(), "(target ≤ ") {
					t.Errorf("sched %q: stderr lacks the target:\n%s", args, &stderr)
				}
			})
		}
	}
}

// TestSchedChildren runs the whole of sched, each shape and implementation
// in a child process, and checks that stdout has one line for each, in
// order.
func TestSchedChildren(t *testing.T) {
	t.Setenv(asCommandEnv, "1")
	// A child built with -race would otherwise sleep a second at exit.
	t.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	var stdout, stderr bytes.Buffer
	args := []string{"-n", fmt.Sprint(tinySize), "-runs", "2"}
	if err := runSched(args, &stdout, &stderr); err != nil {
		t.Fatalf("sched %q: %v\nstderr:\n%s", args, err, &stderr)
	}
	var want []string
	for _, s := range schedShapes() {
		for _, impl := range implNames {
			want = append(want, s.name+" "+impl)
		}
	}
	lines := checkResultLines(t, stdout.String())
	if len(lines) != len(want) {
		t.Fatalf("sched %q printed %d lines, want %d:\n%s", args, len(lines), len(want), &stdout)
	}
	for i, line := range lines {
		if !strings.HasPrefix(line, want[i]+" ") {
			t.Errorf("line %d is %q, want it to start %q", i+1, line, want[i])
		}
	}
	if got := strings.Count(stderr.String(), "run 2/2: "); got != len(want) {
		t.Errorf("stderr describes %d second runs, want %d:\n%s", got, len(want), &stderr)
	}
}

// checkResultLines splits stdout into lines and fails the test for any that
// does not have the result format.
func checkResultLines(t *testing.T, stdout string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	for _, line := range lines {
		if !resultLine.MatchString(line) {
			t.Errorf("stdout line %q does not match %v", line, resultLine)
		}
	}
	return lines
}

func TestSchedBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-only", "nope"},
		{"-impl", "threads"},
		{"-procs", "0"},
		{"-runs", "0"},
		{"-n", "-1"},
		{"extra"},
	} {
		var stdout, stderr bytes.Buffer
		err := runSched(args, &stdout, &stderr)
		if ue := (*usageError)(nil); !errors.As(err, &ue) {
			t.Errorf("sched %q: error %v, want a usage error", args, err)
		}
		if stdout.Len() != 0 {
			t.Errorf("sched %q printed %q on stdout", args, &stdout)
		}
		if code := run(append([]string{"sched"}, args...), &stdout, &stderr); code != 2 {
			t.Errorf("asyncbench sched %q exited %d, want 2", args, code)
		}
	}
	var out bytes.Buffer
	if code := run([]string{"nope"}, &out, &out); code != 2 {
		t.Errorf("asyncbench nope exited %d, want 2", code)
	}
}

func TestYieldSplit(t *testing.T) {
	for _, tc := range []struct{ n, tasks, yields int }{
		{1_000_000, 1000, 1000},
		{1000, 31, 32},
		{1, 1, 1},
		{0, 1, 0},
	} {
		if tasks, yields := yieldSplit(tc.n); tasks != tc.tasks || yields != tc.yields {
			t.Errorf("yieldSplit(%d) = %d, %d; want %d, %d", tc.n, tasks, yields, tc.tasks, tc.yields)
		}
	}
}

func TestMedianNsPerOp(t *testing.T) {
	runs := func(ns ...int64) []measurement {
		var ms []measurement
		for _, v := range ns {
			ms = append(ms, measurement{elapsed: time.Duration(v), ops: 1})
		}
		return ms
	}
	for _, tc := range []struct {
		ms   []measurement
		want int64
	}{
		{runs(5), 5},
		{runs(9, 1, 5), 5},
		{runs(4, 1, 2, 9), 3},
	} {
		if got := medianNsPerOp(tc.ms); got != tc.want {
			t.Errorf("medianNsPerOp(%v) = %d, want %d", tc.ms, got, tc.want)
		}
	}
}

func TestPeakRSS(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc/self/status")
	}
	if rss := peakRSS(); rss <= 0 {
		t.Errorf("peakRSS() = %d, want a positive size", rss)
	}
}
