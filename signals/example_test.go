//go:build unix

package signals_test

import (
	"fmt"
	"os"
	"syscall"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/signals"
)

// A server waits for the signal to shut down. (The example sends SIGUSR1
// to itself; a real server waits for os.Interrupt and syscall.SIGTERM.)
func ExampleWait() {
	shutdown := signals.Wait(syscall.SIGUSR1) // registered from here on
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	sig, err := executor.Run(shutdown)
	fmt.Println(sig, err)
	// Output: user defined signal 1 <nil>
}

// A task handles each signal of a stream until the stream is stopped.
func ExampleNotify() {
	s := signals.Notify(syscall.SIGUSR2)
	syscall.Kill(os.Getpid(), syscall.SIGUSR2) // kept until the task takes it
	n, _ := executor.Run(async.Go(func(co *async.Co) int {
		n := 0
		for {
			sig, err := async.Get(co, s.Recv())
			if err != nil { // signals.ErrStopped
				fmt.Println(err)
				return n
			}
			n++
			fmt.Println("got", sig)
			s.Stop() // enough: the next Recv reports ErrStopped
		}
	}))
	fmt.Println(n, "signal")
	// Output:
	// got user defined signal 2
	// signals: stream stopped
	// 1 signal
}
