package main

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncgo/async/bench/internal/openall"
	"github.com/gorilla/websocket"
)

// maxProbes bounds the probes sent before the run: each waits twice as
// long as the one before (from probeWait), so a handful cover minutes.
const (
	maxProbes = 32
	probeWait = 250 * time.Millisecond
)

// fanout is the open connections, a reader goroutine on each, and the
// tally of what they received. conns[0] is also the sender; only the
// goroutine running the broadcasts sends, so seq and the message buffer
// are its alone.
type fanout struct {
	cfg     config
	base    time.Time // the zero of the send times in the messages
	conns   []*websocket.Conn
	readers sync.WaitGroup
	closing atomic.Bool // set before closing: readers' errors are expected

	seq uint64 // the last sequence number sent
	msg []byte

	// arrived[s] counts the connections that received message s; the
	// reader that completes it sends s on complete.
	arrived  []atomic.Int32
	complete chan uint64
	failed   chan error // the first reader's error, if any

	// firstMeasured is the sequence number of the first counted broadcast
	// (0 until the counted ones start); lat[k*conns+i] is the latency of
	// counted broadcast k at connection i, written by i's reader alone.
	firstMeasured atomic.Uint64
	lat           []time.Duration
}

// open dials every connection, cfg.dialers at a time, and starts a reader
// on each. On failure it closes what it opened.
func open(cfg config) (*fanout, error) {
	total := maxProbes + cfg.warmup + cfg.broadcasts + 1
	f := &fanout{
		cfg: cfg, base: time.Now(), conns: make([]*websocket.Conn, cfg.conns), msg: make([]byte, cfg.size),
		arrived: make([]atomic.Int32, total), complete: make(chan uint64, total), failed: make(chan error, 1),
		lat: make([]time.Duration, cfg.broadcasts*cfg.conns),
	}
	for i := headerSize; i < cfg.size; i++ {
		f.msg[i] = byte('a' + i%26)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.connectTimeout)
	defer cancel()
	err := openall.Run(ctx, cfg.conns, cfg.dialers, "connection", func(ctx context.Context, i int) error {
		c, err := dial(ctx, cfg)
		if err != nil {
			return err
		}
		f.conns[i] = c
		f.readers.Go(func() { f.read(i, c) })
		return nil
	})
	if err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// dial opens one connection. A TCP connect that fails (a full accept
// queue refuses or drops it) is tried again until ctx ends; a failed
// handshake is not.
func dial(ctx context.Context, cfg config) (*websocket.Conn, error) {
	d := websocket.Dialer{
		NetDialContext:   dialRetry,
		HandshakeTimeout: 30 * time.Second,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
	}
	url := "ws://" + cfg.addr + "/"
	c, resp, err := d.DialContext(ctx, url, nil)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("upgrade %s: %w (status %s)", url, err, resp.Status)
		}
		return nil, fmt.Errorf("upgrade %s: %w", url, err)
	}
	return c, nil
}

// dialRetry connects, retrying with a growing backoff until ctx ends.
func dialRetry(ctx context.Context, network, addr string) (net.Conn, error) {
	backoff := 5 * time.Millisecond
	for {
		d := net.Dialer{Timeout: 5 * time.Second}
		c, err := d.DialContext(ctx, network, addr)
		if err == nil {
			return c, nil
		}
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("connect to %s: %w (and %w)", addr, err, context.Cause(ctx))
		}
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}

// close resets every connection and waits for the readers to end.
func (f *fanout) close() {
	f.closing.Store(true)
	for _, c := range f.conns {
		if c == nil {
			continue
		}
		if tc, ok := c.UnderlyingConn().(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		c.Close()
	}
	f.readers.Wait()
}
