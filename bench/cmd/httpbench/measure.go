package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/asyncgo/async/bench/internal/pin"
	"github.com/asyncgo/async/bench/internal/procfs"
	"github.com/asyncgo/async/bench/internal/wrk"
)

// Bounds that keep every step of a run finite.
const (
	listenTimeout = 10 * time.Second // a server starting up
	wrkGrace      = 30 * time.Second // wrk finishing after its -d
	// settle lets a server finish starting (or finish the work the last
	// connections caused) before its RSS is read.
	settle = 300 * time.Millisecond
)

// rig is what a test needs: where to pin, what to run, and the children.
type rig struct {
	procs     *pin.Group
	wrk       string // wrk's path
	serverCPU string // taskset's list
	loadCPU   string
	proc      string // the proc filesystem, "/proc"
}

// cpuResult is one CPU test.
type cpuResult struct {
	wrk wrk.Result
	cpu time.Duration // server CPU time while the measured wrk ran
}

// usPerReq is server CPU µs per request wrk completed.
func (r cpuResult) usPerReq() float64 {
	return r.cpu.Seconds() * 1e6 / float64(r.wrk.Requests)
}

// busy is the share of wrk's window the server spent on a CPU: near 100 %
// the server set the pace; well below, wrk did.
func (r cpuResult) busy() float64 {
	return r.cpu.Seconds() / r.wrk.Elapsed.Seconds() * 100
}

// cpuTest starts srv fresh, runs wrk for warmup (not counted), then for
// duration with the server's CPU time read just before wrk starts and
// just after it exits.
func (g *rig) cpuTest(ctx context.Context, srv built, conns int, warmup, duration time.Duration) (cpuResult, error) {
	s, addr, err := g.startServer(ctx, srv)
	if err != nil {
		return cpuResult{}, err
	}
	defer s.Kill()
	if warmup > 0 {
		if _, err := g.runWrk(ctx, addr, conns, warmup); err != nil {
			return cpuResult{}, fmt.Errorf("warmup: %w", err)
		}
	}
	c0, err := procfs.ReadCPU(g.proc, s.Pid)
	if err != nil {
		return cpuResult{}, fmt.Errorf("%s: %w", srv.name, err)
	}
	res, err := g.runWrk(ctx, addr, conns, duration)
	if err != nil {
		return cpuResult{}, err
	}
	c1, err := procfs.ReadCPU(g.proc, s.Pid)
	if err != nil {
		return cpuResult{}, fmt.Errorf("%s: %w", srv.name, err)
	}
	if s.Exited() {
		return cpuResult{}, fmt.Errorf("%s exited (%v) during the run; output: %s", srv.name, s.Err(), s.Out)
	}
	return cpuResult{wrk: res, cpu: c1.Sub(c0)}, nil
}

// runWrk runs "wrk -c conns -t1 -d duration --latency" against addr on the
// load CPU and parses what it prints. A run with any socket error or a
// status other than 2xx or 3xx is an error.
func (g *rig) runWrk(ctx context.Context, addr string, conns int, d time.Duration) (wrk.Result, error) {
	w, err := g.procs.Start("wrk", g.loadCPU, pin.Options{Keep: 64 << 10}, g.wrk,
		"-c"+strconv.Itoa(conns), "-t1", "-d"+wrkSeconds(d), "--latency", "http://"+addr+"/")
	if err != nil {
		return wrk.Result{}, err
	}
	if err := w.WaitExit(ctx, d+wrkGrace); err != nil {
		return wrk.Result{}, fmt.Errorf("wrk: %w; output: %s", err, w.Out)
	}
	res, err := wrk.Parse(string(w.Out.Bytes()))
	if err != nil {
		return wrk.Result{}, fmt.Errorf("%w; output: %s", err, w.Out)
	}
	if res.Errors() > 0 || res.Requests == 0 {
		return wrk.Result{}, fmt.Errorf("wrk counted %d errors in %d requests; output: %s", res.Errors(), res.Requests, w.Out)
	}
	return res, nil
}

// wrkSeconds renders d for wrk's -d, which takes whole seconds.
func wrkSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int(d.Round(time.Second)/time.Second))) + "s"
}

// memTest starts srv fresh, reads its RSS once it listens, holds n
// keep-alive connections that have each had one request answered, and
// returns the RSS growth per connection in bytes.
func (g *rig) memTest(ctx context.Context, srv built, n int) (float64, error) {
	s, addr, err := g.startServer(ctx, srv)
	if err != nil {
		return 0, err
	}
	defer s.Kill()
	if err := pin.Sleep(ctx, settle); err != nil {
		return 0, err
	}
	before, err := procfs.ReadRSS(g.proc, s.Pid)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", srv.name, err)
	}
	conns, err := holdIdle(ctx, addr, n)
	// The server dies first, so its sockets, not ours, carry the closing
	// handshake; ours are reset on close besides.
	defer closeAll(conns)
	defer s.Kill()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", srv.name, err)
	}
	if err := pin.Sleep(ctx, settle); err != nil {
		return 0, err
	}
	after, err := procfs.ReadRSS(g.proc, s.Pid)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", srv.name, err)
	}
	return (float64(after) - float64(before)) / float64(n), nil
}

// startServer starts srv pinned on a free loopback port and waits until it
// accepts connections.
func (g *rig) startServer(ctx context.Context, srv built) (*pin.Child, string, error) {
	return g.procs.StartServer(ctx, srv.name, g.serverCPU, listenTimeout, srv.bin, srv.args...)
}
