//go:build linux

package poll

import (
	"math"
	"testing"
	"time"
)

// TestWaitMillis: the millisecond count epoll_pwait gets rounds up, never
// turns a long timeout into an unbounded wait, and keeps -1 for none.
func TestWaitMillis(t *testing.T) {
	for _, c := range []struct {
		timeout time.Duration
		want    int
	}{
		{-1, -1},
		{Forever, -1},
		{0, 0},
		{1, 1},
		{time.Millisecond, 1},
		{time.Millisecond + 1, 2},
		{math.MaxInt32*time.Millisecond - 1, math.MaxInt32},
		{math.MaxInt32 * time.Millisecond, math.MaxInt32},
		{math.MaxInt64 - 1, math.MaxInt32}, // overflowed to no limit before
		{math.MaxInt64, math.MaxInt32},
	} {
		if got := waitMillis(c.timeout); got != c.want {
			t.Errorf("waitMillis(%d) = %d, want %d", c.timeout, got, c.want)
		}
	}
}
