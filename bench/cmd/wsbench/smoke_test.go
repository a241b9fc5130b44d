package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/asyncgo/async/bench/internal/peers"
	"github.com/asyncgo/async/bench/internal/pin"
)

// smokeConfig is a run of seconds: 50 connections, 3 counted broadcasts.
func smokeConfig(t *testing.T, extra ...string) config {
	t.Helper()
	cfg, err := parseFlags(append([]string{"-quick", "-conns", "50", "-broadcasts", "3", "-warmup", "1",
		"-pause", "10ms", "-settle", "100ms"}, extra...))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.NumCPU() < 2 {
		cfg.loadCPU = 0
	}
	return cfg
}

// TestSmokeServers builds the load generator and every server, and runs
// each once with 50 connections: all must build and deliver every
// broadcast.
func TestSmokeServers(t *testing.T) {
	needTaskset(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	mods, err := peers.FindModules(ctx, "wsbench", "")
	if err != nil {
		t.Fatal(err)
	}
	load, bins, notes, err := buildAll(ctx, mods, t.TempDir(), nil, func(f string, a ...any) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) > 0 || len(bins) != len(servers) {
		t.Fatalf("built %d of %d servers; notes: %q", len(bins), len(servers), notes)
	}
	cfg := smokeConfig(t)
	g := &rig{procs: pin.NewGroup(), load: load, serverCPU: "0", loadCPU: "1", proc: "/proc"}
	if cfg.loadCPU == 0 {
		g.loadCPU = "0"
	}
	defer g.procs.KillAll()
	for _, b := range bins {
		r, err := g.run(ctx, b, cfg)
		if err != nil {
			t.Errorf("%s: %v", b.name, err)
			continue
		}
		s := newSample(b.name, 1)
		s.fromRun(r)
		if r.load.Deliveries != 150 || r.load.Conns != 50 || !(s.p50us > 0) || s.p99us < s.p50us || s.maxUs < s.p99us {
			t.Errorf("%s: load result %+v", b.name, r.load)
		}
		// CPU time counts in ns, but a thread's share may be read before
		// the scheduler accounts it: positive and finite is all that holds.
		if !(s.cpuNs > 0) || math.IsInf(s.cpuNs, 0) || math.IsNaN(s.rssB) || math.IsNaN(s.goB) || !(s.rssMiB > 0) {
			t.Errorf("%s: sample %+v", b.name, s)
		}
	}
	if left := g.procs.Len(); left != 0 {
		t.Errorf("%d children still running after the runs", left)
	}
}

// TestSmokeRunWritesReport runs the whole command on one server and
// checks its table and its section of the report.
func TestSmokeRunWritesReport(t *testing.T) {
	needTaskset(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "BENCH.md")
	if err := os.WriteFile(out, []byte("# Benchmarks\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := smokeConfig(t, "-only", "nbio", "-out", out)
	var stdout, stderr bytes.Buffer
	if err := run(ctx, cfg, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "CPU ns/msg") || !strings.Contains(stdout.String(), "\nnbio ") {
		t.Errorf("table:\n%s", stdout.String())
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Benchmarks\n", "<!-- begin wsbench -->", "| nbio |", "Command: `cd bench && go run ./cmd/wsbench -quick", "<!-- end wsbench -->"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// needTaskset fails the test where taskset is missing: the harness pins
// every process with it, so without it nothing here can run.
func needTaskset(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("taskset"); err != nil {
		t.Fatalf("wsbench needs taskset (Debian's util-linux): %v", err)
	}
}
