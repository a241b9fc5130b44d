package growth

import (
	"fmt"
	"slices"
)

// MinSamples is the fewest samples Check judges: one in each third.
const MinSamples = 3

// Rule is how much a series may grow before it counts as growing. The
// zero Rule allows no rise at all.
type Rule struct {
	// Slack is the rise always allowed, in the unit of the samples.
	Slack float64
	// RelSlack is the rise allowed as a fraction of the first third's
	// median. The larger of Slack and RelSlack × A applies.
	RelSlack float64
	// MinTrend is the least Kendall's tau, against the samples' order,
	// of a series that grows; whatever it is, tau must also be above 0.
	MinTrend float64
}

// Allowed returns the rise r allows over a series whose first third has
// median early.
func (r Rule) Allowed(early float64) float64 {
	return max(r.Slack, r.RelSlack*early)
}

// Verdict is what Check found.
type Verdict struct {
	Samples             int     // samples judged
	Early, Middle, Late float64 // medians of the first, middle and last thirds
	Allowed             float64 // the rise of Late over Early the rule allows
	Trend               float64 // Kendall's tau of the samples against their order
	Growing             bool    // the series keeps growing, by the rule
}

// Growth returns the rise of the last third's median over the first's,
// negative if the series fell.
func (v Verdict) Growth() float64 { return v.Late - v.Early }

// Check applies rule r to samples, which are in the order they were
// taken; see the package documentation for the rule. It fails if there are
// fewer than MinSamples.
func Check(samples []float64, r Rule) (Verdict, error) {
	n := len(samples)
	if n < MinSamples {
		return Verdict{}, fmt.Errorf("growth: %d samples, need at least %d (one per third)", n, MinSamples)
	}
	third := n / 3
	v := Verdict{
		Samples: n,
		Early:   Median(samples[:third]),
		Middle:  Median(samples[third : n-third]),
		Late:    Median(samples[n-third:]),
		Trend:   Trend(samples),
	}
	v.Allowed = r.Allowed(v.Early)
	v.Growing = v.Late-v.Early > v.Allowed &&
		v.Early <= v.Middle && v.Middle <= v.Late &&
		v.Trend > 0 && v.Trend >= r.MinTrend
	return v, nil
}

// Median returns the median of xs, the mean of the two middle values when
// there is an even number of them, or 0 for none. It does not change xs.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Trend returns Kendall's tau (tau-a) of xs against their order: the
// number of pairs i < j with xs[j] > xs[i], less the number with
// xs[j] < xs[i], over the number of pairs. Tied pairs count as neither, so
// a constant series has trend 0. Fewer than two samples have trend 0.
//
// It compares every pair, O(n²): a day sampled every 10 s, 8,640 samples,
// is 37 million comparisons, well under a second.
func Trend(xs []float64) float64 {
	n := len(xs)
	if n < 2 {
		return 0
	}
	var s int64
	for i := range n {
		for j := i + 1; j < n; j++ {
			switch {
			case xs[j] > xs[i]:
				s++
			case xs[j] < xs[i]:
				s--
			}
		}
	}
	return float64(s) / (float64(n) * float64(n-1) / 2)
}
