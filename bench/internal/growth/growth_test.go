package growth

import (
	"math"
	"strings"
	"testing"
)

// The rules the soak command uses, restated here so the tests pin their
// behaviour on the shapes a soak produces.
var (
	countRule = Rule{}
	rssRule   = Rule{Slack: 1024, RelSlack: 0.10, MinTrend: 0.5} // KiB
)

// series returns n samples of f(i).
func series(n int, f func(i int) float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = f(i)
	}
	return xs
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{7}, 7},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{5, 5, 1, 5}, 5},
	} {
		in := append([]float64(nil), tc.xs...)
		if got := Median(tc.xs); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", in, got, tc.want)
		}
		for i := range in {
			if in[i] != tc.xs[i] {
				t.Fatalf("Median reordered its argument: %v, was %v", tc.xs, in)
			}
		}
	}
}

func TestTrend(t *testing.T) {
	for _, tc := range []struct {
		name string
		xs   []float64
		want float64
	}{
		{"empty", nil, 0},
		{"one", []float64{3}, 0},
		{"constant", []float64{2, 2, 2, 2}, 0},
		{"rising", []float64{1, 2, 3, 4}, 1},
		{"falling", []float64{4, 3, 2, 1}, -1},
		// Pairs: (1,3)+ (1,2)+ (3,2)- → 1/3.
		{"mixed", []float64{1, 3, 2}, 1.0 / 3},
		// A step up at two thirds: 2×1 rising pairs of 3 → 2/3.
		{"step", []float64{0, 0, 1}, 2.0 / 3},
	} {
		if got := Trend(tc.xs); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: Trend(%v) = %v, want %v", tc.name, tc.xs, got, tc.want)
		}
	}
}

func TestThirds(t *testing.T) {
	// n = 7: first 2, middle 3, last 2.
	v, err := Check([]float64{1, 1, 5, 5, 5, 9, 9}, countRule)
	if err != nil {
		t.Fatal(err)
	}
	if v.Samples != 7 || v.Early != 1 || v.Middle != 5 || v.Late != 9 || v.Growth() != 8 {
		t.Errorf("Check = %+v; want thirds 1, 5, 9", v)
	}
}

func TestCheckTooFew(t *testing.T) {
	_, err := Check([]float64{1, 2}, countRule)
	if err == nil || !strings.Contains(err.Error(), "2 samples") {
		t.Errorf("Check of 2 samples: %v; want an error naming the count", err)
	}
}

func TestCheck(t *testing.T) {
	const n = 54 // 10 minutes every 10 s, after a minute of warmup
	for _, tc := range []struct {
		name string
		xs   []float64
		rule Rule
		want bool
	}{
		{"count flat", series(n, func(int) float64 { return 57 }), countRule, false},
		{"count one leaked per sample", series(n, func(i int) float64 { return 57 + float64(i) }), countRule, true},
		{"count one leaked every ten samples", series(n, func(i int) float64 { return 57 + float64(i/10) }), countRule, true},
		{"count steps up once and stays", series(n, func(i int) float64 { return 57 + b2f(i >= 2*n/3) }), countRule, true},
		{"count blips up once", series(n, func(i int) float64 { return 57 + b2f(i == n/2) }), countRule, false},
		{"count rises then returns", series(n, func(i int) float64 { return 57 + b2f(i > n/3 && i < 2*n/3) }), countRule, false},
		{"count falls", series(n, func(i int) float64 { return 57 - b2f(i > n/2) }), countRule, false},
		{"count three samples rising", []float64{4, 5, 6}, countRule, true},
		{"count three samples flat", []float64{4, 4, 4}, countRule, false},

		{"rss flat", series(n, func(int) float64 { return 8000 }), rssRule, false},
		// A garbage-collected heap: a sawtooth of ±600 KiB.
		{"rss sawtooth", series(n, func(i int) float64 { return 8000 + float64(i%5)*300 - 600 }), rssRule, false},
		// A plateau reached after the warmup: one step of 500 KiB.
		{"rss one small step", series(n, func(i int) float64 { return 8000 + 500*b2f(i > n/2) }), rssRule, false},
		// One big step two thirds in: large, but not a trend.
		{"rss one big step", series(n, func(i int) float64 { return 8000 + 4000*b2f(i >= 2*n/3) }), rssRule, false},
		// 100 KiB a sample, 5.4 MiB over the run, under the sawtooth.
		{"rss leak under wobble", series(n, func(i int) float64 { return 8000 + 100*float64(i) + float64(i%5)*300 - 600 }), rssRule, true},
		// Rising, but within the 10 % allowed.
		{"rss slow creep within slack", series(n, func(i int) float64 { return 20000 + 30*float64(i) }), rssRule, false},
		{"rss falling", series(n, func(i int) float64 { return 12000 - 50*float64(i) }), rssRule, false},
	} {
		v, err := Check(tc.xs, tc.rule)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if v.Growing != tc.want {
			t.Errorf("%s: Growing = %v, want %v (verdict %+v)", tc.name, v.Growing, tc.want, v)
		}
	}
}

func TestAllowed(t *testing.T) {
	if got := rssRule.Allowed(8000); got != 1024 {
		t.Errorf("Allowed(8000) = %v, want the slack 1024", got)
	}
	if got := rssRule.Allowed(20000); got != 2000 {
		t.Errorf("Allowed(20000) = %v, want 10%% = 2000", got)
	}
	if got := countRule.Allowed(57); got != 0 {
		t.Errorf("zero Rule allows %v, want 0", got)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
