package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/asyncgo/async/bench/internal/openall"
	"github.com/asyncgo/async/bench/internal/pin"
)

// How the memory test opens its idle connections.
const (
	holdParallel = 64              // connections being set up at once
	holdTimeout  = 2 * time.Minute // all of them
	holdAttempts = 20              // dials of one connection (refused, timed out)
	hello        = "Hello, World!"
)

// request is what each idle connection sends once before it goes quiet.
const request = "GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: httpbench\r\n\r\n"

// holdIdle opens n connections to addr, holdParallel at a time; each sends
// one keep-alive request, checks the answer is 200 "Hello, World!", and
// stays open and silent. It returns the connections, which the caller
// closes with closeAll, even with an error.
func holdIdle(ctx context.Context, addr string, n int) ([]*net.TCPConn, error) {
	ctx, cancel := context.WithTimeout(ctx, holdTimeout)
	defer cancel()
	conns := make([]*net.TCPConn, n)
	err := openall.Run(ctx, n, holdParallel, "idle connection", func(ctx context.Context, i int) error {
		c, err := openOne(ctx, addr)
		if err == nil {
			conns[i] = c
		}
		return err
	})
	return conns, err
}

// openOne dials addr (again, on a refused or timed-out connect: a full
// accept queue), sends one request and checks its answer.
func openOne(ctx context.Context, addr string) (*net.TCPConn, error) {
	var d net.Dialer
	var c net.Conn
	var err error
	for range holdAttempts {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		c, err = d.DialContext(dctx, "tcp", addr)
		cancel()
		if err == nil || ctx.Err() != nil {
			break
		}
		if err := pin.Sleep(ctx, 50*time.Millisecond); err != nil {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	tc := c.(*net.TCPConn)
	if err := exchange(ctx, tc); err != nil {
		resetClose(tc)
		return nil, err
	}
	return tc, nil
}

// exchange sends the request on c and reads the whole answer.
func exchange(ctx context.Context, c *net.TCPConn) error {
	deadline := time.Now().Add(30 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.SetDeadline(deadline)
	if _, err := io.WriteString(c, request); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(c, 1024), nil)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || string(body) != hello || resp.Close {
		return fmt.Errorf("answer %q, body %q, close %v; want 200 %q on a kept-alive connection", resp.Status, body, resp.Close, hello)
	}
	return c.SetDeadline(time.Time{})
}

// resetClose closes c with a reset (SO_LINGER 0), so thousands of closed
// connections leave no ports in TIME_WAIT between runs.
func resetClose(c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}

// closeAll resets every connection opened.
func closeAll(conns []*net.TCPConn) {
	for _, c := range conns {
		if c != nil {
			resetClose(c)
		}
	}
}
