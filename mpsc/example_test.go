package mpsc_test

import (
	"fmt"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/mpsc"
)

// A plain goroutine produces into a bounded channel; a task consumes
// until every sender is closed. SendBlocking waits while the buffer is
// full, so the producer never runs ahead by more than the capacity.
func Example() {
	tx, rx := mpsc.New[int](2)
	go func() {
		defer tx.Close() // the end of the stream
		for i := range 5 {
			if err := tx.SendBlocking(i * i); err != nil {
				fmt.Println("send:", err)
				return
			}
		}
	}()
	sum := 0
	consumer := async.PollFunc[int](func(cx *async.Context) (int, bool) {
		for {
			r, ok := rx.Recv().Poll(cx) // the same future each time
			if !ok {
				return 0, false
			}
			if r.Err != nil { // mpsc.ErrClosed: every sender closed
				return sum, true
			}
			sum += r.Value
		}
	})
	total, err := executor.Run(async.Future[int](consumer))
	fmt.Println(total, err)
	// Output: 30 <nil>
}

// Tasks send into an unbounded channel, each through its own clone; a
// plain goroutine receives until the last clone is closed.
func ExampleUnbounded() {
	tx, rx := mpsc.Unbounded[string]()
	producer := func(name string) async.Future[struct{}] {
		s := tx.Clone()
		return async.PollFunc[struct{}](func(*async.Context) (struct{}, bool) {
			defer s.Close()
			s.Send(name)
			return struct{}{}, true
		})
	}
	a, b := producer("a"), producer("b")
	tx.Close() // the clones keep the channel open
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			v, err := rx.RecvBlocking()
			if err != nil {
				fmt.Println(err)
				return
			}
			fmt.Println(v)
		}
	}()
	executor.Run(async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
		a.Poll(cx)
		b.Poll(cx)
		return struct{}{}, true
	}))
	<-done
	// Output:
	// a
	// b
	// mpsc: channel closed
}

// TrySend and TryRecv never wait.
func ExampleSender_TrySend() {
	tx, rx := mpsc.New[string](1)
	fmt.Println(tx.TrySend("first"))
	fmt.Println(tx.TrySend("second"))
	v, err := rx.TryRecv()
	fmt.Println(v, err)
	_, err = rx.TryRecv()
	fmt.Println(err)
	// Output:
	// <nil>
	// mpsc: channel full
	// first <nil>
	// mpsc: channel empty
}
