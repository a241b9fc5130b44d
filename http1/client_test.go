package http1

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

// A sized response: the head as sent, the body, and the connection kept
// for the next request.
func TestClientSizedResponse(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clStart(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Path", r.URL.Path)
			w.Header().Set("Content-Length", "5")
			io.WriteString(w, "hello")
		})
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			resp, err := async.Await(co, c.Get(srv.URL+"/sized?q=1")).Get()
			if err != nil {
				return err
			}
			if resp.StatusCode != 200 || resp.Reason != "OK" || resp.Proto != "HTTP/1.1" {
				return fmt.Errorf("status %d %q %s, want 200 OK HTTP/1.1", resp.StatusCode, resp.Reason, resp.Proto)
			}
			if resp.ContentLength != 5 || resp.Header.Get("x-path") != "/sized" {
				return fmt.Errorf("ContentLength %d, X-Path %q", resp.ContentLength, resp.Header.Get("X-Path"))
			}
			body, err := clReadAll(co, resp.Body)
			if err != nil || body != "hello" {
				return fmt.Errorf("body %q, %v", body, err)
			}
			if resp.Request == nil || resp.Request.URL.RawQuery != "q=1" {
				return fmt.Errorf("Request %+v", resp.Request)
			}
			return resp.Body.Close()
		})
	})
}

// A chunked response, written in pieces that the server flushes.
func TestClientChunkedResponse(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clStart(t, func(w http.ResponseWriter, r *http.Request) {
			for i := range 50 {
				fmt.Fprintf(w, "piece %d;", i)
				w.(http.Flusher).Flush()
			}
		})
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			for range 2 {
				resp, err := async.Await(co, c.Get(srv.URL)).Get()
				if err != nil {
					return err
				}
				if resp.ContentLength != -1 || resp.Header.Get("Transfer-Encoding") != "chunked" {
					return fmt.Errorf("ContentLength %d, Transfer-Encoding %q", resp.ContentLength, resp.Header.Get("Transfer-Encoding"))
				}
				body, err := clReadAll(co, resp.Body)
				if err != nil {
					return err
				}
				var want strings.Builder
				for i := range 50 {
					fmt.Fprintf(&want, "piece %d;", i)
				}
				if body != want.String() {
					return fmt.Errorf("body %q, want %q", body, want.String())
				}
			}
			if n := srv.accepted.Load(); n != 1 {
				return fmt.Errorf("server accepted %d connections, want 1 kept alive", n)
			}
			return nil
		})
	})
}

// A response with neither Content-Length nor chunked ends with the
// connection, which is then not reused.
func TestClientCloseDelimitedResponse(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		body := strings.Repeat("until the end ", 5000)
		srv := clRaw(t, func(c net.Conn) {
			defer c.Close()
			if _, err := clReadHead(c); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"+body)
		})
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			for range 2 {
				resp, err := async.Await(co, c.Get(srv.URL("/"))).Get()
				if err != nil {
					return err
				}
				got, err := clReadAll(co, resp.Body)
				if err != nil || got != body {
					return fmt.Errorf("body of %d bytes, %v; want %d bytes", len(got), err, len(body))
				}
				if resp.ContentLength != -1 {
					return fmt.Errorf("ContentLength %d, want -1", resp.ContentLength)
				}
			}
			if n := srv.accepted.Load(); n != 2 {
				return fmt.Errorf("server accepted %d connections, want 2: one per close-delimited response", n)
			}
			return nil
		})
	})
}

// HEAD, 204 and 304 have no body, whatever their fields say, and leave
// the connection ready for the next request at once.
func TestClientResponsesWithoutBody(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clStart(t, func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/204":
				w.WriteHeader(204)
			case "/304":
				w.Header().Set("ETag", `"x"`)
				w.WriteHeader(304)
			default:
				w.Header().Set("Content-Length", "42")
				if r.Method != "HEAD" {
					io.WriteString(w, strings.Repeat("x", 42))
				}
			}
		})
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			for _, tc := range []struct {
				method, path string
				status       int
				length       int64
			}{
				{"HEAD", "/", 200, 42},
				{"GET", "/204", 204, -1},
				{"GET", "/304", 304, -1},
				{"HEAD", "/", 200, 42},
			} {
				req, err := NewRequest(tc.method, srv.URL+tc.path, nil)
				if err != nil {
					return err
				}
				resp, err := async.Await(co, c.Do(req)).Get()
				if err != nil {
					return err
				}
				if resp.StatusCode != tc.status || resp.ContentLength != tc.length {
					return fmt.Errorf("%s %s: status %d, ContentLength %d; want %d, %d",
						tc.method, tc.path, resp.StatusCode, resp.ContentLength, tc.status, tc.length)
				}
				// The body ended with the head: its connection is idle
				// already, before any Read.
				if n := clIdle(&c, srv.Listener.Addr().String()); n != 1 {
					return fmt.Errorf("%s %s: %d idle connections before reading the body, want 1", tc.method, tc.path, n)
				}
				if body, err := clReadAll(co, resp.Body); body != "" || err != nil {
					return fmt.Errorf("%s %s: body %q, %v", tc.method, tc.path, body, err)
				}
			}
			if n := srv.accepted.Load(); n != 1 {
				return fmt.Errorf("server accepted %d connections, want 1", n)
			}
			return nil
		})
	})
}

// clIdle returns how many idle connections c keeps for addr.
func clIdle(c *Client, addr string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hp := c.hosts[addr]; hp != nil {
		return len(hp.idle)
	}
	return 0
}

// clOpen returns how many connections c has open for addr.
func clOpen(c *Client, addr string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hp := c.hosts[addr]; hp != nil {
		return hp.open
	}
	return 0
}

// Sequential requests share one connection, tasks on either executor
// share the pool, and a body read to its end frees the connection even
// when the reader stops at the last byte.
func TestClientKeepAlive(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clStart(t, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "n="+r.URL.Query().Get("n"))
		})
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			for i := range 20 {
				resp, err := async.Await(co, c.Get(srv.URL+"/?n="+strconv.Itoa(i))).Get()
				if err != nil {
					return err
				}
				want := "n=" + strconv.Itoa(i)
				buf := make([]byte, len(want))
				n, err := async.Await(co, resp.Body.Read(buf)).Get()
				if err != nil || string(buf[:n]) != want {
					return fmt.Errorf("request %d: read %q, %v", i, buf[:n], err)
				}
			}
			if n := srv.accepted.Load(); n != 1 {
				return fmt.Errorf("server accepted %d connections for 20 requests, want 1", n)
			}
			// Tasks that take turns, possibly on several workers.
			for range 3 {
				var tasks []async.JoinHandle[error]
				for range 4 {
					tasks = append(tasks, async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
						_, body, err := clGetString(co, &c, srv.URL+"/?n=x")
						if err == nil && body != "n=x" {
							err = fmt.Errorf("body %q", body)
						}
						return err
					})))
				}
				for _, h := range tasks {
					if r := async.Await(co, h); r.Err != nil || r.Value != nil {
						return fmt.Errorf("task: %v, %v", r.Err, r.Value)
					}
				}
			}
			if n := srv.accepted.Load(); n > DefaultMaxIdlePerHost {
				return fmt.Errorf("server accepted %d connections for rounds of 4 requests", n)
			}
			return nil
		})
	})
}
