package book

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/delayserver"
)

// TestChapter10JoinAll checks that every task printed its body once and
// that they ran together: in far less than the sum of their delays. With
// delays a few milliseconds apart the order of the bodies is not checked.
func TestChapter10JoinAll(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		const step = 5 * time.Millisecond
		defer goleak.VerifyNone(t)
		defer checkFDs(t)()
		srv := startServer(t, impl, "127.0.0.1:0")
		defer closeServer(t, srv)

		var out strings.Builder
		if err := Chapter10JoinAllDelays(&out, srv.Addr(), step); err != nil {
			t.Fatalf("Chapter10JoinAllDelays(%s, %v): %v", srv.Addr(), step, err)
		}
		lines := strings.Split(out.String(), "\n")
		if lines[0] != "Program starting" {
			t.Errorf("first line %q; want Program starting", lines[0])
		}
		seen := make(map[string]int)
		for _, l := range lines {
			if strings.HasPrefix(l, "HelloAsyncAwait") {
				seen[l]++
			}
		}
		for i := range chapter10Tasks {
			if b := fmt.Sprintf("HelloAsyncAwait%d", i); seen[b] != 1 {
				t.Errorf("%s printed %d times; want once", b, seen[b])
			}
		}
		if len(seen) != chapter10Tasks {
			t.Errorf("bodies %q; want HelloAsyncAwait0 to HelloAsyncAwait%d", slices.Sorted(maps.Keys(seen)), chapter10Tasks-1)
		}
		if !strings.Contains(out.String(), "100 tasks with delays of 0 to 495ms, 24.75s in all, finished together in ") {
			t.Errorf("no summary line; output ends:\n%s", strings.Join(lines[len(lines)-4:], "\n"))
		}
		d := elapsedTimes(t, out.String(), 1)[0]
		if longest, sum := 99*step, 4950*step; d < longest || d >= sum/5 {
			t.Errorf("took %v; want at least the longest delay %v and far less than the sum %v", d, longest, sum)
		}
	})
}

func TestChapter10JoinAllErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer checkFDs(t)()
	addr := refusedAddr(t)
	checkRefused(t, Chapter10JoinAllDelays(io.Discard, addr, time.Millisecond), addr)
	if err := Chapter10JoinAllDelays(io.Discard, addr, -time.Second); err == nil || !strings.Contains(err.Error(), "-1s") {
		t.Errorf("negative step: error %v; want one naming the step", err)
	}
}
