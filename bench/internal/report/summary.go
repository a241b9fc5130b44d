package report

import (
	"math"
	"slices"
)

// Sample is what one round measured for one server. Fields not measured
// are NaN (use NewSample).
type Sample struct {
	Server     string
	Round      int
	MsgsPerSec float64
	P50us      float64
	P99us      float64
	CPUusMsg   float64 // server CPU µs per echoed message
	RSSPerConn float64 // server RSS growth per held connection, bytes
}

// NewSample returns a sample with every measurement missing.
func NewSample(server string, round int) Sample {
	nan := math.NaN()
	return Sample{Server: server, Round: round, MsgsPerSec: nan, P50us: nan, P99us: nan, CPUusMsg: nan, RSSPerConn: nan}
}

// Row is one server's medians over the rounds.
type Row struct {
	Server     string
	MsgsPerSec float64
	P50us      float64
	P99us      float64
	CPUusMsg   float64
	Floor      float64 // CPUusMsg as a multiple of the floor server's, round by round
	RSSPerConn float64
}

// Summarize returns one Row per server in order, each the median of its
// samples. Floor is the median over rounds of the server's CPU per message
// divided by the floor server's in the same round, so both sides of each
// ratio saw the same machine conditions; NaN when floor did not run.
func Summarize(samples []Sample, order []string, floor string) []Row {
	floorCPU := map[int]float64{}
	for _, s := range samples {
		if s.Server == floor {
			floorCPU[s.Round] = s.CPUusMsg
		}
	}
	rows := make([]Row, 0, len(order))
	for _, name := range order {
		var mps, p50, p99, cpu, ratio, rss []float64
		for _, s := range samples {
			if s.Server != name {
				continue
			}
			mps, p50, p99 = append(mps, s.MsgsPerSec), append(p50, s.P50us), append(p99, s.P99us)
			cpu, rss = append(cpu, s.CPUusMsg), append(rss, s.RSSPerConn)
			if f, ok := floorCPU[s.Round]; ok {
				ratio = append(ratio, s.CPUusMsg/f)
			}
		}
		rows = append(rows, Row{Server: name, MsgsPerSec: Median(mps), P50us: Median(p50), P99us: Median(p99),
			CPUusMsg: Median(cpu), Floor: Median(ratio), RSSPerConn: Median(rss)})
	}
	return rows
}

// Median returns the median of the values that are not NaN (the mean of
// the middle two for an even count), or NaN if there are none.
func Median(xs []float64) float64 {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	mid := len(v) / 2
	if len(v)%2 == 1 {
		return v[mid]
	}
	return (v[mid-1] + v[mid]) / 2
}
