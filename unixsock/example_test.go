package unixsock_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/unixsock"
)

// An echo round trip over a socket file: one task accepts and echoes a
// message, the main task connects, sends it and reads it back. The
// listener removes its file when closed.
func Example() {
	dir, err := os.MkdirTemp("", "unixsock-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "echo.sock")

	l, err := unixsock.Listen(path)
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

		c, err := async.Get(co, unixsock.Connect(path))
		if err != nil {
			return err.Error()
		}
		defer c.Close()
		if _, err := async.Get(co, c.WriteAll([]byte("hello over a socket file"))); err != nil {
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
	// Output: hello over a socket file
}

// Datagrams between two named sockets: the receiver learns the sender's
// path and could answer it.
func ExampleListenPacket() {
	dir, err := os.MkdirTemp("", "unixsock-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	srvPath, cliPath := filepath.Join(dir, "srv"), filepath.Join(dir, "cli")

	out, err := executor.Run(async.Go(func(co *async.Co) string {
		srv, err := unixsock.ListenPacket(srvPath)
		if err != nil {
			return err.Error()
		}
		defer srv.Close()
		cli, err := unixsock.ListenPacket(cliPath)
		if err != nil {
			return err.Error()
		}
		defer cli.Close()

		if _, err := async.Get(co, cli.SendTo([]byte("ping"), srvPath)); err != nil {
			return err.Error()
		}
		buf := make([]byte, 64)
		d, err := async.Get(co, srv.RecvFrom(buf))
		if err != nil {
			return err.Error()
		}
		return fmt.Sprintf("%s from %s", buf[:d.N], filepath.Base(d.From))
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out)
	// Output: ping from cli
}
