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

// smokeRig builds the load generator and the net echo server, the one
// server that needs nothing but this module.
func smokeRig(t *testing.T, ctx context.Context) (*rig, built) {
	t.Helper()
	needTaskset(t)
	mods, err := peers.FindModules(ctx, "echobench", "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	load, err := peers.GoBuild(ctx, mods.Bench, "./cmd/load", filepath.Join(dir, "load"))
	if err != nil {
		t.Fatal(err)
	}
	bin, err := peers.BenchServer("./servers/netecho")(ctx, mods, dir)
	if err != nil {
		t.Fatal(err)
	}
	g := &rig{procs: pin.NewGroup(), load: load, serverCPU: "0", loadCPU: "1", sharedCPUs: "0,1", proc: "/proc"}
	if runtime.NumCPU() < 2 {
		g.loadCPU, g.sharedCPUs = "0", "0"
	}
	return g, built{name: "net", bin: bin}
}

func TestSmokeNetEcho(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	g, srv := smokeRig(t, ctx)
	defer g.procs.KillAll()

	r, err := g.cpuTest(ctx, srv, 4, 64, 200*time.Millisecond, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.load.Messages == 0 || r.load.Conns != 4 || r.load.P50us <= 0 || r.load.P99us < r.load.P50us {
		t.Errorf("load result = %+v", r.load)
	}
	if us := r.usPerMsg(); !(us > 0) || math.IsInf(us, 0) {
		t.Errorf("server CPU per message = %v µs, want positive (cpu %v over %d messages)", us, r.cpu, r.load.Messages)
	}
	if sb, lb := r.busy(); sb <= 0 || lb <= 0 {
		t.Errorf("busy: server %.0f%% load %.0f%%, want both positive", sb, lb)
	}

	rss, err := g.memTest(ctx, srv, 200)
	if err != nil {
		t.Fatal(err)
	}
	// A goroutine and a 4 KiB buffer per connection: clearly positive,
	// clearly below a megabyte, whatever the allocator's rounding.
	if rss <= 0 || rss > 1<<20 {
		t.Errorf("net server RSS per connection = %.0f B, want between 0 and 1 MiB", rss)
	}

	if left := g.procs.Len(); left != 0 {
		t.Errorf("%d children still running after the tests", left)
	}
}

func TestSmokeRunWritesReport(t *testing.T) {
	needTaskset(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	out, chart := filepath.Join(dir, "BENCH.md"), filepath.Join(dir, "img", "bench.svg")
	cfg, err := parseFlags([]string{"-rounds", "1", "-duration", "0.5", "-warmup", "0.1", "-conns", "4",
		"-memconns", "100", "-only", "net,net-mt", "-out", out, "-chart", chart})
	if err != nil {
		t.Fatal(err)
	}
	if runtime.NumCPU() < 2 {
		cfg.loadCPU, cfg.sharedCPUs = 0, "0"
	}
	var stdout, stderr bytes.Buffer
	if err := run(ctx, cfg, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "CPU µs/msg") || !strings.Contains(stdout.String(), "\nnet ") ||
		!strings.Contains(stdout.String(), "Multi-thread servers") || !strings.Contains(stdout.String(), "\nnet-mt ") {
		t.Errorf("table:\n%s", stdout.String())
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| net |") || !strings.Contains(string(md), "| net-mt |") || !strings.Contains(string(md), "](img/bench.svg)") {
		t.Errorf("report:\n%s", md)
	}
	if svg, err := os.ReadFile(chart); err != nil || !strings.HasPrefix(string(svg), "<svg") {
		t.Errorf("chart: %v %.40q", err, svg)
	}
}

// needTaskset fails the test where taskset is missing: the harness pins
// every process with it, so without it nothing here can run.
func needTaskset(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("taskset"); err != nil {
		t.Fatalf("echobench needs taskset (Debian's util-linux): %v", err)
	}
}
