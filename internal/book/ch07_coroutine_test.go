package book

import (
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/delayserver"
	"golang.org/x/sys/unix"
)

// TestChapter7Coroutine checks the hand-written coroutine: the two bodies
// in order, after the sum of their delays (they are awaited one after the
// other), with ticks of the timer meanwhile, and no more ticks than the
// time allows: they come from a timer, not from a busy loop.
func TestChapter7Coroutine(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		const step = 25 * time.Millisecond
		defer goleak.VerifyNone(t)
		defer checkFDs(t)()
		srv := startServer(t, impl, "127.0.0.1:0")
		defer closeServer(t, srv)

		var out strings.Builder
		if err := Chapter7CoroutineDelays(&out, srv.Addr(), step); err != nil {
			t.Fatalf("Chapter7CoroutineDelays(%s, %v): %v", srv.Addr(), step, err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		var bodies []string
		ticks := make([]int, 3) // before the first body, between, after the second
		for _, l := range lines[1 : len(lines)-2] {
			switch l {
			case "Schedule other tasks":
				ticks[min(len(bodies), 2)]++
			default:
				bodies = append(bodies, l)
			}
		}
		elapsed := elapsedTimes(t, out.String(), 1)[0]
		switch {
		case lines[0] != "Program starting" || lines[len(lines)-2] != "":
			t.Errorf("want Program starting first and a blank line before ELAPSED TIME; output:\n%s", out.String())
		case !slices.Equal(bodies, []string{"HelloWorld1", "HelloWorld2"}):
			t.Errorf("bodies %q; want HelloWorld1, HelloWorld2; output:\n%s", bodies, out.String())
		case ticks[0] == 0 || ticks[1] == 0:
			t.Errorf("ticks before, between and after the bodies: %v; want some while each request waits; output:\n%s", ticks, out.String())
		case ticks[2] != 0:
			t.Errorf("%d ticks after the last body; want none", ticks[2])
		}
		if n, most := ticks[0]+ticks[1], int(elapsed/step)+2; n > most {
			t.Errorf("%d ticks in %v; a timer of period %v gives at most %d", n, elapsed, step, most)
		}
		if sum := 10 * step; elapsed < sum {
			t.Errorf("took %v; the requests are awaited one after the other, so at least %v", elapsed, sum)
		}
	})
}

func TestChapter7CoroutineErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer checkFDs(t)()
	addr := refusedAddr(t)
	err := Chapter7CoroutineDelays(io.Discard, addr, time.Millisecond)
	checkRefused(t, err, addr)
	if err := Chapter7CoroutineDelays(io.Discard, addr, 0); err == nil || !strings.Contains(err.Error(), "0s") {
		t.Errorf("step 0: error %v; want one naming the step", err)
	}
}

// elapsedTimes returns the durations of the output's "ELAPSED TIME: "
// lines, of which there must be want.
func elapsedTimes(t *testing.T, out string, want int) []time.Duration {
	t.Helper()
	var ds []time.Duration
	for l := range strings.Lines(out) {
		text, ok := strings.CutPrefix(strings.TrimSuffix(l, "\n"), "ELAPSED TIME: ")
		if !ok {
			continue
		}
		d, err := time.ParseDuration(text)
		if err != nil {
			t.Fatalf("ELAPSED TIME line %q: %v", l, err)
		}
		ds = append(ds, d)
	}
	if len(ds) != want {
		t.Fatalf("%d ELAPSED TIME lines; want %d; output:\n%s", len(ds), want, out)
	}
	return ds
}

// refusedAddr returns an address where no one listens: a port that was
// free a moment ago is very likely still free.
func refusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// checkRefused checks that err says the connection to addr was refused.
func checkRefused(t *testing.T, err error, addr string) {
	t.Helper()
	if !errors.Is(err, unix.ECONNREFUSED) || !strings.Contains(err.Error(), addr) {
		t.Errorf("error %v; want connection refused, naming %s", err, addr)
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
