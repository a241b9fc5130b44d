package lifecycle

import (
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// timerCases are package timer's futures: each arms a timer on its first
// poll, which its cancellation must disarm.
func timerCases() []lcase {
	return []lcase{
		{name: "timer.Sleep", pendable: true, body: func(h *H) {
			cancel(h, timer.Sleep(time.Hour), 0)
			await(h, timer.Sleep(time.Millisecond)) // the timers still run
		}},
		{name: "timer.SleepUntil", pendable: true, body: func(h *H) {
			cancel(h, timer.SleepUntil(time.Now().Add(time.Hour)), 0)
			await(h, timer.SleepUntil(time.Now().Add(time.Millisecond)))
		}},
		{name: "timer.Timer/Reset-after-cancel", pendable: true, body: func(h *H) {
			s := timer.Sleep(time.Hour)
			cancel(h, async.Future[struct{}](s), 0)
			s.Reset(h.reactor().Now().Add(time.Millisecond))
			await(h, async.Future[struct{}](s))
		}},
		{name: "timer.Timeout", pendable: true, body: func(h *H) {
			a, b := tcpPair(h)
			defer a.Close()
			defer b.Close()
			cancel(h, timer.Timeout(b.Read(make([]byte, 8)), time.Hour), 1)
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "timer.Deadline", pendable: true, body: func(h *H) {
			p := testfut.New[int]()
			cancel(h, timer.DeadlineValue[int](p, time.Now().Add(time.Hour)), 0)
			testfut.AssertCancelled(h.t, p)
			testfut.AssertClean(h.t, p)
		}},
		{name: "timer.Interval.Tick", pendable: true, body: func(h *H) {
			// The first tick is ready at once, so the pending case cancels
			// the second. The interval keeps its schedule afterwards. The
			// period is long enough that a busy machine still polls the
			// second tick before it is due.
			const period = 100 * time.Millisecond
			iv := timer.NewInterval(period)
			var first time.Time
			if h.pending() {
				first = await(h, iv.Tick())
			}
			cancel(h, iv.Tick(), 0)
			got := await(h, iv.Tick())
			if h.pending() && !got.After(first) {
				h.errorf("the tick after a cancelled one is due %v, not after the first, %v", got, first)
			}
			next := await(h, iv.Tick())
			if d := next.Sub(got); d < period {
				h.errorf("two ticks %v apart, want at least the period", d)
			}
		}},
	}
}
