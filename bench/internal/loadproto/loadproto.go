package loadproto

import (
	"encoding/json"
	"fmt"
)

// The marker lines.
const (
	Warm  = "warm"
	End   = "end"
	Ready = "ready"
	// Go is the line the harness writes to a load generator's stdin to
	// start what the generator made ready for.
	Go = "go"
)

// Result is what one ping-pong run measured, written as JSON.
type Result struct {
	Conns      int     `json:"conns"`
	Size       int     `json:"size"`
	Messages   uint64  `json:"messages"`     // echoes completed in the window
	Seconds    float64 `json:"seconds"`      // length of the window
	MsgsPerSec float64 `json:"msgs_per_sec"` // Messages / Seconds
	P50us      float64 `json:"p50_us"`       // median round-trip latency
	P99us      float64 `json:"p99_us"`       // 99th percentile round-trip latency
	Errors     int     `json:"errors"`       // connections that failed mid-run
	FirstError string  `json:"first_error,omitempty"`
}

// Encode returns r as one line of JSON, without the newline.
func (r Result) Encode() string {
	b, err := json.Marshal(r)
	if err != nil {
		panic("loadproto: marshal a Result: " + err.Error())
	}
	return string(b)
}

// Decode parses a line written by Encode.
func Decode(line string) (Result, error) {
	var r Result
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		return Result{}, fmt.Errorf("loadproto: decode result %q: %w", line, err)
	}
	return r, nil
}

// Fanout is what one broadcast run of the WebSocket comparison measured
// (cmd/wsbench/wsload), written as JSON.
type Fanout struct {
	Conns      int     `json:"conns"`
	Size       int     `json:"size"`
	Broadcasts int     `json:"broadcasts"` // messages sent, each to every connection
	Deliveries uint64  `json:"deliveries"` // messages received, Broadcasts × Conns in a run that succeeded
	Seconds    float64 `json:"seconds"`    // from the first send to the last delivery
	P50us      float64 `json:"p50_us"`     // median delivery latency, send to receipt
	P99us      float64 `json:"p99_us"`
	MaxUs      float64 `json:"max_us"`
}

// Encode returns f as one line of JSON, without the newline.
func (f Fanout) Encode() string {
	b, err := json.Marshal(f)
	if err != nil {
		panic("loadproto: marshal a Fanout: " + err.Error())
	}
	return string(b)
}

// DecodeFanout parses a line written by Fanout.Encode.
func DecodeFanout(line string) (Fanout, error) {
	var f Fanout
	if err := json.Unmarshal([]byte(line), &f); err != nil {
		return Fanout{}, fmt.Errorf("loadproto: decode fan-out result %q: %w", line, err)
	}
	return f, nil
}
