package http1

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
)

// clRun runs fn as the main coroutine of a new executor of x's kind, with
// opts, and fails t with what it returns.
func clRun(t *testing.T, x rttest.Executor, fn func(co *async.Co) error, opts ...executor.Option) {
	t.Helper()
	err, runErr := executor.Run(async.Go(fn), x.With(opts...)...)
	if runErr != nil {
		t.Fatalf("executor: %v", runErr)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// clCheckFDs fails t if it leaves a descriptor open. Call it before
// starting servers, so that its check runs after they are closed.
func clCheckFDs(t *testing.T) {
	fdcheck.Warm()
	fdcheck.Check(t)
}

// clServer is a net/http test server that counts the connections it
// accepted and closed.
type clServer struct {
	*httptest.Server
	accepted atomic.Int32
	closed   atomic.Int32
}

// clStart starts a net/http server of h, closed when the test ends.
func clStart(t *testing.T, h http.HandlerFunc) *clServer {
	t.Helper()
	s := &clServer{}
	s.Server = httptest.NewUnstartedServer(h)
	s.Config.ConnState = func(c net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.accepted.Add(1)
		case http.StateClosed, http.StateHijacked:
			s.closed.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// clGetString fetches url with c and returns the status and body.
func clGetString(co *async.Co, c *Client, url string) (int, string, error) {
	resp, err := async.Await(co, c.Get(url)).Get()
	if err != nil {
		return 0, "", err
	}
	body, err := clReadAll(co, resp.Body)
	return resp.StatusCode, body, err
}

// clReadAll reads b to its end.
func clReadAll(co *async.Co, b *ResponseBody) (string, error) {
	var sb strings.Builder
	buf := make([]byte, 1000)
	for {
		n, err := async.Await(co, b.Read(buf)).Get()
		sb.Write(buf[:n])
		if err == io.EOF {
			return sb.String(), nil
		}
		if err != nil {
			return sb.String(), err
		}
	}
}

// clRawServer is a TCP server whose every connection is handled by a
// function on a goroutine, to answer what no proper server would.
type clRawServer struct {
	l        net.Listener
	accepted atomic.Int32
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

// clRaw starts a raw server, closed (with every connection) when the test
// ends.
func clRaw(t *testing.T, handle func(c net.Conn)) *clRawServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &clRawServer{l: l}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// URL is the server's URL with path.
func (s *clRawServer) URL(path string) string { return "http://" + s.l.Addr().String() + path }

// clReadHead reads a request head from c, byte by byte so that nothing
// after it is consumed, and returns it.
func clReadHead(c net.Conn) (string, error) {
	var b []byte
	one := make([]byte, 1)
	for !strings.HasSuffix(string(b), "\r\n\r\n") {
		if _, err := c.Read(one); err != nil {
			return string(b), err
		}
		b = append(b, one[0])
	}
	return string(b), nil
}

// clWantError fails t unless err is an *Error whose text holds every one
// of parts.
func clWantError(t *testing.T, err error, parts ...string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want an *http1.Error", err, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
	return e
}
