package http1

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
)

// clUnanswering returns the address of a listener whose accept queue is
// full, so that a connect to it waits for the handshake forever: the
// kernel drops the SYN of a listener whose queue is full (Linux's
// tcp_conn_request). Nothing is sent outside the machine.
func clUnanswering(t *testing.T) string {
	t.Helper()
	l, err := tcp.ListenConfig{Backlog: 1}.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	var fill []net.Conn
	t.Cleanup(func() {
		for _, c := range fill {
			c.Close()
		}
		l.Close()
	})
	for range 16 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr // the queue is full: this one timed out
		}
		fill = append(fill, c)
	}
	t.Fatalf("16 connections to a listener with a backlog of 1 all went through")
	return ""
}

// A connect that never completes fails after ConnectTimeout (the default,
// on the paused clock) with a timeout error that names the request.
func TestClientConnectTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		addr := clUnanswering(t)
		var c Client
		clRun(t, x, func(co *async.Co) error {
			start := co.Context().Reactor().Now()
			_, err := async.Await(co, c.Get("http://"+addr+"/slow")).Get()
			if err == nil {
				return errors.New("connected to a full accept queue")
			}
			want := "http1: GET http://" + addr + "/slow: connect: connect timeout of 30s exceeded"
			if err.Error() != want {
				return fmt.Errorf("error %q, want %q", err, want)
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
				return fmt.Errorf("error %v is not a timeout", err)
			}
			if d := co.Context().Reactor().Now().Sub(start); d < DefaultConnectTimeout {
				return fmt.Errorf("timed out after %v, before %v", d, DefaultConnectTimeout)
			}
			if n := clOpen(&c, addr); n != 0 {
				return fmt.Errorf("%d connections counted open after the timeout", n)
			}
			return nil
		}, executor.WithPausedClock())
	})
}

// The Client's Timeout ends a request whose server never answers, names
// the step it ended, and closes the connection.
func TestClientTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		closed := make(chan struct{}, 1)
		srv := clRaw(t, func(c net.Conn) {
			defer c.Close()
			clReadHead(c)
			io.Copy(io.Discard, c) // never answers; returns when the client closes
			closed <- struct{}{}
		})
		c := Client{Timeout: 5 * time.Second}
		clRun(t, x, func(co *async.Co) error {
			_, err := async.Await(co, c.Get(srv.URL("/never"))).Get()
			want := "http1: GET " + srv.URL("/never") + ": read response head: request timeout of 5s exceeded"
			if err == nil || err.Error() != want {
				return fmt.Errorf("error %v, want %q", err, want)
			}
			var e *Error
			if !errors.As(err, &e) || !e.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
				return fmt.Errorf("error %v is not a timeout", err)
			}
			if n := clOpen(&c, srv.l.Addr().String()); n != 0 {
				return fmt.Errorf("%d connections open after the timeout, want 0", n)
			}
			// The server sees the connection closed. (Waiting on the
			// blocking pool lets the paused clock run: nothing else waits
			// for it.)
			clBlock(co, onceFrom(closed))
			return nil
		}, executor.WithPausedClock())
	})
}

// A Do cancelled mid-exchange (its task aborted) closes its connection and
// leaves nothing behind: the pool's count, the reactor's timers and
// registrations, the descriptors (clCheckFDs) and goroutines (goleak).
func TestClientCancelDo(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		arrived := make(chan struct{}, 4)
		closed := make(chan struct{}, 4)
		srv := clRaw(t, func(c net.Conn) {
			defer c.Close()
			clReadHead(c)
			arrived <- struct{}{}
			io.Copy(io.Discard, c)
			closed <- struct{}{}
		})
		addr := srv.l.Addr().String()
		c := Client{Timeout: time.Hour, MaxPerHost: 1}
		clRun(t, x, func(co *async.Co) error {
			r := co.Context().Reactor()
			timersBefore, sourcesBefore := r.Timers(), r.Sources()
			get := func() async.JoinHandle[error] {
				return async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
					_, err := async.Await(co, c.Get(srv.URL("/hang"))).Get()
					return err
				}))
			}
			inFlight := get()
			clBlock(co, onceFrom(arrived))
			waiting := get() // waits for the one connection MaxPerHost allows
			if err := clUntil(co, "the second request waits", func() bool { return clWaiters(&c, addr) == 1 }); err != nil {
				return err
			}
			inFlight.Abort()
			if res := async.Await(co, inFlight); !errors.Is(res.Err, async.ErrAborted) {
				return fmt.Errorf("aborted task: %v, %v", res.Err, res.Value)
			}
			clBlock(co, onceFrom(closed))
			// The waiter got the room and dialled; abort it too once the
			// server has its request.
			clBlock(co, onceFrom(arrived))
			waiting.Abort()
			async.Await(co, waiting)
			clBlock(co, onceFrom(closed))
			if n := clOpen(&c, addr); n != 0 {
				return fmt.Errorf("%d connections open after the cancels, want 0", n)
			}
			if tm, src := r.Timers(), r.Sources(); tm != timersBefore || src != sourcesBefore {
				return fmt.Errorf("reactor holds %d timers and %d sources, %d and %d before", tm, src, timersBefore, sourcesBefore)
			}
			return nil
		})
	})
}

// A body Read cancelled by a timeout closes the connection; later Reads
// say why the body ended.
func TestClientCancelBodyRead(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		closed := make(chan struct{}, 1)
		srv := clRaw(t, func(c net.Conn) {
			defer c.Close()
			clReadHead(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part")
			io.Copy(io.Discard, c)
			closed <- struct{}{}
		})
		var c Client
		clRun(t, x, func(co *async.Co) error {
			resp, err := async.Await(co, c.Get(srv.URL("/partial"))).Get()
			if err != nil {
				return err
			}
			buf := make([]byte, 100)
			n, err := async.Await(co, resp.Body.Read(buf)).Get()
			if err != nil || string(buf[:n]) != "only part" {
				return fmt.Errorf("first read %q, %v", buf[:n], err)
			}
			_, err = async.Get(co, timer.Timeout(resp.Body.Read(buf), 50*time.Millisecond))
			if !errors.Is(err, timer.ErrTimeout) {
				return fmt.Errorf("read of a stalled body: %v, want a timeout", err)
			}
			clBlock(co, onceFrom(closed))
			_, err = async.Await(co, resp.Body.Read(buf)).Get()
			if err == nil || err.Error() != "http1: GET "+srv.URL("/partial")+": read body: "+errBodyCancelled.Error() {
				return fmt.Errorf("read after a cancelled read: %v", err)
			}
			if n := clOpen(&c, srv.l.Addr().String()); n != 0 {
				return fmt.Errorf("%d connections open, want 0", n)
			}
			return resp.Body.Close()
		})
	})
}

// Closing a body that has all arrived keeps the connection; closing one
// that has not closes it.
func TestClientBodyClose(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clRaw(t, func(c net.Conn) {
			defer c.Close()
			for {
				head, err := clReadHead(c)
				if err != nil {
					return
				}
				if len(head) > 8 && head[:8] == "GET /big" {
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
					c.Write(make([]byte, 1000000))
					continue
				}
				io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nsmall\r\n0\r\n\r\n")
			}
		})
		addr := srv.l.Addr().String()
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			for range 3 {
				resp, err := async.Await(co, c.Get(srv.URL("/small"))).Get()
				if err != nil {
					return err
				}
				// The server wrote the small body with its head, in one
				// write: on loopback, one segment, read whole.
				resp.Body.Close()
				if n := clIdle(&c, addr); n != 1 {
					return fmt.Errorf("%d idle connections after closing a body that had arrived, want 1", n)
				}
			}
			if n := srv.accepted.Load(); n != 1 {
				return fmt.Errorf("server accepted %d connections, want 1", n)
			}
			resp, err := async.Await(co, c.Get(srv.URL("/big"))).Get()
			if err != nil {
				return err
			}
			resp.Body.Close()
			if n := clOpen(&c, addr); n != 0 {
				return fmt.Errorf("%d connections open after closing most of a large body unread, want 0", n)
			}
			_, err = async.Await(co, resp.Body.Read(make([]byte, 10))).Get()
			if err == nil || err.Error() != "http1: GET "+srv.URL("/big")+": read body: read after Close" {
				return fmt.Errorf("read after Close: %v", err)
			}
			return nil
		})
	})
}
