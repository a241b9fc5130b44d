package tcp_test

import (
	"errors"
	"fmt"
	"net"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/tcp"
)

// Serve runs a coroutine per connection, each in a task of its own, and
// closes the connection when the coroutine returns. Here it echoes, until
// the listener is closed.
func ExampleServe() {
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	out, err := executor.Run(async.Go(func(co *async.Co) string {
		serving := async.Spawn(co.Context(), tcp.Serve(l, func(co *async.Co, c *tcp.Conn) {
			async.Await(co, aio.Copy(c, c, nil)) // echo, until the client closes its side
		}))
		c, err := async.Get(co, tcp.Connect(l.Addr().String()))
		if err != nil {
			return err.Error()
		}
		defer c.Close()
		async.Get(co, c.WriteAll([]byte("echo")))
		buf := make([]byte, 4)
		n, _ := async.Get(co, aio.ReadFull(c, buf))
		l.Close() // Serve ends; the connections it started go on
		serveErr, _ := async.Get(co, serving)
		return fmt.Sprintf("%s, then Serve ended: closed %v", buf[:n], errors.Is(serveErr, net.ErrClosed))
	}))
	fmt.Println(out, err)
	// Output: echo, then Serve ended: closed true <nil>
}
