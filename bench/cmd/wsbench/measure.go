package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/asyncgo/async/bench/internal/loadproto"
	"github.com/asyncgo/async/bench/internal/memstat"
	"github.com/asyncgo/async/bench/internal/pin"
	"github.com/asyncgo/async/bench/internal/procfs"
)

// Bounds that keep every step of a run finite.
const (
	listenTimeout   = 10 * time.Second // a server starting up
	connectTimeout  = 3 * time.Minute  // the load opening its connections, and the probe
	deliveryTimeout = 30 * time.Second // one broadcast reaching every connection
	tailTimeout     = 30 * time.Second // the load's lines after its own bounds
	exitGrace       = 5 * time.Second  // a load generator told to stop
	// startSettle lets a fresh server finish starting before its memory
	// is read.
	startSettle = 300 * time.Millisecond
)

// rig is what a run needs: where to pin, what to run, and the children.
type rig struct {
	procs     *pin.Group
	load      string // the load generator's binary
	serverCPU string // taskset's list
	loadCPU   string
	proc      string // the proc filesystem, "/proc"
}

// runResult is what one run of a fresh server measured.
type runResult struct {
	load loadproto.Fanout
	// The server's CPU time over the counted broadcasts, and its user-mode
	// part; the load's, to tell whether it kept up.
	cpu, user, loadCPU time.Duration
	// The server's RSS and Go memory (heap and stacks in use after a
	// collection) once it listens, and again with every connection open
	// and idle; RSS once more after the broadcasts.
	rss0, rssIdle, rssEnd uint64
	go0, goIdle           uint64
}

// nsPerDelivery is the server's CPU time per delivered message.
func (r runResult) nsPerDelivery(cpu time.Duration) float64 {
	return float64(cpu.Nanoseconds()) / float64(r.load.Deliveries)
}

// perConn is the growth from before to after per connection, in bytes.
func (r runResult) perConn(before, after uint64) float64 {
	return (float64(after) - float64(before)) / float64(r.load.Conns)
}

// busy is the share of the counted broadcasts' span that the server and
// the load spent on a CPU.
func (r runResult) busy() (server, load float64) {
	s := r.load.Seconds
	if s <= 0 {
		return math.NaN(), math.NaN()
	}
	return r.cpu.Seconds() / s * 100, r.loadCPU.Seconds() / s * 100
}

// run starts srv fresh, reads its memory, has the load open the
// connections and make them idle, reads the memory again after settle,
// then lets the load broadcast with the server's CPU time read just
// before and just after.
func (g *rig) run(ctx context.Context, srv built, cfg config) (runResult, error) {
	var r runResult
	s, addr, err := g.procs.StartServer(ctx, srv.name, g.serverCPU, listenTimeout, srv.bin, srv.args...)
	if err != nil {
		return r, err
	}
	defer s.Kill()
	if err := pin.Sleep(ctx, startSettle); err != nil {
		return r, err
	}
	if r.rss0, r.go0, err = g.memory(ctx, s, addr); err != nil {
		return r, err
	}

	l, err := g.procs.Start("wsload", g.loadCPU, pin.Options{Driven: true}, g.load, "-addr", addr,
		"-conns", strconv.Itoa(cfg.conns), "-size", strconv.Itoa(cfg.size),
		"-warmup", strconv.Itoa(cfg.warmup), "-broadcasts", strconv.Itoa(cfg.broadcasts), "-pause", cfg.pause.String(),
		"-timeout", connectTimeout.String(), "-delivery-timeout", deliveryTimeout.String())
	if err != nil {
		return r, err
	}
	// Deferred in this order, the server dies first: its sockets, not
	// the load's, then carry the closing handshake (the load resets its
	// own besides).
	defer l.Stop(exitGrace)
	defer s.Kill()

	warm := time.Duration(cfg.warmup) * (cfg.pause + deliveryTimeout)
	if err := l.ExpectLine(ctx, loadproto.Ready, connectTimeout+warm+tailTimeout); err != nil {
		return r, err
	}
	if err := pin.Sleep(ctx, cfg.settle); err != nil {
		return r, err
	}
	if r.rssIdle, r.goIdle, err = g.memory(ctx, s, addr); err != nil {
		return r, err
	}

	c0, l0, err := g.readCPUs(s, l)
	if err != nil {
		return r, err
	}
	if err := l.Tell(loadproto.Go); err != nil {
		return r, err
	}
	counted := time.Duration(cfg.broadcasts) * (cfg.pause + deliveryTimeout)
	if err := l.ExpectLine(ctx, loadproto.End, counted+tailTimeout); err != nil {
		return r, err
	}
	c1, l1, err := g.readCPUs(s, l)
	if err != nil {
		return r, err
	}
	r.cpu, r.user, r.loadCPU = c1.Sub(c0), c1.SubUser(c0), l1.Sub(l0)
	if r.rssEnd, err = procfs.ReadRSS(g.proc, s.Pid); err != nil {
		return r, fmt.Errorf("%s: %w", srv.name, err)
	}
	line, err := l.Expect(ctx, "the result", tailTimeout)
	if err != nil {
		return r, err
	}
	if r.load, err = loadproto.DecodeFanout(line); err != nil {
		return r, err
	}
	if want := uint64(cfg.conns) * uint64(cfg.broadcasts); r.load.Deliveries != want {
		return r, fmt.Errorf("%s: %d deliveries, want %d", srv.name, r.load.Deliveries, want)
	}
	if s.Exited() {
		return r, fmt.Errorf("%s exited (%v) during the run; output: %s", srv.name, s.Err(), s.Out)
	}
	return r, nil
}

// memory reads the server's RSS, then asks it for its Go memory (which
// collects garbage first, so it comes second).
func (g *rig) memory(ctx context.Context, s *pin.Child, addr string) (rss, goMem uint64, err error) {
	if rss, err = procfs.ReadRSS(g.proc, s.Pid); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", s.Name, err)
	}
	st, err := memstat.Fetch(ctx, addr)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", s.Name, err)
	}
	return rss, st.Go(), nil
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
