package watch_test

import (
	"fmt"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/watch"
)

// config is the state being watched: sent by pointer and never changed
// after the Send, so that Borrow copies one word and a watcher's copy
// never changes under it.
type config struct {
	Level string
}

// A task watches a configuration that a plain goroutine updates; it sees
// the latest value after each change, then the end.
func Example() {
	tx, rx := watch.New(&config{Level: "info"})
	updated := make(chan struct{})
	go func() {
		<-updated // the watcher has seen "info"
		tx.Send(&config{Level: "debug"})
		tx.Close()
	}()
	levels, err := executor.Run(async.Go(func(co *async.Co) []string {
		levels := []string{rx.BorrowAndMarkSeen().Level}
		close(updated)
		for async.Await(co, async.Future[error](rx.Changed())) == nil {
			levels = append(levels, rx.Borrow().Level)
		}
		return levels // Changed reported watch.ErrClosed
	}))
	fmt.Println(levels, err)
	// Output: [info debug] <nil>
}

// Values sent between two looks are one change: a watcher sees the
// latest state, not every state.
func ExampleReceiver_HasChanged() {
	tx, rx := watch.New(0)
	fmt.Println(rx.HasChanged())
	tx.Send(1)
	tx.Send(2)
	fmt.Println(rx.HasChanged(), rx.BorrowAndMarkSeen())
	fmt.Println(rx.HasChanged())
	// Output:
	// false
	// true 2
	// false
}

// Send needs a receiver; Swap stores the value regardless, for the
// receivers that subscribe later.
func ExampleSender_Swap() {
	tx, rx := watch.New("starting")
	rx.Close()
	fmt.Println(tx.Send("ready"))
	fmt.Println(tx.Swap("ready"))
	late := tx.Subscribe()
	fmt.Println(late.Borrow())
	// Output:
	// watch: no receivers
	// starting
	// ready
}

// A plain goroutine watches with ChangedBlocking.
func ExampleReceiver_ChangedBlocking() {
	tx, rx := watch.New(0)
	done := make(chan int)
	go func() {
		last := 0
		for rx.ChangedBlocking() == nil {
			last = rx.Borrow()
		}
		done <- last
	}()
	for v := 1; v <= 3; v++ {
		tx.Send(v)
	}
	tx.Close()
	fmt.Println(<-done)
	// Output: 3
}
