package timer_test

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// timeoutRun runs f on a paused clock, on an executor of x's kind, and reports its result, how far the
// clock moved, and how many timers were armed once it was ready.
func timeoutRun(t *testing.T, x rttest.Executor, mk func(start time.Time) async.Future[async.Result[int]]) (async.Result[int], time.Duration, int) {
	t.Helper()
	var start time.Time
	var res async.Result[int]
	var elapsed time.Duration
	var timers int
	var f async.Future[async.Result[int]]
	main := &steps{fns: []func(*async.Context) bool{
		do(func(cx *async.Context) { start = cx.Reactor().Now(); f = mk(start) }),
		func(cx *async.Context) bool { return await(f, &res)(cx) },
		do(func(cx *async.Context) { elapsed, timers = cx.Reactor().Now().Sub(start), cx.Reactor().Timers() }),
	}}
	if _, err := executor.Run[struct{}](main, x.With(executor.WithPausedClock())...); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res, elapsed, timers
}

func TestTimeoutInnerReadyFirst(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		inner := &slowValue{sleep: timer.Sleep(time.Second), v: 42}
		res, elapsed, timers := timeoutRun(t, x, func(time.Time) async.Future[async.Result[int]] {
			return timer.TimeoutValue[int](inner, time.Hour)
		})
		if res.Err != nil || res.Value != 42 {
			t.Fatalf("result %+v, want 42", res)
		}
		if elapsed != time.Second {
			t.Fatalf("ready after %v, want 1s", elapsed)
		}
		if timers != 0 {
			t.Fatalf("%d timers armed after the inner future won", timers)
		}
		if inner.cancels != 0 {
			t.Fatal("the inner future was cancelled although it won")
		}
	})
}

func TestTimeoutRunsOut(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		inner := &slowValue{sleep: timer.Sleep(time.Hour), v: 42}
		res, elapsed, timers := timeoutRun(t, x, func(time.Time) async.Future[async.Result[int]] {
			return timer.TimeoutValue[int](inner, time.Second)
		})
		checkTimedOut(t, res.Err)
		if elapsed != time.Second {
			t.Fatalf("timed out after %v, want 1s", elapsed)
		}
		if inner.cancels != 1 {
			t.Fatalf("inner future cancelled %d times, want 1", inner.cancels)
		}
		if timers != 0 {
			t.Fatalf("%d timers armed after the timeout", timers)
		}
	})
}

func TestDeadline(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		t.Run("inner first", func(t *testing.T) {
			inner := &slowValue{sleep: timer.Sleep(time.Minute), v: 7}
			res, elapsed, timers := timeoutRun(t, x, func(start time.Time) async.Future[async.Result[int]] {
				return timer.DeadlineValue[int](inner, start.Add(time.Hour))
			})
			if res.Err != nil || res.Value != 7 || elapsed != time.Minute || timers != 0 || inner.cancels != 0 {
				t.Fatalf("result %+v after %v, %d timers, %d cancels; want 7 after 1m, none, none",
					res, elapsed, timers, inner.cancels)
			}
		})
		t.Run("runs out", func(t *testing.T) {
			inner := &slowValue{sleep: timer.Sleep(time.Hour), v: 7}
			res, elapsed, timers := timeoutRun(t, x, func(start time.Time) async.Future[async.Result[int]] {
				return timer.DeadlineValue[int](inner, start.Add(time.Minute))
			})
			checkTimedOut(t, res.Err)
			if elapsed != time.Minute || timers != 0 || inner.cancels != 1 {
				t.Fatalf("timed out after %v, %d timers, %d cancels; want 1m, none, 1", elapsed, timers, inner.cancels)
			}
		})
		t.Run("already passed", func(t *testing.T) {
			r, cx, _ := pausedReactor(t)
			inner := &slowValue{sleep: timer.Sleep(time.Hour), v: 7}
			res, ok := timer.DeadlineValue[int](inner, r.Now().Add(-time.Second)).Poll(cx)
			if !ok {
				t.Fatal("Deadline in the past pending at first poll")
			}
			checkTimedOut(t, res.Err)
			if inner.cancels != 1 || r.Timers() != 0 {
				t.Fatalf("%d cancels, %d timers; want 1, none", inner.cancels, r.Timers())
			}
		})
	})
}

func checkTimedOut(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, timer.ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("error %v, want ErrTimeout matching os.ErrDeadlineExceeded", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("error %v is not a net.Error with Timeout() true", err)
	}
}

func TestTimeoutOfReadyFutureArmsNothing(t *testing.T) {
	r, cx, _ := pausedReactor(t)
	res, ok := timer.TimeoutValue(async.Ready(5), time.Second).Poll(cx)
	if !ok || res.Err != nil || res.Value != 5 {
		t.Fatalf("Timeout of a ready future: %+v, %v", res, ok)
	}
	if r.Timers() != 0 {
		t.Fatalf("%d timers armed", r.Timers())
	}
}

func TestTimeoutCancelReleasesBoth(t *testing.T) {
	r, cx, _ := pausedReactor(t)
	inner := &slowValue{sleep: timer.Sleep(time.Hour), v: 1}
	f := timer.TimeoutValue[int](inner, time.Minute)
	if _, ok := f.Poll(cx); ok {
		t.Fatal("Timeout ready at first poll")
	}
	if r.Timers() != 2 {
		t.Fatalf("Timers() = %d while waiting, want 2 (inner sleep and timeout)", r.Timers())
	}
	f.Cancel()
	if inner.cancels != 1 {
		t.Fatalf("inner cancelled %d times, want 1", inner.cancels)
	}
	if r.Timers() != 0 {
		t.Fatalf("Timers() = %d after Cancel", r.Timers())
	}
}

// TestTimeoutOfAResult: Timeout of a future that can fail is one level
// deep: the future's own error passes through unchanged, and a timeout
// takes its place.
func TestTimeoutOfAResult(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		boom := errors.New("boom")
		failing := &slowResult{sleep: timer.Sleep(time.Second), err: boom}
		res, _, _ := timeoutRun(t, x, func(time.Time) async.Future[async.Result[int]] {
			return timer.Timeout(failing, time.Hour)
		})
		if res.Err != boom {
			t.Fatalf("result %+v, want the future's own error", res)
		}
		slow := &slowResult{sleep: timer.Sleep(time.Hour), v: 3}
		res, elapsed, timers := timeoutRun(t, x, func(start time.Time) async.Future[async.Result[int]] {
			return timer.Deadline(slow, start.Add(time.Minute))
		})
		checkTimedOut(t, res.Err)
		if res.Err != timer.ErrTimeout || elapsed != time.Minute || timers != 0 || slow.cancels != 1 {
			t.Fatalf("result %+v after %v, %d timers, %d cancels; want ErrTimeout after 1m, none, 1",
				res, elapsed, timers, slow.cancels)
		}
	})
}

// TestTimeoutNamesTheOperation: a future that implements TimeoutErrorer is
// asked for the error of its timeout, before it is cancelled, and its
// error is still a timeout to every test of one.
func TestTimeoutNamesTheOperation(t *testing.T) {
	for _, form := range []string{"Timeout", "TimeoutValue"} {
		t.Run(form, func(t *testing.T) {
			r, cx, _ := pausedReactor(t)
			named := &namedResult{slowResult{sleep: timer.Sleep(time.Hour), op: "fetch"}}
			var res async.Result[int]
			var ok bool
			if form == "Timeout" {
				res, ok = timer.Timeout(named, 0).Poll(cx)
			} else {
				var outer async.Result[async.Result[int]]
				outer, ok = timer.TimeoutValue(named, 0).Poll(cx)
				res.Err = outer.Err
			}
			if !ok {
				t.Fatal("a Timeout of 0 pending at its first poll")
			}
			checkTimedOut(t, res.Err)
			if got, want := res.Err.Error(), "fetch test: i/o timeout"; got != want {
				t.Errorf("error %q, want %q", got, want)
			}
			if !named.askedFirst || named.cancels != 1 || len(named.timeoutArgs) != 1 {
				t.Errorf("asked before the cancel: %v, cancels %d, asked %d times; want true, 1, 1",
					named.askedFirst, named.cancels, len(named.timeoutArgs))
			}
			if r.Timers() != 0 {
				t.Errorf("%d timers armed", r.Timers())
			}
		})
	}
}
