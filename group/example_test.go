package group_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/group"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/timer"
)

// A server keeps its connection tasks in a Set: it reaps them in the order
// they end, and on shutdown aborts the rest and waits until each has
// released what it held (here a deferred print stands for closing the
// socket). The connections are coroutines that sleep; the paused clock
// makes the example run at once.
func Example() {
	serve := func(name string, d time.Duration) async.Future[string] {
		return async.Go(func(co *async.Co) string {
			defer fmt.Println(name, "closed")
			async.Await(co, timer.Sleep(d))
			return name + " said goodbye"
		})
	}
	var conns group.Set[string]
	executor.Run(async.Do(func(co *async.Co) {
		conns.Spawn(co.Context(), serve("ann", 3*time.Second))
		conns.Spawn(co.Context(), serve("bob", time.Second))
		conns.Spawn(co.Context(), serve("cat", time.Hour))
		conns.Spawn(co.Context(), serve("dan", time.Hour))
		for range 2 {
			name, err := async.Get(co, conns.Next()) // in the order they end
			fmt.Println(name, err)
		}
		async.Await(co, conns.Shutdown()) // aborts cat and dan, and waits
		fmt.Println("shut down,", conns.Len(), "left")
	}), executor.WithPausedClock())
	// Output:
	// bob closed
	// bob said goodbye <nil>
	// ann closed
	// ann said goodbye <nil>
	// cat closed
	// dan closed
	// shut down, 0 left
}

// A Group fails at its first error: the fetch still running is aborted,
// and Wait returns once it has ended.
func ExampleGroup() {
	fetch := func(name string, d time.Duration, err error) async.Future[error] {
		return async.Go(func(co *async.Co) error {
			done := false
			defer func() {
				if !done {
					fmt.Println(name, "aborted")
				}
			}()
			async.Await(co, timer.Sleep(d))
			done = true
			fmt.Println(name, "fetched")
			return err
		})
	}
	err, _ := executor.Run(async.Go(func(co *async.Co) error {
		var g group.Group
		g.Spawn(co.Context(), fetch("a", time.Second, nil))
		g.Spawn(co.Context(), fetch("b", 2*time.Second, errors.New("b: not found")))
		g.Spawn(co.Context(), fetch("c", time.Hour, nil))
		return async.Await(co, g.Wait())
	}), executor.WithPausedClock())
	fmt.Println(err)
	// Output:
	// a fetched
	// b fetched
	// c aborted
	// b: not found
}

// Plain goroutines fill a set on an executor that runs on another
// goroutine, and reap it with NextBlocking.
func ExampleSet_SpawnOn() {
	ex, _ := executor.NewMultiThread(executor.WithWorkers(2))
	stop, stopped := oneshot.New[struct{}]()
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		executor.BlockOn(ex, async.Future[async.Result[struct{}]](stopped))
	}()

	var s group.Set[int]
	for i := 1; i <= 3; i++ {
		s.SpawnOn(ex, async.Ready(i*i))
	}
	sum := 0
	for {
		v, err := s.NextBlocking()
		if err != nil {
			fmt.Println(sum, err)
			break
		}
		sum += v
	}

	stop.Send(struct{}{})
	<-ran
	ex.Close()
	// Output:
	// 14 group: set is empty
}
