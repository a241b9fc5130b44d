package http1

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
)

// testServer is a Server running on its own executor, on a goroutine.
type testServer struct {
	addr string
	srv  *Server
	stop *oneshot.Sender[time.Duration]
	done chan error // what Shutdown returned
}

// startServer serves srv on 127.0.0.1 with executor x until the test
// ends, then shuts it down with a grace of a second and checks that
// Serve and Shutdown ended as they should.
func startServer(t testing.TB, x rttest.Executor, srv *Server) *testServer {
	t.Helper()
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tx, rx := oneshot.New[time.Duration]()
	ts := &testServer{addr: l.Addr().String(), srv: srv, stop: tx, done: make(chan error, 1)}
	go func() {
		err, runErr := executor.Run(async.Go(func(co *async.Co) error {
			r := async.Await(co, async.Select2(srv.Serve(l), rx))
			if r.Index == 0 {
				return r.V1
			}
			return async.Await(co, srv.Shutdown(r.V2.Value))
		}), x.Options...)
		if runErr != nil {
			err = runErr
		}
		ts.done <- err
	}()
	t.Cleanup(func() { ts.shutdown(t, time.Second) })
	return ts
}

// shutdown shuts the server down with grace and returns Shutdown's
// error; a second call returns nil.
func (ts *testServer) shutdown(t testing.TB, grace time.Duration) error {
	if ts.stop == nil {
		return nil
	}
	ts.stop.Send(grace)
	ts.stop = nil
	select {
	case err := <-ts.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not shut down")
		return nil
	}
}

// rawConn is a client connection that speaks bytes, for requests no
// well-behaved client would send.
type rawConn struct {
	t testing.TB
	net.Conn
	br *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawConn{t: t, Conn: c, br: bufio.NewReader(c)}
}

func (c *rawConn) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.Conn, s); err != nil {
		c.t.Fatalf("writing %q: %v", s, err)
	}
}

// response reads one response: its status line, its fields (names lower
// case) and its body, framed by Content-Length or chunked; a response to
// HEAD has no body.
type response struct {
	status int
	line   string
	fields map[string]string
	body   string
}

func (c *rawConn) read(head bool) response {
	c.t.Helper()
	r, err := readResponse(c.br, head)
	if err != nil {
		c.t.Fatalf("reading a response: %v", err)
	}
	return r
}

func readResponse(br *bufio.Reader, head bool) (response, error) {
	var r response
	line, err := br.ReadString('\n')
	if err != nil {
		return r, err
	}
	r.line = strings.TrimRight(line, "\r\n")
	if _, err := fmtSscan(r.line, &r.status); err != nil {
		return r, err
	}
	r.fields = map[string]string{}
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return r, err
		}
		l = strings.TrimRight(l, "\r\n")
		if l == "" {
			break
		}
		k, v, _ := strings.Cut(l, ":")
		r.fields[strings.ToLower(k)] = strings.TrimSpace(v)
	}
	if head || r.status == 204 || r.status == 304 || r.status < 200 {
		return r, nil
	}
	var body strings.Builder
	switch {
	case r.fields["transfer-encoding"] == "chunked":
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return r, err
			}
			var n int
			if _, err := fmtSscanHex(strings.TrimRight(l, "\r\n"), &n); err != nil {
				return r, err
			}
			if n == 0 {
				if _, err := br.ReadString('\n'); err != nil {
					return r, err
				}
				break
			}
			chunk := make([]byte, n+2)
			if _, err := io.ReadFull(br, chunk); err != nil {
				return r, err
			}
			r.body += string(chunk[:n])
		}
	case r.fields["content-length"] != "":
		var n int64
		if _, err := fmtSscan(r.fields["content-length"], &n); err != nil {
			return r, err
		}
		if _, err := io.CopyN(&body, br, n); err != nil {
			return r, err
		}
		r.body = body.String()
	default:
		b, err := io.ReadAll(br)
		if err != nil {
			return r, err
		}
		r.body = string(b)
	}
	return r, nil
}

// expectClosed checks that the server closes the connection: a read
// ends with EOF or a reset, before the deadline.
func (c *rawConn) expectClosed() {
	c.t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := io.ReadAll(c.br)
	if err != nil && !isReset(err) {
		c.t.Fatalf("reading to the end of the connection: %v (read %q)", err, b)
	}
	if len(b) > 0 {
		c.t.Fatalf("read %q after the last response; want the connection closed", b)
	}
}
