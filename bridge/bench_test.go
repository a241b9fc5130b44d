package bridge

import (
	"io"
	"testing"

	"github.com/asyncgo/async/internal/rttest"
)

// roundTrip writes msg through nc and reads the echo back into buf.
func roundTrip(tb testing.TB, nc io.ReadWriter, msg, buf []byte) {
	if _, err := nc.Write(msg); err != nil {
		tb.Fatal(err)
	}
	if _, err := io.ReadFull(nc, buf); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkRoundTrip is a bridged 64-byte Write and the Read of its echo
// by a task on the executor: a loopback round trip with two thread
// wake-ups (the executor's, then the reading goroutine's).
func BenchmarkRoundTrip(b *testing.B) {
	h := newHarness(b, rttest.Executors[0])
	nc := bridged(h)
	msg, buf := make([]byte, 64), make([]byte, 64)
	roundTrip(b, nc, msg, buf) // the first call of each direction checks the stack
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		roundTrip(b, nc, msg, buf)
	}
}

// A round trip in steady state allocates nothing, on either side: the
// bridge's waker, Context and timer are made once, and the connection's
// futures are reused.
func TestRoundTripAllocates(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		msg, buf := make([]byte, 64), make([]byte, 64)
		roundTrip(t, nc, msg, buf)
		allocs := testing.AllocsPerRun(200, func() { roundTrip(t, nc, msg, buf) })
		// AllocsPerRun counts every goroutine's allocations; the runtime's
		// own (a timer, a stack growing) may land in the count once in a while.
		if allocs > 0.1 {
			t.Fatalf("%.2f allocations per round trip; want 0", allocs)
		}
	})
}
