package oneshot_test

import (
	"fmt"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/oneshot"
)

// A plain goroutine computes a reply and sends it into a task, which
// awaits the Receiver like any other future.
func Example() {
	tx, rx := oneshot.New[string]()
	go func() {
		if err := tx.Send("pong"); err != nil {
			fmt.Println("send:", err)
		}
	}()
	r, err := executor.Run(async.Future[async.Result[string]](rx))
	if err != nil {
		fmt.Println("run:", err)
		return
	}
	fmt.Println(r.Value, r.Err)
	// Output: pong <nil>
}

// A task sends to a plain goroutine, which blocks in RecvBlocking.
func ExampleReceiver_RecvBlocking() {
	tx, rx := oneshot.New[int]()
	done := make(chan struct{})
	go func() {
		defer close(done)
		v, err := rx.RecvBlocking()
		fmt.Println(v, err)
	}()
	_, err := executor.Run(async.PollFunc[struct{}](func(*async.Context) (struct{}, bool) {
		tx.Send(42)
		return struct{}{}, true
	}))
	if err != nil {
		fmt.Println("run:", err)
	}
	<-done
	// Output: 42 <nil>
}

// A sender that gives up closes: the receiver learns why.
func ExampleSender_Close() {
	tx, rx := oneshot.New[int]()
	tx.Close()
	_, err := rx.TryRecv()
	fmt.Println(err)
	// Output: oneshot: sender closed without sending
}
