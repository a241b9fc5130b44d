package main

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

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
	procs     *procs
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
	defer s.kill()
	if warmup > 0 {
		if _, err := g.runWrk(ctx, addr, conns, warmup); err != nil {
			return cpuResult{}, fmt.Errorf("warmup: %w", err)
		}
	}
	c0, err := procfs.ReadCPU(g.proc, s.pid)
	if err != nil {
		return cpuResult{}, fmt.Errorf("%s: %w", srv.name, err)
	}
	res, err := g.runWrk(ctx, addr, conns, duration)
	if err != nil {
		return cpuResult{}, err
	}
	c1, err := procfs.ReadCPU(g.proc, s.pid)
	if err != nil {
		return cpuResult{}, fmt.Errorf("%s: %w", srv.name, err)
	}
	if s.exited() {
		return cpuResult{}, fmt.Errorf("%s exited (%v) during the run; output: %s", srv.name, s.err, s.out)
	}
	return cpuResult{wrk: res, cpu: c1.Sub(c0)}, nil
}

// runWrk runs "wrk -c conns -t1 -d duration --latency" against addr on the
// load CPU and parses what it prints. A run with any socket error or a
// status other than 2xx or 3xx is an error.
func (g *rig) runWrk(ctx context.Context, addr string, conns int, d time.Duration) (wrk.Result, error) {
	w, err := g.procs.startPinned("wrk", g.loadCPU, 64<<10, g.wrk,
		"-c"+strconv.Itoa(conns), "-t1", "-d"+wrkSeconds(d), "--latency", "http://"+addr+"/")
	if err != nil {
		return wrk.Result{}, err
	}
	if err := w.waitExit(ctx, d+wrkGrace); err != nil {
		return wrk.Result{}, fmt.Errorf("wrk: %w; output: %s", err, w.out)
	}
	res, err := wrk.Parse(string(w.out.Bytes()))
	if err != nil {
		return wrk.Result{}, fmt.Errorf("%w; output: %s", err, w.out)
	}
	if res.Errors() > 0 || res.Requests == 0 {
		return wrk.Result{}, fmt.Errorf("wrk counted %d errors in %d requests; output: %s", res.Errors(), res.Requests, w.out)
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
	defer s.kill()
	if err := sleepCtx(ctx, settle); err != nil {
		return 0, err
	}
	before, err := procfs.ReadRSS(g.proc, s.pid)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", srv.name, err)
	}
	conns, err := holdIdle(ctx, addr, n)
	// The server dies first, so its sockets, not ours, carry the closing
	// handshake; ours are reset on close besides.
	defer closeAll(conns)
	defer s.kill()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", srv.name, err)
	}
	if err := sleepCtx(ctx, settle); err != nil {
		return 0, err
	}
	after, err := procfs.ReadRSS(g.proc, s.pid)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", srv.name, err)
	}
	return (float64(after) - float64(before)) / float64(n), nil
}

// startServer starts srv pinned on a free loopback port and waits until it
// accepts connections. The port is free when chosen but may be taken
// before the server binds it, so a server that exits before listening is
// tried again on another port.
func (g *rig) startServer(ctx context.Context, srv built) (*child, string, error) {
	const attempts = 3
	var err error
	for range attempts {
		var addr string
		if addr, err = freeAddr(); err != nil {
			return nil, "", err
		}
		var s *child
		args := append([]string{"-addr", addr}, srv.args...)
		if s, err = g.procs.startPinned(srv.name, g.serverCPU, 4096, srv.bin, args...); err != nil {
			return nil, "", err
		}
		if err = waitListening(ctx, s, addr); err == nil {
			return s, addr, nil
		}
		died := s.exited() // rather than hung: worth another port
		s.kill()
		if !died || ctx.Err() != nil {
			break
		}
	}
	return nil, "", err
}

// freeAddr returns a loopback address with a port nothing listens on now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitListening dials addr until it connects, s exits, or listenTimeout.
func waitListening(ctx context.Context, s *child, addr string) error {
	deadline := time.Now().Add(listenTimeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if s.exited() {
			return fmt.Errorf("%s exited (%v) before listening on %s; output: %s", s.name, s.err, addr, s.out)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not listening on %s after %v: %v; output: %s", s.name, addr, listenTimeout, err, s.out)
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
}

// sleepCtx sleeps for d unless ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
