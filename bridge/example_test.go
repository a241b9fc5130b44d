package bridge_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/bridge"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/tcp"
)

func ExampleNetConn() {
	ex, err := executor.NewCurrentThread()
	if err != nil {
		panic(err)
	}
	defer ex.Close()
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()

	// The executor runs on a goroutine of its own. Its future connects,
	// hands the client end out, and echoes on the server end until the
	// client closes.
	clients := make(chan *tcp.Conn, 1)
	served := make(chan error, 1)
	go func() {
		err, runErr := executor.BlockOn(ex, async.Go(func(co *async.Co) error {
			client, err := async.Get(co, tcp.Connect(l.Addr().String()))
			if err != nil {
				close(clients)
				return err
			}
			clients <- client
			server, err := async.Get(co, l.Accept())
			if err != nil {
				return err
			}
			return echo(co, server)
		}))
		served <- errors.Join(err, runErr)
	}()

	// Ordinary goroutine code (bufio here; crypto/tls works the same way)
	// uses the client end as a net.Conn.
	client, ok := <-clients
	if !ok {
		panic(<-served)
	}
	nc := bridge.NetConn(ex, client)
	fmt.Fprintln(nc, "hello through the bridge")
	line, err := bufio.NewReader(nc).ReadString('\n')
	fmt.Print(line, err, "\n")
	nc.Close()
	fmt.Println(<-served)
	// Output:
	// hello through the bridge
	// <nil>
	// <nil>
}

// echo copies c back to itself until end of stream, then closes it.
func echo(co *async.Co, c *tcp.Conn) error {
	defer c.Close()
	buf := make([]byte, 1024)
	for {
		n, err := async.Get(co, c.Read(buf))
		if n > 0 {
			if _, err := async.Get(co, c.WriteAll(buf[:n])); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
