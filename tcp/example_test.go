package tcp_test

import (
	"fmt"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/tcp"
)

// An echo round trip on loopback: one task accepts and echoes a message,
// the main task connects, sends it and reads it back.
func Example() {
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()

	reply, err := executor.Run(async.Go(func(co *async.Co) string {
		async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
			c, err := async.Get(co, l.Accept())
			if err != nil {
				return err
			}
			defer c.Close()
			buf := make([]byte, 64)
			n, err := async.Get(co, c.Read(buf))
			if err != nil {
				return err
			}
			_, err = async.Get(co, c.WriteAll(buf[:n]))
			return err
		})).Detach()

		c, err := async.Get(co, tcp.Connect(l.Addr().String()))
		if err != nil {
			return err.Error()
		}
		defer c.Close()
		if _, err := async.Get(co, c.WriteAll([]byte("hello, reactor"))); err != nil {
			return err.Error()
		}
		buf := make([]byte, 64)
		n, err := async.Get(co, c.Read(buf))
		if err != nil {
			return err.Error()
		}
		return string(buf[:n])
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reply)
	// Output: hello, reactor
}
