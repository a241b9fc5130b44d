package async_test

import (
	"fmt"
	"net"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
)

// The program of the package doc: connect with a timeout, read with a
// timeout, print. A plain net listener stands in for the server: it
// greets its client, then says nothing more, so a second read times out.
func Example_connect() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	addr := l.Addr().String()
	served := make(chan struct{})
	go func() {
		defer close(served)
		if c, err := l.Accept(); err == nil {
			c.Write([]byte("hello from the server\n"))
			c.Read(make([]byte, 1)) // then nothing, until the client closes
			c.Close()
		}
	}()
	defer func() { <-served }()

	line, err := executor.Run(async.Go(func(co *async.Co) string {
		c, err := async.Get(co, timer.Timeout(tcp.Connect(addr), 2*time.Second))
		if err != nil {
			return err.Error()
		}
		defer c.Close()
		buf := make([]byte, 512)
		n, err := async.Get(co, timer.Timeout(c.Read(buf), time.Second))
		if err != nil {
			return err.Error()
		}
		_, err = async.Get(co, timer.Timeout(c.Read(buf), 50*time.Millisecond))
		fmt.Println("second read timed out:", err.(net.Error).Timeout())
		return string(buf[:n])
	}))
	fmt.Print(line)
	fmt.Println(err)
	// Output:
	// second read timed out: true
	// hello from the server
	// <nil>
}

// JoinAll takes the handles of spawned tasks as they are: a JoinHandle is
// a future of its task's Result.
func ExampleJoinAll_handles() {
	squares, err := executor.Run(async.Go(func(co *async.Co) []int {
		handles := make([]async.JoinHandle[int], 5)
		for i := range handles {
			handles[i] = async.Spawn(co.Context(), async.Go(func(co *async.Co) int {
				async.Await(co, timer.Sleep(time.Duration(5-i)*time.Millisecond)) // finish in reverse
				return i * i
			}))
		}
		var out []int
		for _, r := range async.Await(co, async.JoinAll(handles...)) { // in the order given
			v, err := r.Get() // a task that panicked would be an error here
			if err != nil {
				panic(err)
			}
			out = append(out, v)
		}
		return out
	}), executor.WithPausedClock())
	fmt.Println(squares, err)
	// Output: [0 1 4 9 16] <nil>
}
