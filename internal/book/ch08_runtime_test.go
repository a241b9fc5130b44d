package book

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/delayserver"
)

// TestChapter8Runtime checks both runs: the bodies in the order of their
// delays, a pending-tasks line whenever the main future waits, each with
// the number of tasks whose bodies are not printed yet (a task prints its
// body just before it finishes), the final line, and a run shorter than
// the sum of the delays. The order and the duration depend on the machine
// keeping time to within a step, which a busy machine may not do once:
// the program gets three tries.
func TestChapter8Runtime(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		const step = 100 * time.Millisecond
		defer goleak.VerifyNone(t)
		defer checkFDs(t)()
		srv := startServer(t, impl, "127.0.0.1:0")
		defer closeServer(t, srv)

		var problems []string
		for try := 1; try <= 3; try++ {
			var out strings.Builder
			if err := Chapter8RuntimeDelays(&out, srv.Addr(), step); err != nil {
				t.Fatalf("Chapter8RuntimeDelays(%s, %v): %v", srv.Addr(), step, err)
			}
			sections := strings.Split(out.String(), "\n\n")
			if len(sections) != 2 || !strings.Contains(sections[1], "WithReactorGoroutine") {
				t.Fatalf("want two sections, the second for WithReactorGoroutine; output:\n%s", out.String())
			}
			problems = nil
			for _, s := range sections {
				problems = append(problems, checkChapter8Run(t, s)...)
			}
			for i, d := range elapsedTimes(t, out.String(), 2) {
				if longest, sum := 4*step, 10*step; d < longest || d >= sum {
					problems = append(problems, fmt.Sprintf("run %d took %v; want at least the longest delay %v and less than the sum %v", i, d, longest, sum))
				}
			}
			if len(problems) == 0 {
				return
			}
			t.Logf("try %d:\n%s", try, strings.Join(problems, "\n"))
		}
		t.Errorf("three tries out of order or out of time; the last:\n%s", strings.Join(problems, "\n"))
	})
}

// checkChapter8Run checks the lines of one run. It fails t if the run's
// shape is wrong, and returns what depends on timing: bodies out of the
// order of their delays, and the pending counts that follow from it.
func checkChapter8Run(t *testing.T, run string) (problems []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(run, "\n"), "\n")
	n := len(lines)
	if n < 5 || lines[1] != "Program starting" || lines[n-2] != "main: All tasks are finished" {
		t.Fatalf("want a heading, Program starting, ..., main: All tasks are finished, ELAPSED TIME; got:\n%s", run)
	}
	if want := fmt.Sprintf("main: %d pending tasks. Sleep until notified.", chapter8Requests); lines[2] != want {
		t.Errorf("after the spawns: %q; want %q", lines[2], want)
	}
	bodies := 0
	for _, l := range lines[2 : n-2] {
		var pending int
		if _, err := fmt.Sscanf(l, "main: %d pending tasks. Sleep until notified.", &pending); err == nil {
			if pending != chapter8Requests-bodies {
				problems = append(problems, fmt.Sprintf("%q after %d bodies; want %d pending", l, bodies, chapter8Requests-bodies))
			}
			continue
		}
		if want := fmt.Sprintf("HelloWorld%d", bodies); l != want {
			problems = append(problems, fmt.Sprintf("line %q; want %q", l, want))
		}
		bodies++
	}
	if bodies != chapter8Requests {
		t.Errorf("%d bodies; want %d; run:\n%s", bodies, chapter8Requests, run)
	}
	return problems
}

func TestChapter8RuntimeErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer checkFDs(t)()
	addr := refusedAddr(t)
	checkRefused(t, Chapter8RuntimeDelays(io.Discard, addr, time.Millisecond), addr)
	if err := Chapter8RuntimeDelays(io.Discard, addr, -time.Second); err == nil || !strings.Contains(err.Error(), "-1s") {
		t.Errorf("negative step: error %v; want one naming the step", err)
	}
}
