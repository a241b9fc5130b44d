package wheel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchSpread is the range of random deadlines, in ticks after elapsed:
// up to 100 s at 1 ms per tick, which covers levels 0 to 2.
const benchSpread = 100_000

func randomDeltas(n int) []uint64 {
	r := rand.New(rand.NewPCG(7, 8))
	d := make([]uint64, n)
	for i := range d {
		d[i] = 1 + r.Uint64N(benchSpread)
	}
	return d
}

// BenchmarkInsertRemove is a timer armed and cancelled before it fires, the
// common case for I/O timeouts, with 10,000 other timers in the wheel.
func BenchmarkInsertRemove(b *testing.B) {
	var w Wheel
	resident := make([]Entry, 10_000)
	for i, d := range randomDeltas(len(resident)) {
		w.Insert(&resident[i], d)
	}
	deltas := randomDeltas(4096)
	var e Entry
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		w.Insert(&e, w.elapsed+deltas[i&4095])
		w.Remove(&e)
		i++
	}
}

// BenchmarkInsertPollFire inserts n entries with random deadlines, then
// advances the wheel past all of them and fires each: in one jump, or tick by
// tick as the runtime's driver does when it wakes every millisecond. It
// reports the cost per entry, cascades and empty polls included.
func BenchmarkInsertPollFire(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		for _, mode := range []string{"jump", "tick"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, mode), func(b *testing.B) {
				var w Wheel
				entries := make([]Entry, n)
				deltas := randomDeltas(n)
				b.ReportAllocs()
				fired := 0
				for b.Loop() {
					base := w.elapsed
					for i := range entries {
						w.Insert(&entries[i], base+deltas[i])
					}
					end := base + benchSpread
					if mode == "jump" {
						for e := w.Poll(end); e != nil; e = w.Poll(end) {
							fired++
						}
						continue
					}
					for now := base + 1; now <= end; now++ {
						for e := w.Poll(now); e != nil; e = w.Poll(now) {
							fired++
						}
					}
				}
				if fired != n*b.N {
					b.Fatalf("fired %d, want %d", fired, n*b.N)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(fired), "ns/entry")
			})
		}
	}
}

// BenchmarkPollIdle is a Poll with nothing due, with entries spread over
// several levels: the bitmap path that runs on every driver wakeup.
func BenchmarkPollIdle(b *testing.B) {
	var w Wheel
	entries := make([]Entry, 1000)
	for i := range entries {
		w.Insert(&entries[i], 1<<20+uint64(i)*p3)
	}
	b.ReportAllocs()
	for b.Loop() {
		if w.Poll(1000) != nil {
			b.Fatal("fired")
		}
	}
}

// BenchmarkNextDeadline is the driver asking how long it may sleep.
func BenchmarkNextDeadline(b *testing.B) {
	var w Wheel
	entries := make([]Entry, 1000)
	for i, d := range randomDeltas(len(entries)) {
		w.Insert(&entries[i], 1<<20+d)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := w.NextDeadline(); !ok {
			b.Fatal("empty")
		}
	}
}
