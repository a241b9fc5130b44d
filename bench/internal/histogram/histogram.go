package histogram

import (
	"math/bits"
	"time"
)

// subBits sets the precision: 1<<subBits buckets per power of two.
const subBits = 6

const (
	sub = 1 << subBits
	// numBuckets covers every non-negative int64 nanosecond value: the
	// largest index is sub*(63-subBits) + (2*sub-1).
	numBuckets = sub*(64-subBits) + sub
)

// H is a latency histogram. The zero value is empty and ready to use.
type H struct {
	counts [numBuckets]uint64
	total  uint64
}

// index returns the bucket of v nanoseconds.
func index(v uint64) int {
	shift := bits.Len64(v) - (subBits + 1)
	if shift < 0 {
		return int(v) // exact region: v < 2*sub
	}
	return sub*shift + int(v>>uint(shift))
}

// bounds returns the half-open range [lo, hi) of values in bucket i.
func bounds(i int) (lo, hi uint64) {
	if i < 2*sub {
		return uint64(i), uint64(i) + 1
	}
	shift := i/sub - 1
	m := uint64(i - sub*shift)
	return m << uint(shift), (m + 1) << uint(shift)
}

// Record adds one observation; negative durations count as zero.
func (h *H) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[index(uint64(d))]++
	h.total++
}

// Count returns the number of observations.
func (h *H) Count() uint64 { return h.total }

// Merge adds every observation of o to h.
func (h *H) Merge(o *H) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
}

// Quantile returns the q-quantile (0 < q <= 1) as the midpoint of the
// bucket holding it, or 0 for an empty histogram.
func (h *H) Quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(q*float64(h.total) + 0.5)
	if rank < 1 {
		rank = 1
	}
	if rank > h.total {
		rank = h.total
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bounds(i)
			return time.Duration(lo + (hi-lo)/2)
		}
	}
	panic("histogram: counts sum to less than total")
}
