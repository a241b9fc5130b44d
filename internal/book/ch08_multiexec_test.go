package book

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/delayserver"
)

// TestChapter8Multiexec checks that every executor printed each of its
// bodies once, tagged with its number and in the order of the delays, and
// that the executors ran at the same time: the whole run is shorter than
// one executor's delays added up.
func TestChapter8Multiexec(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		const (
			step      = 100 * time.Millisecond // far apart enough that a busy machine keeps the order
			executors = 4
		)
		defer goleak.VerifyNone(t)
		defer checkFDs(t)()
		srv := startServer(t, impl, "127.0.0.1:0")
		defer closeServer(t, srv)

		var out strings.Builder
		if err := Chapter8MultiexecDelays(&out, srv.Addr(), executors, step); err != nil {
			t.Fatalf("Chapter8MultiexecDelays(%s, %d, %v): %v", srv.Addr(), executors, step, err)
		}
		got := make(map[int][]string) // executor -> its lines, in order
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		for _, l := range lines[:len(lines)-1] {
			var k int
			if _, err := fmt.Sscanf(l, "executor %d: ", &k); err != nil {
				t.Fatalf("line %q: want it tagged with its executor", l)
			}
			_, text, _ := strings.Cut(l, ": ")
			got[k] = append(got[k], text)
		}
		if len(got) != executors {
			t.Errorf("lines from %d executors; want %d; output:\n%s", len(got), executors, out.String())
		}
		for k := 1; k <= executors; k++ {
			want := []string{"Program starting"}
			for i := range chapter8Requests {
				want = append(want, fmt.Sprintf("HelloAsyncAwait-%d-%d", k, i))
			}
			want = append(want, "All tasks are finished")
			if !slices.Equal(got[k], want) {
				t.Errorf("executor %d printed %q; want %q", k, got[k], want)
			}
		}
		d := elapsedTimes(t, out.String(), 1)[0]
		if longest, sum := 4*step, 10*step; d < longest || d >= sum {
			t.Errorf("took %v; want at least the longest delay %v and less than one executor's sum %v", d, longest, sum)
		}
	})
}

func TestChapter8MultiexecErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer checkFDs(t)()
	addr := refusedAddr(t)
	err := Chapter8MultiexecDelays(io.Discard, addr, 3, time.Millisecond)
	checkRefused(t, err, addr)
	if want := "(and 2 more executors failed)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v; want the first executor's, saying %q", err, want)
	}
	if err := Chapter8MultiexecDelays(io.Discard, addr, 0, time.Millisecond); err == nil || !strings.Contains(err.Error(), "0 executors") {
		t.Errorf("no executors: error %v; want one saying so", err)
	}
	if err := Chapter8MultiexecDelays(io.Discard, addr, 1, -time.Second); err == nil || !strings.Contains(err.Error(), "-1s") {
		t.Errorf("negative step: error %v; want one naming the step", err)
	}
}
