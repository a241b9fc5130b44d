package async_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

// A future is a state machine that an executor polls; combinators build
// bigger ones out of small ones. Here two sleeps run concurrently, so the
// join takes as long as the longer one; the paused clock makes it instant.
func Example() {
	ex, err := executor.NewCurrentThread(executor.WithPausedClock())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ex.Close()
	start := ex.Reactor().Now()
	after := func(d time.Duration, s string) async.Future[string] {
		return async.Map(timer.Sleep(d), func(struct{}) string { return s })
	}
	v, err := executor.BlockOn(ex, async.Join2(after(2*time.Second, "slow"), after(time.Second, "fast")))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.V1, v.V2, ex.Reactor().Now().Sub(start))
	// Output: slow fast 2s
}

func ExampleMap() {
	v, err := executor.Run(async.Map(async.Ready("go"), strings.ToUpper))
	fmt.Println(v, err)
	// Output: GO <nil>
}

// Then runs futures one after another: the second is made from the value
// of the first.
func ExampleThen() {
	lookup := func(id int) async.Future[string] {
		return async.Ready(fmt.Sprintf("user-%d", id))
	}
	v, err := executor.Run(async.Then(async.Ready(7), lookup))
	fmt.Println(v, err)
	// Output: user-7 <nil>
}

func ExampleJoin3() {
	v, err := executor.Run(async.Join3(async.Ready(1), async.Ready("two"), async.Ready(3.0)))
	fmt.Println(v.V1, v.V2, v.V3, err)
	// Output: 1 two 3 <nil>
}

// JoinAll's values are in the order of its futures, whatever the order in
// which they complete.
func ExampleJoinAll() {
	var fs []async.Future[string]
	for i, name := range []string{"a", "b", "c"} {
		d := time.Duration(3-i) * time.Millisecond // c finishes first
		fs = append(fs, async.Map(timer.Sleep(d), func(struct{}) string { return name }))
	}
	v, err := executor.Run(async.JoinAll(fs...), executor.WithPausedClock())
	fmt.Println(v, err)
	// Output: [a b c] <nil>
}

// Select's losers are cancelled: the sleep of an hour leaves no timer
// behind.
func ExampleSelect() {
	ex, err := executor.NewCurrentThread(executor.WithPausedClock())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ex.Close()
	v, err := executor.BlockOn(ex, async.Select(timer.Sleep(time.Hour), timer.Sleep(time.Second)))
	fmt.Println(v.Index, err, ex.Reactor().Timers())
	// Output: 1 <nil> 0
}

func ExampleRace() {
	slow := async.Map(timer.Sleep(time.Minute), func(struct{}) string { return "slow" })
	fast := async.Map(timer.Sleep(time.Second), func(struct{}) string { return "fast" })
	v, err := executor.Run(async.Race(slow, fast), executor.WithPausedClock())
	fmt.Println(v, err)
	// Output: fast <nil>
}

// Select2 waits for either of two futures of different types: here a
// message that never comes, or a timeout.
func ExampleSelect2() {
	message := async.Pending[string]()
	v, err := executor.Run(async.Select2[string, struct{}](message, timer.Sleep(time.Second)), executor.WithPausedClock())
	if v.Index == 1 {
		fmt.Println("timed out", err)
	}
	// Output: timed out <nil>
}
