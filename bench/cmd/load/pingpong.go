package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncgo/async/bench/internal/histogram"
	"github.com/asyncgo/async/bench/internal/loadproto"
)

// pingPongConfig is the closed-loop run the flags describe.
type pingPongConfig struct {
	addr             string
	conns, size      int
	duration, warmup time.Duration
	timeout          time.Duration
}

// phaseFlag holds the run's phase, read by every connection after each
// echo and written by the timer of the run.
type phaseFlag = atomic.Int32

// Phases of a run.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseStop
)

// pinger is one connection's loop and what it measured.
type pinger struct {
	conn  *net.TCPConn
	hist  histogram.H
	count uint64
	err   error
}

// runPingPong connects every connection, runs the warmup and the measured
// window, and prints the markers and the Result on stdout.
func runPingPong(cfg pingPongConfig) error {
	if cfg.conns < 1 || cfg.size < 1 || cfg.duration <= 0 || cfg.warmup < 0 {
		return fmt.Errorf("ping-pong needs -conns >= 1, -size >= 1, -duration > 0, -warmup >= 0 (got %d, %d, %v, %v)",
			cfg.conns, cfg.size, cfg.duration, cfg.warmup)
	}
	pingers, err := connectAll(cfg)
	if err != nil {
		return err
	}
	var phase phaseFlag
	var wg sync.WaitGroup
	for _, p := range pingers {
		wg.Go(func() { p.run(cfg.size, &phase) })
	}

	time.Sleep(cfg.warmup)
	phase.Store(phaseMeasure)
	start := time.Now()
	fmt.Println(loadproto.Warm)
	time.Sleep(cfg.duration)
	phase.Store(phaseStop)
	elapsed := time.Since(start)
	fmt.Println(loadproto.End)

	// Each loop finishes the echo in flight; a server that stalls must not
	// hang the run, so the connections get a deadline.
	for _, p := range pingers {
		p.conn.SetDeadline(time.Now().Add(cfg.timeout))
	}
	wg.Wait()
	res := summarize(cfg, pingers, elapsed)
	for _, p := range pingers {
		p.conn.Close()
	}
	fmt.Println(res.Encode())
	return nil
}

// connectAll opens every connection and checks one echo on each, so the
// run starts only when the server has accepted them all.
func connectAll(cfg pingPongConfig) ([]*pinger, error) {
	deadline := time.Now().Add(cfg.timeout)
	msg, rbuf := message(cfg.size), make([]byte, cfg.size)
	pingers := make([]*pinger, cfg.conns)
	for i := range pingers {
		c, err := dialRetry(cfg.addr, deadline)
		if err == nil {
			err = echoOnce(c, msg, rbuf, deadline)
		}
		if err != nil {
			for _, p := range pingers[:i] {
				p.conn.Close()
			}
			if c != nil {
				c.Close()
			}
			return nil, fmt.Errorf("connection %d of %d: %w", i+1, cfg.conns, err)
		}
		c.SetNoDelay(true)
		pingers[i] = &pinger{conn: c}
	}
	return pingers, nil
}

// run sends a message and waits for its echo, over and over, until the
// phase says stop; it counts the echoes completed while measuring.
func (p *pinger) run(size int, phase *phaseFlag) {
	msg, rbuf := message(size), make([]byte, size)
	for {
		t0 := time.Now()
		if _, err := p.conn.Write(msg); err != nil {
			p.err = fmt.Errorf("write to %s: %w", p.conn.RemoteAddr(), err)
			return
		}
		if _, err := io.ReadFull(p.conn, rbuf); err != nil {
			p.err = fmt.Errorf("read echo from %s: %w", p.conn.RemoteAddr(), err)
			return
		}
		switch phase.Load() {
		case phaseMeasure:
			p.hist.Record(time.Since(t0))
			p.count++
		case phaseStop:
			return
		}
	}
}

// summarize merges the connections' counts and histograms into a Result.
func summarize(cfg pingPongConfig, pingers []*pinger, elapsed time.Duration) loadproto.Result {
	var all histogram.H
	res := loadproto.Result{Conns: cfg.conns, Size: cfg.size, Seconds: elapsed.Seconds()}
	for _, p := range pingers {
		all.Merge(&p.hist)
		res.Messages += p.count
		if p.err != nil {
			if res.Errors == 0 {
				res.FirstError = p.err.Error()
			}
			res.Errors++
		}
	}
	res.MsgsPerSec = float64(res.Messages) / res.Seconds
	res.P50us = float64(all.Quantile(0.50)) / 1e3
	res.P99us = float64(all.Quantile(0.99)) / 1e3
	if res.Errors > 0 {
		fmt.Fprintf(os.Stderr, "load: %d of %d connections failed; first: %s\n", res.Errors, cfg.conns, res.FirstError)
	}
	return res
}
