package main

import (
	"io"
	"math"

	"github.com/asyncgo/async/bench/internal/report"
)

// sample is what one round measured for one server. Fields not measured
// are NaN (use newSample).
type sample struct {
	server string
	round  int
	cpuNs  float64 // server CPU ns per delivered message
	userNs float64 // its user-mode part
	p50us  float64 // delivery latency percentiles
	p99us  float64
	maxUs  float64
	rssB   float64 // RSS growth per idle connection, bytes
	goB    float64 // Go heap and stack growth per idle connection, bytes
	rssMiB float64 // RSS after the broadcasts, MiB
}

// newSample returns a sample with every measurement missing.
func newSample(server string, round int) sample {
	nan := math.NaN()
	return sample{server: server, round: round, cpuNs: nan, userNs: nan, p50us: nan, p99us: nan, maxUs: nan,
		rssB: nan, goB: nan, rssMiB: nan}
}

// fromRun fills s from a run that succeeded.
func (s *sample) fromRun(r runResult) {
	s.cpuNs, s.userNs = r.nsPerDelivery(r.cpu), r.nsPerDelivery(r.user)
	s.p50us, s.p99us, s.maxUs = r.load.P50us, r.load.P99us, r.load.MaxUs
	s.rssB, s.goB = r.perConn(r.rss0, r.rssIdle), r.perConn(r.go0, r.goIdle)
	s.rssMiB = float64(r.rssEnd) / (1 << 20)
}

// row is one server's medians over the rounds.
type row struct {
	server                             string
	cpuNs, userNs, p50us, p99us, maxUs float64
	rssB, goB, rssMiB                  float64
}

// summarize returns one row per server in order, each value the median of
// that server's samples.
func summarize(samples []sample, order []string) []row {
	rows := make([]row, 0, len(order))
	for _, name := range order {
		var cpu, user, p50, p99, mx, rss, goB, mib []float64
		for _, s := range samples {
			if s.server != name {
				continue
			}
			cpu, user, p50, p99, mx = append(cpu, s.cpuNs), append(user, s.userNs), append(p50, s.p50us), append(p99, s.p99us), append(mx, s.maxUs)
			rss, goB, mib = append(rss, s.rssB), append(goB, s.goB), append(mib, s.rssMiB)
		}
		rows = append(rows, row{server: name, cpuNs: report.Median(cpu), userNs: report.Median(user),
			p50us: report.Median(p50), p99us: report.Median(p99), maxUs: report.Median(mx),
			rssB: report.Median(rss), goB: report.Median(goB), rssMiB: report.Median(mib)})
	}
	return rows
}

// columns are the table's headers.
var columns = []string{"server", "CPU ns/msg", "user ns/msg", "p50", "p99", "max", "RSS B/idle conn", "Go B/idle conn", "RSS MiB"}

// cells formats r, one string per column.
func (r row) cells() []string {
	return []string{
		r.server,
		report.Num(r.cpuNs, "%.0f"),
		report.Num(r.userNs, "%.0f"),
		report.Latency(r.p50us),
		report.Latency(r.p99us),
		report.Latency(r.maxUs),
		report.Num(r.rssB, "%.0f"),
		report.Num(r.goB, "%.0f"),
		report.Num(r.rssMiB, "%.1f"),
	}
}

// grid formats rows, one line of cells each.
func grid(rows []row) [][]string {
	g := make([][]string, 0, len(rows))
	for _, r := range rows {
		g = append(g, r.cells())
	}
	return g
}

// writeTable writes rows as an aligned text table.
func writeTable(w io.Writer, rows []row) error { return report.WriteGrid(w, columns, grid(rows)) }

// writeMarkdownTable writes rows as a GitHub markdown table.
func writeMarkdownTable(w io.Writer, rows []row) error {
	return report.WriteMarkdownGrid(w, columns, grid(rows))
}
