package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/asyncgo/async/bench/internal/growth"
	"github.com/asyncgo/async/bench/internal/procfs"
)

// sample is one reading of the server, and of the load's count.
type sample struct {
	at         time.Duration // when it was due, from the start of the load
	taken      time.Time     // when the load's count was read
	messages   uint64        // echoes checked so far
	rate       float64       // echoes a second since the previous sample; NaN for the first
	rssKiB     uint64        // the server's VmRSS
	fds        int           // the server's open descriptors
	goroutines int           // the server's runtime.NumGoroutine
}

// sampleTimes returns when samples are due over a run of d: at 0, every
// interval, and at d.
func sampleTimes(d, interval time.Duration) []time.Duration {
	var ts []time.Duration
	for t := time.Duration(0); t < d; t += interval {
		ts = append(ts, t)
	}
	return append(ts, d)
}

// judged returns how many of the sample times are at warmup or later.
func judged(times []time.Duration, warmup time.Duration) int {
	n := 0
	for _, t := range times {
		if t >= warmup {
			n++
		}
	}
	return n
}

// sampler reads the server's resources and the load's count.
type sampler struct {
	srv, load *child
	proc      string // the proc filesystem, "/proc"
}

// run takes a sample at each of times, counted from now, and prints each
// as a row of out. It fails at once if either child exits or a reading
// fails, returning the samples taken so far.
func (s *sampler) run(ctx context.Context, times []time.Duration, out io.Writer) ([]sample, error) {
	fmt.Fprintf(out, "%8s %12s %9s %9s %5s %10s\n", "elapsed", "messages", "msg/s", "RSS KiB", "fds", "goroutines")
	start := time.Now()
	samples := make([]sample, 0, len(times))
	for _, at := range times {
		if err := s.wait(ctx, start.Add(at)); err != nil {
			return samples, fmt.Errorf("before the sample at %s: %w", clock(at), err)
		}
		x, err := s.take(ctx, at)
		if err != nil {
			return samples, fmt.Errorf("sample at %s: %w", clock(at), err)
		}
		x.rate = math.NaN()
		if len(samples) > 0 {
			prev := samples[len(samples)-1]
			x.rate = float64(x.messages-prev.messages) / x.taken.Sub(prev.taken).Seconds()
		}
		samples = append(samples, x)
		fmt.Fprintln(out, x.row())
	}
	return samples, nil
}

// wait waits until t, failing if ctx ends or a child exits first.
func (s *sampler) wait(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-s.srv.done:
		return s.srv.exitError()
	case <-s.load.done:
		return s.load.exitError()
	}
}

// take reads the load's count, then the server's RSS, descriptors and
// goroutines.
func (s *sampler) take(ctx context.Context, at time.Duration) (sample, error) {
	x := sample{at: at}
	line, err := s.load.ask(ctx, requestStats, askTimeout)
	if err != nil {
		return x, err
	}
	x.taken = time.Now()
	if x.messages, err = parseCount(line, answerMessages); err != nil {
		return x, fmt.Errorf("load: %w", err)
	}
	rss, err := procfs.ReadRSS(s.proc, s.srv.pid)
	if err != nil {
		return x, fmt.Errorf("server: %w", err)
	}
	x.rssKiB = rss / 1024
	if x.fds, err = countFDs(s.proc, s.srv.pid); err != nil {
		return x, fmt.Errorf("server: %w", err)
	}
	if line, err = s.srv.ask(ctx, requestStats, askTimeout); err != nil {
		return x, err
	}
	g, err := parseCount(line, answerGoroutines)
	if err != nil {
		return x, fmt.Errorf("server: %w", err)
	}
	x.goroutines = int(g)
	return x, nil
}

// row formats x under the header run prints.
func (x sample) row() string {
	rate := "-"
	if !math.IsNaN(x.rate) {
		rate = strconv.FormatFloat(x.rate, 'f', 0, 64)
	}
	return fmt.Sprintf("%8s %12d %9s %9d %5d %10d", clock(x.at), x.messages, rate, x.rssKiB, x.fds, x.goroutines)
}

// clock formats d as m:ss, or h:mm:ss from an hour, with tenths of a
// second when d is not whole seconds.
func clock(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	secs := fmt.Sprintf("%02d", int(d%time.Minute/time.Second))
	if d%time.Second != 0 {
		secs = fmt.Sprintf("%04.1f", (d % time.Minute).Seconds())
	}
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%s", h, m, secs)
	}
	return fmt.Sprintf("%d:%s", m, secs)
}

// countFDs returns how many descriptors process pid has open: the
// entries of <proc>/<pid>/fd.
func countFDs(proc string, pid int) (int, error) {
	dir := filepath.Join(proc, strconv.Itoa(pid), "fd")
	f, err := os.Open(dir)
	if err != nil {
		return 0, fmt.Errorf("count descriptors of pid %d: %w", pid, err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return 0, fmt.Errorf("count descriptors of pid %d: %w", pid, err)
	}
	return len(names), nil
}

// resource is a measure of the server that must not keep growing.
type resource struct {
	name  string
	unit  string // "" for a count
	rule  growth.Rule
	value func(sample) float64
}

// rssRule allows the resident set to rise by 1 MiB or 10 %, whichever is
// more, and needs a clear upward trend: a garbage-collected heap wobbles,
// and may settle a step higher once, without leaking.
var rssRule = growth.Rule{Slack: 1024, RelSlack: 0.10, MinTrend: 0.5}

// resources are what soak judges. Descriptors and goroutines must be flat:
// the load holds the same connections throughout, so the zero Rule allows
// them no rise at all.
var resources = []resource{
	{"RSS", "KiB", rssRule, func(x sample) float64 { return float64(x.rssKiB) }},
	{"fds", "", growth.Rule{}, func(x sample) float64 { return float64(x.fds) }},
	{"goroutines", "", growth.Rule{}, func(x sample) float64 { return float64(x.goroutines) }},
}

// verdict is one resource's judgement.
type verdict struct {
	resource
	growth.Verdict
}

// judge applies each resource's rule to the samples due at warmup or
// later.
func judge(samples []sample, warmup time.Duration) ([]verdict, error) {
	var after []sample
	for _, x := range samples {
		if x.at >= warmup {
			after = append(after, x)
		}
	}
	vs := make([]verdict, 0, len(resources))
	for _, r := range resources {
		xs := make([]float64, len(after))
		for i, x := range after {
			xs[i] = r.value(x)
		}
		v, err := growth.Check(xs, r.rule)
		if err != nil {
			return nil, fmt.Errorf("judge %s: %w", r.name, err)
		}
		vs = append(vs, verdict{r, v})
	}
	return vs, nil
}

// report prints the verdicts and returns an error naming every resource
// that kept growing, or prints that the server passed.
func report(out io.Writer, vs []verdict, samples []sample, cfg config) error {
	if len(vs) == 0 || len(samples) == 0 {
		return errors.New("nothing to report")
	}
	fmt.Fprintf(out, "\njudged %d samples from %s on; medians of their first, middle and last thirds:\n", vs[0].Samples, clock(cfg.warmup))
	fmt.Fprintf(out, "%-10s %9s %9s %9s %9s %9s %7s\n", "", "first", "middle", "last", "growth", "allowed", "trend")
	var fails []string
	for _, v := range vs {
		state := "ok"
		if v.Growing {
			state = "GROWING"
			fails = append(fails, v.failure(cfg.warmup))
		}
		fmt.Fprintf(out, "%-10s %9s %9s %9s %9s %9s %+7.2f  %s\n", v.label(), num(v.Early), num(v.Middle), num(v.Late),
			signed(v.Growth()), num(v.Allowed), v.Trend, state)
	}
	if len(fails) > 0 {
		return errors.New(strings.Join(fails, "; "))
	}
	last := samples[len(samples)-1]
	fmt.Fprintf(out, "soak: PASS: %d echoes over %v on %d connections (%.0f msg/s), each equal to its unique message, no connection error; RSS, fds and goroutines did not keep growing\n",
		last.messages, cfg.duration, cfg.conns, float64(last.messages)/last.at.Seconds())
	return nil
}

// label is the resource's name and unit, as a table row's head.
func (r resource) label() string {
	if r.unit == "" {
		return r.name
	}
	return r.name + " " + r.unit
}

// failure says how the resource grew, for the error of a failed run.
func (v verdict) failure(warmup time.Duration) string {
	unit, allowed := "", "none allowed"
	if v.unit != "" {
		unit = " " + v.unit
	}
	if v.Allowed > 0 {
		allowed = num(v.Allowed) + unit + " allowed"
	}
	pct := ""
	if v.Early > 0 {
		pct = fmt.Sprintf(" (%+.1f%%)", v.Growth()/v.Early*100)
	}
	return fmt.Sprintf("%s kept growing after the %v warmup: up %s%s%s, from a median of %s%s over the first third of the judged samples to %s%s over the last (%s), trend %+.2f",
		v.name, warmup, num(v.Growth()), unit, pct, num(v.Early), unit, num(v.Late), unit, allowed, v.Trend)
}

// num formats x as an integer when it is one, else with one decimal: the
// medians are of whole numbers, so at worst halves.
func num(x float64) string {
	if x == math.Trunc(x) {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// signed is num with a sign.
func signed(x float64) string {
	if x >= 0 {
		return "+" + num(x)
	}
	return num(x)
}
