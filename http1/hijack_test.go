package http1

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
)

// switchingServer answers every request with 101 and takes the
// connection: it writes what the request's head said (read after the
// hijack, when the server has let go of its buffers) and whether its
// body still reads, then echoes one line.
func switchingServer(t *testing.T, x rttest.Executor) *testServer {
	return startServer(t, x, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
		return async.Do(func(co *async.Co) {
			w.Header().Set("Upgrade", "echo")
			w.Header().Set("Connection", "Upgrade")
			w.WriteHeader(101)
			hj, err := async.Get(co, w.Hijack())
			if err != nil {
				return
			}
			c := hj.Conn
			defer c.Close()
			_, bodyErr := async.Get(co, r.Body().Read(make([]byte, 1)))
			hello := fmt.Sprintf("path %s field %s body %v\n", r.Path(), r.Field("X-Test"), bodyErr)
			if _, err := async.Get(co, c.WriteAll([]byte(hello))); err != nil {
				return
			}
			line := append([]byte(nil), hj.Buffered...)
			buf := make([]byte, 64)
			for !strings.Contains(string(line), "\n") {
				n, err := async.Get(co, c.Read(buf))
				if err != nil {
					return
				}
				line = append(line, buf[:n]...)
			}
			async.Get(co, c.WriteAll(line))
		})
	})})
}

func TestHijackKeepsRequestReadable(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := switchingServer(t, x)
		c := dialRaw(t, ts.addr)
		// The line after the head arrives with it: Hijack hands it over.
		c.send("GET /up?q=1 HTTP/1.1\r\nHost: h\r\nX-Test: kept\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nfirst line\n")
		status, err := c.br.ReadString('\n')
		if err != nil || !strings.HasPrefix(status, "HTTP/1.1 101 ") {
			t.Fatalf("status line %q, %v", status, err)
		}
		for {
			l, err := c.br.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if l == "\r\n" {
				break
			}
		}
		hello, err := c.br.ReadString('\n')
		// A request without a body reads its end; one whose body was
		// not read would fail with errHijacked.
		if want := "path /up field kept body EOF\n"; err != nil || hello != want {
			t.Fatalf("after the hijack: %q, %v; want %q", hello, err, want)
		}
		echo, err := c.br.ReadString('\n')
		if err != nil || echo != "first line\n" {
			t.Fatalf("echo: %q, %v", echo, err)
		}
		if _, err := c.br.ReadByte(); err != io.EOF {
			t.Fatalf("after the echo: %v, want the handler's close", err)
		}
	})
}

func TestClientHijacksSwitchingResponse(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := switchingServer(t, x)
		_, err := executor.Run(async.Go(func(co *async.Co) error {
			var cl Client
			defer cl.CloseIdle()
			req, err := NewRequest("GET", "http://"+ts.addr+"/sw", nil)
			if err != nil {
				return err
			}
			req.Header.Set("Upgrade", "echo")
			req.Header.Set("Connection", "Upgrade")
			req.Header.Set("X-Test", "client")
			resp, err := async.Get(co, cl.Do(req))
			if err != nil {
				return err
			}
			if resp.StatusCode != 101 {
				return fmt.Errorf("status %d", resp.StatusCode)
			}
			if n, err := async.Get(co, resp.Body.Read(make([]byte, 8))); n != 0 || err != io.EOF {
				return fmt.Errorf("body of a 101: %d, %v; want io.EOF", n, err)
			}
			hj, err := resp.Hijack()
			if err != nil {
				return err
			}
			defer hj.Conn.Close()
			if _, err := resp.Hijack(); err == nil {
				return errors.New("a second Hijack succeeded")
			}
			if _, err := async.Get(co, hj.Conn.WriteAll([]byte("from the client\n"))); err != nil {
				return err
			}
			br := aio.NewReader(&readerWithPrefix{hj}, 256)
			var got []string
			for len(got) < 2 {
				line, err := async.Get(co, br.ReadLine())
				if err != nil {
					return fmt.Errorf("after %q: %w", got, err)
				}
				got = append(got, string(line))
			}
			want := []string{"path /sw field client body EOF", "from the client"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				return fmt.Errorf("got %q, want %q", got, want)
			}
			// A response that is not a 101 cannot be hijacked.
			resp2, err := async.Get(co, cl.Get("http://"+ts.addr+"/"))
			if err == nil {
				resp2.Body.Close()
				if _, err := resp2.Hijack(); err == nil && resp2.StatusCode != 101 {
					return errors.New("Hijack of a non-101 response succeeded")
				}
			}
			return nil
		}), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
	})
}

// readerWithPrefix reads a hijacked connection's buffered bytes first.
type readerWithPrefix struct{ hj Hijacked }

func (r *readerWithPrefix) Read(p []byte) async.Future[async.Result[int]] {
	if len(r.hj.Buffered) > 0 {
		n := copy(p, r.hj.Buffered)
		r.hj.Buffered = r.hj.Buffered[n:]
		return async.Ready(async.Result[int]{Value: n})
	}
	return r.hj.Conn.Read(p)
}
