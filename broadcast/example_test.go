package broadcast_test

import (
	"errors"
	"fmt"
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/broadcast"
	"github.com/asyncgo/async/executor"
)

// Two tasks receive every value a plain goroutine sends, then the end of
// the stream.
func Example() {
	tx, rx := broadcast.New[string](8)
	listener := func(name string, rx *broadcast.Receiver[string]) async.Future[[]string] {
		return async.Go(func(co *async.Co) []string {
			var got []string
			for {
				v, err := async.Get(co, async.Future[async.Result[string]](rx.Recv()))
				if err != nil { // broadcast.ErrClosed: every sender closed
					return got
				}
				got = append(got, name+":"+v)
			}
		})
	}
	a, b := listener("a", rx), listener("b", tx.Subscribe())
	go func() {
		defer tx.Close()
		tx.Send("hello")
		tx.Send("bye")
	}()
	both, err := executor.Run(async.Join2(a, b))
	fmt.Println(both.V1, both.V2, err)
	// Output: [a:hello a:bye] [b:hello b:bye] <nil>
}

// A receiver that falls more than the capacity behind is told how many
// values it missed, and goes on from the oldest value still held.
func ExampleLaggedError() {
	tx, rx := broadcast.New[int](2)
	for i := range 5 {
		tx.Send(i)
	}
	for {
		v, err := rx.TryRecv()
		var lag *broadcast.LaggedError
		switch {
		case errors.As(err, &lag):
			fmt.Println("missed", lag.Missed)
			continue
		case err != nil:
			fmt.Println(err)
			return
		}
		fmt.Println(v)
	}
	// Output:
	// missed 3
	// 3
	// 4
	// broadcast: channel empty
}

// Send reports how many receivers will see the value; a receiver that
// subscribes sees only what is sent after.
func ExampleSender_Subscribe() {
	tx, first := broadcast.New[int](4)
	n, _ := tx.Send(1)
	fmt.Println("sent to", n)
	second := tx.Subscribe()
	n, _ = tx.Send(2)
	fmt.Println("sent to", n)
	first.Close()
	second.Close()
	_, err := tx.Send(3)
	fmt.Println(err)
	// Output:
	// sent to 1
	// sent to 2
	// broadcast: no receivers
}

// Plain goroutines receive with RecvBlocking.
func ExampleReceiver_RecvBlocking() {
	tx, rx := broadcast.New[int](4)
	var wg sync.WaitGroup
	results := make([]int, 3)
	for i, r := range []*broadcast.Receiver[int]{rx, tx.Subscribe(), tx.Subscribe()} {
		wg.Go(func() {
			defer r.Close()
			for {
				v, err := r.RecvBlocking()
				if err != nil {
					return
				}
				results[i] += v
			}
		})
	}
	for v := 1; v <= 3; v++ {
		tx.Send(v)
	}
	tx.Close()
	wg.Wait()
	fmt.Println(results)
	// Output: [6 6 6]
}
