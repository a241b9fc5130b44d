package histogram

import (
	"math"
	"testing"
	"time"
)

func TestIndexBoundsAgree(t *testing.T) {
	values := []uint64{0, 1, 63, 127, 128, 129, 255, 256, 1000, 12345, 1 << 20, 987654321, 1 << 40, math.MaxInt64}
	for _, v := range values {
		i := index(v)
		if i < 0 || i >= numBuckets {
			t.Fatalf("index(%d) = %d, outside [0, %d)", v, i, numBuckets)
		}
		lo, hi := bounds(i)
		if v < lo || (v >= hi && hi != 0) {
			t.Errorf("value %d in bucket %d with bounds [%d, %d)", v, i, lo, hi)
		}
	}
}

func TestBucketsAreContiguous(t *testing.T) {
	_, prevHi := bounds(0)
	for i := 1; i < numBuckets-1; i++ {
		lo, hi := bounds(i)
		if lo != prevHi {
			t.Fatalf("bucket %d starts at %d, previous ended at %d", i, lo, prevHi)
		}
		if i >= 2*sub && float64(hi-lo)/float64(lo) > 1.0/sub+1e-12 {
			t.Fatalf("bucket %d [%d, %d) wider than 1/%d of its start", i, lo, hi, sub)
		}
		prevHi = hi
	}
}

func TestQuantiles(t *testing.T) {
	var h H
	if h.Quantile(0.5) != 0 {
		t.Fatalf("empty histogram: Quantile(0.5) = %v, want 0", h.Quantile(0.5))
	}
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, 1000 * time.Microsecond}} {
		got := h.Quantile(tc.q)
		if rel := math.Abs(float64(got-tc.want)) / float64(tc.want); rel > 1.0/sub {
			t.Errorf("Quantile(%v) = %v, want %v within 1/%d", tc.q, got, tc.want, sub)
		}
	}
}

func TestMerge(t *testing.T) {
	var a, b H
	a.Record(10 * time.Microsecond)
	b.Record(20 * time.Microsecond)
	b.Record(-time.Second)
	a.Merge(&b)
	if a.Count() != 3 {
		t.Fatalf("merged count = %d, want 3", a.Count())
	}
	if got := a.Quantile(0.01); got != 0 {
		t.Errorf("smallest = %v, want 0 (negative recorded as zero)", got)
	}
}
