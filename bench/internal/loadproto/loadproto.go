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
