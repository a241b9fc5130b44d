package timer_test

import (
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/poll"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/timer"
)

func TestSleepHourOnPausedClockTakesNoTime(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var start, end time.Time
		var timers int
		f := &steps{fns: []func(*async.Context) bool{
			do(func(cx *async.Context) { start = cx.Reactor().Now() }),
			await[struct{}](timer.Sleep(time.Hour), nil),
			do(func(cx *async.Context) { end, timers = cx.Reactor().Now(), cx.Reactor().Timers() }),
		}}
		begun := time.Now()
		if _, err := executor.Run[struct{}](f, x.With(executor.WithPausedClock())...); err != nil {
			t.Fatalf("Run: %v", err)
		}
		if real := time.Since(begun); real > patience {
			t.Fatalf("a 1h sleep on a paused clock took %v of real time", real)
		}
		if got := end.Sub(start); got != time.Hour {
			t.Fatalf("the paused clock moved %v during a 1h sleep, want exactly 1h", got)
		}
		if timers != 0 {
			t.Fatalf("%d timers armed after the sleep ended", timers)
		}
	})
}

func TestSleepRealClockNeverEarly(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, c := range []struct {
			name string
			opts []executor.Option
		}{
			{"executor turns reactor", nil},
			{"reactor goroutine", []executor.Option{executor.WithReactorGoroutine()}},
		} {
			if x.Multi && c.opts != nil {
				// WithReactorGoroutine is CurrentThread's only: a
				// MultiThread's idle workers turn its reactor.
				continue
			}
			t.Run(c.name, func(t *testing.T) {
				const d = 20 * time.Millisecond
				begun := time.Now()
				if _, err := executor.Run[struct{}](timer.Sleep(d), x.With(c.opts...)...); err != nil {
					t.Fatalf("Run: %v", err)
				}
				if got := time.Since(begun); got < d {
					t.Fatalf("Sleep(%v) ended after %v", d, got)
				} else if got > patience {
					t.Fatalf("Sleep(%v) ended after %v", d, got)
				}
			})
		}
	})
}

// pausedReactor returns a reactor on a paused clock and a Context to poll
// futures by hand with, its waker counting wakes.
func pausedReactor(t testing.TB) (*reactor.Reactor, *async.Context, *int) {
	t.Helper()
	r, err := reactor.New(reactor.NewPausedClock())
	if err != nil {
		t.Fatalf("reactor.New: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	wakes := new(int)
	cx := testfut.ReactorContext(async.WakerFunc(func() { *wakes++ }), r)
	return r, cx, wakes
}

func TestSleepUntilPastIsReadyAtFirstPoll(t *testing.T) {
	r, cx, _ := pausedReactor(t)
	for _, deadline := range []time.Time{r.Now(), r.Now().Add(-time.Hour)} {
		if _, ok := timer.SleepUntil(deadline).Poll(cx); !ok {
			t.Fatalf("SleepUntil(now%+v) pending at first poll", deadline.Sub(r.Now()))
		}
	}
	if _, ok := timer.Sleep(0).Poll(cx); !ok {
		t.Fatal("Sleep(0) pending at first poll")
	}
	if _, ok := timer.Sleep(-time.Second).Poll(cx); !ok {
		t.Fatal("Sleep(-1s) pending at first poll")
	}
	if n := r.Timers(); n != 0 {
		t.Fatalf("%d timers armed by sleeps that were over at once", n)
	}
}

func TestSleepFiresAtDeadline(t *testing.T) {
	r, cx, wakes := pausedReactor(t)
	start := r.Now()
	s := timer.Sleep(time.Minute)
	if s.Deadline() != (time.Time{}) {
		t.Fatal("a Sleep has a deadline before its first poll")
	}
	if _, ok := s.Poll(cx); ok {
		t.Fatal("Sleep(1m) ready at first poll")
	}
	if got := s.Deadline().Sub(start); got != time.Minute {
		t.Fatalf("Deadline() = start%+v, want start+1m", got)
	}
	if _, ok := s.Poll(cx); ok {
		t.Fatal("Sleep(1m) ready at a spurious poll")
	}
	if _, err := r.Turn(poll.Forever); err != nil {
		t.Fatalf("Turn: %v", err)
	}
	if *wakes != 1 {
		t.Fatalf("woken %d times, want 1", *wakes)
	}
	if _, ok := s.Poll(cx); !ok {
		t.Fatal("Sleep pending after its timer fired")
	}
	if got := r.Now().Sub(start); got != time.Minute {
		t.Fatalf("fired at start%+v, want start+1m", got)
	}
}

func TestSleepCancelReleasesTimer(t *testing.T) {
	r, cx, wakes := pausedReactor(t)
	s := timer.Sleep(time.Hour)
	if _, ok := s.Poll(cx); ok {
		t.Fatal("Sleep(1h) ready at first poll")
	}
	if r.Timers() != 1 {
		t.Fatalf("Timers() = %d while sleeping, want 1", r.Timers())
	}
	s.Cancel()
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d after Cancel, want 0", r.Timers())
	}
	r.Clock().Advance(2 * time.Hour)
	if _, err := r.Turn(0); err != nil {
		t.Fatalf("Turn: %v", err)
	}
	if *wakes != 0 {
		t.Fatal("a cancelled sleep woke its task")
	}
	timer.Sleep(time.Hour).Cancel() // never polled: nothing to release
}

func TestSleepReset(t *testing.T) {
	r, cx, _ := pausedReactor(t)
	start := r.Now()
	s := timer.Sleep(time.Hour)
	s.Poll(cx)
	s.Reset(start.Add(time.Second))
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d after Reset, before the next poll; want 0", r.Timers())
	}
	if got := s.Deadline().Sub(start); got != time.Second {
		t.Fatalf("Deadline() after Reset = start%+v, want start+1s", got)
	}
	if _, ok := s.Poll(cx); ok {
		t.Fatal("reset sleep ready before its deadline")
	}
	if _, err := r.Turn(poll.Forever); err != nil {
		t.Fatalf("Turn: %v", err)
	}
	if _, ok := s.Poll(cx); !ok {
		t.Fatal("reset sleep pending after its deadline")
	}
	if got := r.Now().Sub(start); got != time.Second {
		t.Fatalf("reset sleep ended at start%+v, want start+1s", got)
	}

	// A sleep that ended sleeps again after Reset.
	s.Reset(r.Now().Add(time.Minute))
	if _, ok := s.Poll(cx); ok {
		t.Fatal("sleep reset after it ended is ready at once")
	}
	if _, err := r.Turn(poll.Forever); err != nil {
		t.Fatalf("Turn: %v", err)
	}
	if _, ok := s.Poll(cx); !ok {
		t.Fatal("sleep reset after it ended did not end again")
	}
	if got := r.Now().Sub(start); got != time.Minute+time.Second {
		t.Fatalf("second sleep ended at start%+v, want start+1m1s", got)
	}
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d at the end", r.Timers())
	}
}

// Sleeps of many tasks end in deadline order on the paused clock, each at
// its deadline.
func TestSleepsOfManyTasksEndInOrder(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		durations := []time.Duration{5 * time.Second, time.Second, time.Hour, 3 * time.Second, time.Minute}
		// The tasks may end on two workers of a MultiThread: order is
		// theirs under mu.
		var mu sync.Mutex
		var order []time.Duration
		var start time.Time
		var handles []async.JoinHandle[struct{}]
		var results []async.Result[struct{}]
		main := &steps{fns: []func(*async.Context) bool{
			do(func(cx *async.Context) {
				start = cx.Reactor().Now()
				for _, d := range durations {
					sleep := timer.Sleep(d)
					handles = append(handles, async.Spawn(cx, async.Future[struct{}](&steps{fns: []func(*async.Context) bool{
						await[struct{}](sleep, nil),
						do(func(cx *async.Context) {
							if got := cx.Reactor().Now().Sub(start); got != d {
								t.Errorf("Sleep(%v) ended at +%v", d, got)
							}
							mu.Lock()
							order = append(order, d)
							mu.Unlock()
						}),
					}, cancel: sleep.Cancel})))
				}
				results = make([]async.Result[struct{}], len(handles))
			}),
		}}
		for i := range durations {
			main.fns = append(main.fns, func(cx *async.Context) bool {
				return await[async.Result[struct{}]](handles[i], &results[i])(cx)
			})
		}
		if _, err := executor.Run[struct{}](main, x.With(executor.WithPausedClock())...); err != nil {
			t.Fatalf("Run: %v", err)
		}
		for i, res := range results {
			if res.Err != nil {
				t.Fatalf("task %d: %v", i, res.Err)
			}
		}
		for i := 1; i < len(order); i++ {
			if order[i] < order[i-1] {
				t.Fatalf("sleeps ended in the order %v", order)
			}
		}
	})
}
