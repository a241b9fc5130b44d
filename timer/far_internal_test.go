package timer

import (
	"math"
	"testing"
	"time"

	"github.com/asyncgo/async/reactor"
)

func TestUnixNanoSaturates(t *testing.T) {
	const sec = int64(time.Second)
	cases := []struct {
		t    time.Time
		want int64
	}{
		{time.Unix(0, 0), 0},
		{time.Unix(math.MaxInt64/sec-1, sec-1), (math.MaxInt64/sec-1)*sec + sec - 1},
		{time.Unix(math.MaxInt64/sec, 0), math.MaxInt64},
		{time.Unix(0, math.MaxInt64), math.MaxInt64},
		{time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC), math.MaxInt64},
		{time.Date(1e6, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxInt64},
		{time.Unix(math.MinInt64/sec+1, 0), (math.MinInt64/sec + 1) * sec},
		{time.Unix(math.MinInt64/sec, 0), math.MinInt64},
		{time.Unix(0, math.MinInt64), math.MinInt64},
		{time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), math.MinInt64},
		{time.Time{}, math.MinInt64},
	}
	for _, c := range cases {
		if got := unixNano(c.t); got != c.want {
			t.Errorf("unixNano(%v) = %d, want %d", c.t, got, c.want)
		}
	}
	if !deadlineAt(math.MaxInt64).Equal(reactor.Never()) {
		t.Error("deadlineAt(math.MaxInt64) is not reactor.Never()")
	}
	if got := deadlineAt(math.MinInt64); !got.Equal(time.Unix(0, math.MinInt64)) {
		t.Errorf("deadlineAt(math.MinInt64) = %v", got)
	}
}

// following must not overflow when a period and the lateness of a tick add
// up to more than the largest Duration: the next tick is still the one the
// documented missed-tick behaviour names.
func TestFollowingFarPeriod(t *testing.T) {
	const year = 365 * 24 * time.Hour
	due := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		missed MissedTick
		period time.Duration
		late   time.Duration // how long after due the tick is delivered
		want   time.Time
	}{
		// 200 years late for a 150-year period: Skip keeps the phase and
		// takes the first multiple after now, 300 years after due.
		{Skip, 150 * year, 200 * year, due.Add(150 * year).Add(150 * year)},
		{Burst, 150 * year, 200 * year, due.Add(150 * year)},
		{Delay, 150 * year, 200 * year, due.Add(200 * year).Add(150 * year)},
		// On time: the next multiple, for every behaviour.
		{Skip, 280 * year, time.Hour, due.Add(280 * year)},
	}
	for _, c := range cases {
		iv := NewInterval(c.period)
		iv.SetMissedTick(c.missed)
		if got := iv.following(due, due.Add(c.late)); !got.Equal(c.want) {
			t.Errorf("MissedTick %d, period %v, %v late: next tick due at %v, want %v",
				c.missed, c.period, c.late, got, c.want)
		}
	}
}
