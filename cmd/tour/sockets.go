package main

import (
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/udp"
)

// sockets runs a TCP echo server and three clients, and a UDP exchange,
// all as tasks on one executor: no goroutine per connection.
func sockets(w io.Writer, _ string) error {
	fmt.Fprintln(w, "tcp.Serve spawns a task per connection; aio.Copy echoes it back. Three clients")
	fmt.Fprintln(w, "talk to it at once, on the same executor, and a UDP socket answers a datagram:")
	fmt.Fprintln(w)
	err, runErr := executor.Run(async.Go(func(co *async.Co) error {
		l, err := tcp.Listen("127.0.0.1:0")
		if err != nil {
			return err
		}
		defer l.Close()
		async.Spawn(co.Context(), tcp.Serve(l, echoConn)).Detach()

		clients := make([]async.Future[error], 3)
		for i := range clients {
			clients[i] = echoClient(w, l.Addr().String(), fmt.Sprintf("hello from client %d", i))
		}
		if err := errors.Join(async.Await(co, async.JoinAll(clients...))...); err != nil {
			return err
		}
		return udpPing(co, w)
	}))
	if err := errors.Join(err, runErr); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every read, write and accept was a future: a task waiting on a socket is a few")
	fmt.Fprintln(w, "hundred bytes on the heap, woken by the reactor when the socket is ready.")
	return nil
}

// echoConn is the server's connection task: copy c back to itself until
// the client closes its side. Serve closes c when it returns.
func echoConn(co *async.Co, c *tcp.Conn) {
	async.Await(co, aio.Copy(c, c, make([]byte, 512)))
}

// echoClient connects, sends msg, closes its sending side and reads the
// echo to the end.
func echoClient(w io.Writer, addr, msg string) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		c, err := async.Get(co, tcp.Connect(addr))
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := async.Get(co, c.WriteAll([]byte(msg))); err != nil {
			return err
		}
		c.CloseWrite()
		buf := make([]byte, len(msg))
		if _, err := async.Get(co, aio.ReadFull(c, buf)); err != nil {
			return err
		}
		fmt.Fprintf(w, "  tcp %v echoed %q\n", c.LocalAddr(), buf)
		return nil
	})
}

// udpPing sends a datagram from one socket to another, which answers.
func udpPing(co *async.Co, w io.Writer) error {
	server, err := udp.Bind("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer server.Close()
	client, err := udp.Bind("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer client.Close()
	to := server.LocalAddr().(*net.UDPAddr).AddrPort()
	if _, err := async.Get(co, client.SendTo([]byte("ping"), to)); err != nil {
		return err
	}
	buf := make([]byte, 64)
	d, err := async.Get(co, server.RecvFrom(buf))
	if err != nil {
		return err
	}
	if _, err := async.Get(co, server.SendTo([]byte("pong"), d.Addr)); err != nil {
		return err
	}
	r, err := async.Get(co, client.RecvFrom(buf))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  udp %v sent \"ping\" to %v, which answered %q\n", d.Addr, to, buf[:r.N])
	return nil
}
