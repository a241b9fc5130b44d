package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/asyncgo/async/bench/internal/loadproto"
	"github.com/gorilla/websocket"
)

// errNotYet is await's timeout: the message has not reached everyone.
var errNotYet = errors.New("not every connection has received it")

// send sends the next message on the sender, stamped with the time.
func (f *fanout) send() (uint64, error) {
	if f.seq+1 >= uint64(len(f.arrived)) {
		return 0, fmt.Errorf("message %d: more than the %d messages planned", f.seq+1, len(f.arrived)-1)
	}
	f.seq++
	binary.BigEndian.PutUint64(f.msg, f.seq)
	binary.BigEndian.PutUint64(f.msg[8:], uint64(time.Since(f.base)))
	if err := f.conns[0].WriteMessage(websocket.BinaryMessage, f.msg); err != nil {
		return 0, fmt.Errorf("send message %d: %w", f.seq, err)
	}
	return f.seq, nil
}

// await waits until message seq has reached every connection, a reader
// fails, or d passes (errNotYet). Completions of earlier messages, which
// probes leave behind, are skipped.
func (f *fanout) await(seq uint64, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case s := <-f.complete:
			if s == seq {
				return nil
			}
		case err := <-f.failed:
			return err
		case <-t.C:
			return errNotYet
		}
	}
}

// probe sends messages until one reaches every connection, which tells
// that the server has added them all to its broadcasts: a connection
// upgraded a moment ago may not be added yet. Each probe waits twice as
// long as the one before.
func (f *fanout) probe(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for wait := probeWait; ; wait *= 2 {
		seq, err := f.send()
		if err != nil {
			return fmt.Errorf("probe: %w", err)
		}
		err = f.await(seq, min(wait, max(time.Until(deadline), time.Millisecond)))
		if !errors.Is(err, errNotYet) {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("probe: no message reached all %d connections within %v (the last reached %d)",
				f.cfg.conns, timeout, f.arrived[seq].Load())
		}
	}
}

// broadcast sends a message and waits until every connection has it.
func (f *fanout) broadcast() (uint64, error) {
	seq, err := f.send()
	if err != nil {
		return 0, err
	}
	if err := f.await(seq, f.cfg.deliveryTimeout); err != nil {
		if errors.Is(err, errNotYet) {
			return 0, fmt.Errorf("message %d reached %d of %d connections within %v",
				seq, f.arrived[seq].Load(), f.cfg.conns, f.cfg.deliveryTimeout)
		}
		return 0, err
	}
	return seq, nil
}

// measure runs n counted broadcasts, pause apart, and returns their
// delivery latencies.
func (f *fanout) measure(n int, pause time.Duration) (loadproto.Fanout, error) {
	f.firstMeasured.Store(f.seq + 1)
	start := time.Now()
	for k := range n {
		if k > 0 {
			time.Sleep(pause)
		}
		if _, err := f.broadcast(); err != nil {
			return loadproto.Fanout{}, fmt.Errorf("broadcast %d of %d: %w", k+1, n, err)
		}
	}
	elapsed := time.Since(start)
	res := loadproto.Fanout{Conns: f.cfg.conns, Size: f.cfg.size, Broadcasts: n,
		Deliveries: uint64(len(f.lat)), Seconds: elapsed.Seconds()}
	res.P50us, res.P99us, res.MaxUs = percentiles(f.lat)
	return res, nil
}

// percentiles returns the median, the 99th percentile and the maximum of
// lat in microseconds (nearest rank); it sorts lat.
func percentiles(lat []time.Duration) (p50, p99, maxUs float64) {
	if len(lat) == 0 {
		return 0, 0, 0
	}
	slices.Sort(lat)
	rank := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(lat)))) - 1
		return float64(lat[min(max(i, 0), len(lat)-1)]) / float64(time.Microsecond)
	}
	return rank(0.50), rank(0.99), rank(1)
}
