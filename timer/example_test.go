package timer_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/timer"
)

func ExampleSleep() {
	var start time.Time
	sleep := timer.Sleep(90 * time.Minute)
	// A future that sleeps, then reports how far the runtime's clock moved.
	slept := async.PollFunc[time.Duration](func(cx *async.Context) (time.Duration, bool) {
		if start.IsZero() {
			start = cx.Reactor().Now()
		}
		if _, ok := sleep.Poll(cx); !ok {
			return 0, false
		}
		return cx.Reactor().Now().Sub(start), true
	})
	// On a paused clock the runtime jumps to the deadline as soon as every
	// task is idle, so this takes no real time.
	d, err := executor.Run[time.Duration](slept, executor.WithPausedClock())
	fmt.Println(d, err)
	// Output: 1h30m0s <nil>
}

// A Timeout over a future that can fail, here a receive from a channel,
// is ready with that future's result, or with the timeout's error in its
// place.
func ExampleTimeout() {
	tx, rx := mpsc.New[string](1)
	defer tx.Close()
	out, err := executor.Run(async.Go(func(co *async.Co) string {
		msg, err := async.Get(co, timer.Timeout(rx.Recv(), time.Second))
		if err != nil {
			return err.Error() // nothing was sent
		}
		return msg
	}), executor.WithPausedClock())
	fmt.Println(out, err)
	// Output: timer: deadline exceeded <nil>
}

// TimeoutValue bounds a future that cannot fail, such as a sleep.
func ExampleTimeoutValue() {
	slow := timer.Sleep(10 * time.Second)
	res, err := executor.Run(timer.TimeoutValue(slow, time.Second), executor.WithPausedClock())
	fmt.Println(res.Err, errors.Is(res.Err, os.ErrDeadlineExceeded), err)

	quick := timer.Sleep(time.Second)
	res, err = executor.Run(timer.TimeoutValue(quick, 10*time.Second), executor.WithPausedClock())
	fmt.Println(res.Err, err)
	// Output:
	// timer: deadline exceeded true <nil>
	// <nil> <nil>
}

func ExampleInterval() {
	iv := timer.NewInterval(250 * time.Millisecond)
	var start time.Time
	var tick async.Future[time.Time]
	ticks := 0
	f := async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
		for ticks < 4 {
			if tick == nil {
				tick = iv.Tick()
			}
			due, ok := tick.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			tick = nil
			if start.IsZero() {
				start = due
			}
			fmt.Println("tick at", due.Sub(start))
			ticks++
		}
		return struct{}{}, true
	})
	if _, err := executor.Run[struct{}](f, executor.WithPausedClock()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// tick at 0s
	// tick at 250ms
	// tick at 500ms
	// tick at 750ms
}
