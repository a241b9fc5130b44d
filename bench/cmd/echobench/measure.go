package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/asyncgo/async/bench/internal/loadproto"
	"github.com/asyncgo/async/bench/internal/pin"
	"github.com/asyncgo/async/bench/internal/procfs"
)

// Bounds that keep every step of a run finite.
const (
	listenTimeout  = 10 * time.Second // a server starting up
	connectTimeout = 60 * time.Second // the load connecting before warmup
	tailTimeout    = 30 * time.Second // the load finishing after its window
	holdTimeout    = 2 * time.Minute  // the memory test's connections
	exitGrace      = 5 * time.Second  // a load generator told to stop
	// settle lets a server finish starting (or finish the work the last
	// connections caused) before its RSS is read.
	settle = 300 * time.Millisecond
)

// rig is what a test needs: where to pin, what to run, and the children.
type rig struct {
	procs      *pin.Group
	load       string // load generator binary
	serverCPU  string // a single-thread server's CPU (taskset's list)
	loadCPU    string // the load's CPU when the server is single-threaded
	sharedCPUs string // a multi-thread server's CPUs, shared with its load
	proc       string // the proc filesystem, "/proc"
}

// pins returns the CPUs the server srv and its load are pinned to: a CPU
// each for the single-thread servers; for the multi-thread ones, the
// shared CPUs for both.
func (g *rig) pins(srv built) (server, load string) {
	if srv.multi {
		return g.sharedCPUs, g.sharedCPUs
	}
	return g.serverCPU, g.loadCPU
}

// cpuResult is one CPU test: the load's view and the server's CPU.
type cpuResult struct {
	load    loadproto.Result
	cpu     time.Duration // server CPU time in the measured window
	loadCPU time.Duration // the load generator's, in the same window
}

// busy returns the share of the window the server and the load spent on
// a CPU: a load near 100 % means the load, not the server, set the pace.
func (r cpuResult) busy() (server, load float64) {
	w := r.load.Seconds
	return r.cpu.Seconds() / w * 100, r.loadCPU.Seconds() / w * 100
}

// usPerMsg is server CPU µs per echoed message.
func (r cpuResult) usPerMsg() float64 {
	return r.cpu.Seconds() * 1e6 / float64(r.load.Messages)
}

// cpuTest starts srv fresh and drives conns × size ping-pong against it,
// reading the server's CPU time as the window opens and closes.
func (g *rig) cpuTest(ctx context.Context, srv built, conns, size int, warmup, duration time.Duration) (cpuResult, error) {
	s, addr, err := g.startServer(ctx, srv)
	if err != nil {
		return cpuResult{}, err
	}
	defer s.Kill()
	_, loadCPUs := g.pins(srv)
	l, err := g.procs.Start("load", loadCPUs, pin.Options{Driven: true}, g.load, "-addr", addr,
		"-conns", strconv.Itoa(conns), "-size", strconv.Itoa(size),
		"-duration", duration.String(), "-warmup", warmup.String(), "-timeout", tailTimeout.String())
	if err != nil {
		return cpuResult{}, err
	}
	defer l.Kill()

	if err := l.ExpectLine(ctx, loadproto.Warm, connectTimeout+warmup); err != nil {
		return cpuResult{}, err
	}
	c0, l0, err := g.readCPUs(s, l)
	if err != nil {
		return cpuResult{}, err
	}
	if err := l.ExpectLine(ctx, loadproto.End, duration+tailTimeout); err != nil {
		return cpuResult{}, err
	}
	c1, l1, err := g.readCPUs(s, l)
	if err != nil {
		return cpuResult{}, err
	}
	line, err := l.Expect(ctx, "the result", tailTimeout)
	if err != nil {
		return cpuResult{}, err
	}
	res, err := loadproto.Decode(line)
	if err != nil {
		return cpuResult{}, err
	}
	if res.Errors > 0 || res.Messages == 0 {
		return cpuResult{}, fmt.Errorf("%s: %d of %d connections failed (%s), %d messages",
			srv.name, res.Errors, res.Conns, res.FirstError, res.Messages)
	}
	return cpuResult{load: res, cpu: c1.Sub(c0), loadCPU: l1.Sub(l0)}, nil
}

// readCPUs reads the server's CPU time, then the load's.
func (g *rig) readCPUs(s, l *pin.Child) (server, load procfs.CPU, err error) {
	if server, err = procfs.ReadCPU(g.proc, s.Pid); err != nil {
		return server, load, fmt.Errorf("%s: %w", s.Name, err)
	}
	if load, err = procfs.ReadCPU(g.proc, l.Pid); err != nil {
		return server, load, fmt.Errorf("%s: %w", l.Name, err)
	}
	return server, load, nil
}

// memTest starts srv fresh, reads its RSS once it listens, holds conns
// connections that each echoed one message, and returns the RSS growth
// per connection in bytes.
func (g *rig) memTest(ctx context.Context, srv built, conns int) (float64, error) {
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
	_, loadCPUs := g.pins(srv)
	l, err := g.procs.Start("load -hold", loadCPUs, pin.Options{Driven: true}, g.load, "-addr", addr,
		"-hold", strconv.Itoa(conns), "-timeout", holdTimeout.String())
	if err != nil {
		return 0, err
	}
	defer l.Stop(exitGrace)
	if err := l.ExpectLine(ctx, loadproto.Ready, holdTimeout+tailTimeout); err != nil {
		return 0, err
	}
	if err := pin.Sleep(ctx, settle); err != nil {
		return 0, err
	}
	after, err := procfs.ReadRSS(g.proc, s.Pid)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", srv.name, err)
	}
	// The server dies first: its sockets, not the load's, then carry the
	// closing handshake (the load also resets its own on close).
	s.Kill()
	return (float64(after) - float64(before)) / float64(conns), nil
}

// startServer starts srv pinned on a free loopback port and waits until it
// accepts connections.
func (g *rig) startServer(ctx context.Context, srv built) (*pin.Child, string, error) {
	serverCPUs, _ := g.pins(srv)
	return g.procs.StartServer(ctx, srv.name, serverCPUs, listenTimeout, srv.bin, srv.args...)
}
