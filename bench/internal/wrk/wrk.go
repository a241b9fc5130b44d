package wrk

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Result is one wrk run as wrk summed it up.
type Result struct {
	Requests       uint64        // requests completed ("N requests in ...")
	Elapsed        time.Duration // the run's length as wrk timed it
	RequestsPerSec float64       // "Requests/sec:"
	// Latency maps a percentile (50, 75, 90, 99) to its latency, from the
	// "Latency Distribution" block that --latency adds.
	Latency map[float64]time.Duration
	// Socket errors and responses whose status was not 2xx or 3xx; zero
	// when wrk printed no such line.
	ConnectErrors, ReadErrors, WriteErrors, Timeouts uint64
	Non2xx3xx                                        uint64
}

// Errors is every failure wrk counted: socket errors, timeouts and
// responses that were not 2xx or 3xx.
func (r Result) Errors() uint64 {
	return r.ConnectErrors + r.ReadErrors + r.WriteErrors + r.Timeouts + r.Non2xx3xx
}

// Percentile returns the latency at percentile p, and false when wrk did
// not print it.
func (r Result) Percentile(p float64) (time.Duration, bool) {
	d, ok := r.Latency[p]
	return d, ok
}

// ErrNoSummary is returned for output without the "N requests in" line:
// wrk failed before it finished, or the output is not wrk's.
var ErrNoSummary = errors.New("wrk: no \"requests in\" line in the output")

// Parse reads wrk's output.
func Parse(out string) (Result, error) {
	r := Result{Latency: map[float64]time.Duration{}}
	inDist := false
	summary := false
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		f := strings.Fields(line)
		switch {
		case line == "Latency Distribution":
			inDist = true
			continue
		case inDist && len(f) == 2 && strings.HasSuffix(f[0], "%"):
			p, err := strconv.ParseFloat(strings.TrimSuffix(f[0], "%"), 64)
			if err != nil {
				return Result{}, fmt.Errorf("wrk: percentile in %q: %w", line, err)
			}
			d, err := ParseDuration(f[1])
			if err != nil {
				return Result{}, fmt.Errorf("wrk: latency in %q: %w", line, err)
			}
			r.Latency[p] = d
			continue
		}
		inDist = false
		switch {
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			if err := r.parseSummary(line, f); err != nil {
				return Result{}, err
			}
			summary = true
		case strings.HasPrefix(line, "Requests/sec:"):
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, "Requests/sec:")), 64)
			if err != nil {
				return Result{}, fmt.Errorf("wrk: %q: %w", line, err)
			}
			r.RequestsPerSec = v
		case strings.HasPrefix(line, "Socket errors:"):
			if err := r.parseSocketErrors(line); err != nil {
				return Result{}, err
			}
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
			v, err := strconv.ParseUint(strings.TrimSpace(strings.TrimPrefix(line, "Non-2xx or 3xx responses:")), 10, 64)
			if err != nil {
				return Result{}, fmt.Errorf("wrk: %q: %w", line, err)
			}
			r.Non2xx3xx = v
		}
	}
	if !summary {
		return Result{}, ErrNoSummary
	}
	return r, nil
}

// parseSummary reads "80804 requests in 2.02s, 6.86MB read", split in f.
func (r *Result) parseSummary(line string, f []string) error {
	n, err := strconv.ParseUint(f[0], 10, 64)
	if err != nil {
		return fmt.Errorf("wrk: request count in %q: %w", line, err)
	}
	d, err := ParseDuration(strings.TrimSuffix(f[3], ","))
	if err != nil {
		return fmt.Errorf("wrk: window in %q: %w", line, err)
	}
	r.Requests, r.Elapsed = n, d
	return nil
}

// parseSocketErrors reads "Socket errors: connect 0, read 3, write 0, timeout 1".
func (r *Result) parseSocketErrors(line string) error {
	rest := strings.TrimPrefix(line, "Socket errors:")
	for part := range strings.SplitSeq(rest, ",") {
		f := strings.Fields(part)
		if len(f) != 2 {
			return fmt.Errorf("wrk: %q: want \"<kind> <count>\" pairs", line)
		}
		n, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			return fmt.Errorf("wrk: %q: %w", line, err)
		}
		switch f[0] {
		case "connect":
			r.ConnectErrors = n
		case "read":
			r.ReadErrors = n
		case "write":
			r.WriteErrors = n
		case "timeout":
			r.Timeouts = n
		default:
			return fmt.Errorf("wrk: %q: unknown error kind %q", line, f[0])
		}
	}
	return nil
}

// units are the suffixes wrk prints durations with, longest first so
// that "ms" is not read as "s".
var units = []struct {
	suffix string
	unit   time.Duration
}{
	{"us", time.Microsecond},
	{"ms", time.Millisecond},
	{"s", time.Second},
	{"m", time.Minute},
	{"h", time.Hour},
}

// ParseDuration reads a duration as wrk prints it: a decimal number and
// one of us, ms, s, m or h ("812.00us", "1.11ms", "2.02s", "1.50m").
func ParseDuration(s string) (time.Duration, error) {
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("wrk: duration %q: not a non-negative number of %s", s, u.suffix)
		}
		return time.Duration(v * float64(u.unit)), nil
	}
	return 0, fmt.Errorf("wrk: duration %q: no unit (us, ms, s, m, h)", s)
}
