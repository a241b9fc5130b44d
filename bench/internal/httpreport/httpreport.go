package httpreport

import (
	"io"
	"math"

	"github.com/asyncgo/async/bench/internal/report"
)

// Sample is what one round measured for one server. Fields not measured
// are NaN (use NewSample).
type Sample struct {
	Server     string
	Round      int
	ReqPerSec  float64
	P99us      float64
	CPUusReq   float64 // server CPU µs per request
	RSSPerIdle float64 // server RSS growth per idle keep-alive connection, bytes
}

// NewSample returns a sample with every measurement missing.
func NewSample(server string, round int) Sample {
	nan := math.NaN()
	return Sample{Server: server, Round: round, ReqPerSec: nan, P99us: nan, CPUusReq: nan, RSSPerIdle: nan}
}

// Row is one server's medians over the rounds.
type Row struct {
	Server    string
	ReqPerSec float64
	P99us     float64
	CPUusReq  float64
	// Ref is CPUusReq as a multiple of the reference server's, the median
	// of the ratios taken round by round.
	Ref        float64
	RSSPerIdle float64
}

// Summarize returns one Row per server in order, each the median of its
// samples. Ref is the median over rounds of the server's CPU per request
// divided by ref's in the same round, so both sides of each ratio saw the
// same machine; NaN when ref did not run.
func Summarize(samples []Sample, order []string, ref string) []Row {
	refCPU := map[int]float64{}
	for _, s := range samples {
		if s.Server == ref {
			refCPU[s.Round] = s.CPUusReq
		}
	}
	rows := make([]Row, 0, len(order))
	for _, name := range order {
		var rps, p99, cpu, ratio, rss []float64
		for _, s := range samples {
			if s.Server != name {
				continue
			}
			rps, p99 = append(rps, s.ReqPerSec), append(p99, s.P99us)
			cpu, rss = append(cpu, s.CPUusReq), append(rss, s.RSSPerIdle)
			if f, ok := refCPU[s.Round]; ok {
				ratio = append(ratio, s.CPUusReq/f)
			}
		}
		rows = append(rows, Row{Server: name, ReqPerSec: report.Median(rps), P99us: report.Median(p99),
			CPUusReq: report.Median(cpu), Ref: report.Median(ratio), RSSPerIdle: report.Median(rss)})
	}
	return rows
}

// columns returns the headers, the ratio column naming ref.
func columns(ref string) []string {
	return []string{"server", "req/s", "p99", "CPU µs/req", "× " + ref, "RSS B/idle conn"}
}

// cells formats r, one string per column.
func (r Row) cells() []string {
	return []string{
		r.Server,
		report.Num(r.ReqPerSec, "%.0f"),
		latency(r.P99us),
		report.Num(r.CPUusReq, "%.2f"),
		report.Num(r.Ref, "%.2f×"),
		report.Num(r.RSSPerIdle, "%.0f"),
	}
}

// latency formats microseconds, switching to milliseconds at 10 ms,
// or "–" when it is missing or infinite.
func latency(us float64) string {
	if math.IsInf(us, 0) {
		return "–"
	}
	return report.Latency(us)
}

// WriteTable writes rows as an aligned text table: the server name left
// aligned, numbers right aligned.
func WriteTable(w io.Writer, rows []Row, ref string) error {
	return report.WriteGrid(w, columns(ref), grid(rows))
}

// WriteMarkdownTable writes rows as a GitHub markdown table.
func WriteMarkdownTable(w io.Writer, rows []Row, ref string) error {
	return report.WriteMarkdownGrid(w, columns(ref), grid(rows))
}

// grid formats rows, one line of cells each.
func grid(rows []Row) [][]string {
	g := make([][]string, 0, len(rows))
	for _, r := range rows {
		g = append(g, r.cells())
	}
	return g
}
