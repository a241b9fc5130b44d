package executor_test

import (
	"fmt"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

// With the paused clock, time stands still while any task can run and
// jumps to the next timer when none can: an hour of sleeps and a timeout
// take no time, and always happen in the same order.
func ExampleWithPausedClock() {
	out, err := executor.Run(async.Go(func(co *async.Co) string {
		async.Await(co, timer.Sleep(time.Hour))
		_, err := async.Get(co, timer.TimeoutValue(timer.Sleep(2*time.Hour), time.Minute))
		return fmt.Sprintf("slept an hour, then: %v", err)
	}), executor.WithPausedClock())
	fmt.Println(out, err)
	// Output:
	// slept an hour, then: timer: deadline exceeded <nil>
}
