package http1

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/internal/rttest"
)

// clBodyServer answers every request with what it received: the method,
// the length and framing of the body, and the body's SHA-256.
func clBodyServer(t *testing.T) *clServer {
	return clStart(t, func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fmt.Fprintf(w, "%s cl=%d te=%v n=%d sha=%x", r.Method, r.ContentLength, r.TransferEncoding, n, h.Sum(nil))
	})
}

func clBodySummary(method string, cl int64, te string, body []byte) string {
	return fmt.Sprintf("%s cl=%d te=%s n=%d sha=%x", method, cl, te, len(body), sha256.Sum256(body))
}

// A request body is streamed: with Content-Length when its length is
// known, chunked when not, and a large one without holding it in memory.
func TestClientRequestBody(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clBodyServer(t)
		big := bytes.Repeat([]byte("0123456789abcdef"), 200_000) // 3.2 MB, beyond the socket buffers
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			check := func(req *ClientRequest, want string) error {
				resp, err := async.Await(co, c.Do(req)).Get()
				if err != nil {
					return err
				}
				got, err := clReadAll(co, resp.Body)
				if err != nil || got != want {
					return fmt.Errorf("%s with ContentLength %d: server said %q, %v; want %q", req.Method, req.ContentLength, got, err, want)
				}
				return nil
			}
			// Sized.
			req, _ := NewRequest("POST", srv.URL, BytesBody(big))
			if err := check(req, clBodySummary("POST", int64(len(big)), "[]", big)); err != nil {
				return err
			}
			// Chunked, from a pipe that a task writes in pieces.
			pr, pw := aio.Pipe(4096)
			writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				for off := 0; off < len(big); off += 10_000 {
					if _, err := async.Await(co, aio.WriteAll(pw, big[off:min(off+10_000, len(big))])).Get(); err != nil {
						return err
					}
				}
				return pw.Close()
			}))
			req, _ = NewRequest("PUT", srv.URL, pr)
			if req.ContentLength != -1 {
				return fmt.Errorf("ContentLength of a pipe's body %d, want -1", req.ContentLength)
			}
			if err := check(req, clBodySummary("PUT", -1, "[chunked]", big)); err != nil {
				return err
			}
			if r := async.Await(co, writer); r.Err != nil || r.Value != nil {
				return fmt.Errorf("writer: %v, %v", r.Err, r.Value)
			}
			// Built by hand: ContentLength set, and 0 with a Body (unknown).
			u := req.URL
			if err := check(&ClientRequest{Method: "POST", URL: u, Body: BytesBody([]byte("abc")), ContentLength: 3},
				clBodySummary("POST", 3, "[]", []byte("abc"))); err != nil {
				return err
			}
			if err := check(&ClientRequest{Method: "POST", URL: u, Body: BytesBody([]byte("abc"))},
				clBodySummary("POST", -1, "[chunked]", []byte("abc"))); err != nil {
				return err
			}
			// No body: a POST says Content-Length: 0, a GET nothing.
			if err := check(&ClientRequest{Method: "POST", URL: u}, clBodySummary("POST", 0, "[]", nil)); err != nil {
				return err
			}
			if err := check(&ClientRequest{Method: "GET", URL: u}, clBodySummary("GET", 0, "[]", nil)); err != nil {
				return err
			}
			if n := srv.accepted.Load(); n != 1 {
				return fmt.Errorf("server accepted %d connections, want 1", n)
			}
			return nil
		})
	})
}

// clFailingBody returns some bytes, then an error.
type clFailingBody struct {
	left int
	err  error
}

func (b *clFailingBody) Read(p []byte) async.Future[async.Result[int]] {
	if b.left == 0 {
		return async.Ready(async.Err[int](b.err))
	}
	n := min(len(p), b.left)
	b.left -= n
	return async.Ready(async.Ok(n))
}

// A body that fails, or ends before its ContentLength, fails the request
// with an error that says so, and the connection is not reused.
func TestClientRequestBodyFails(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clBodyServer(t)
		addr := srv.Listener.Addr().String()
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			broken := errors.New("disk on fire")
			req, _ := NewRequest("POST", srv.URL+"/f", &clFailingBody{left: 100, err: broken})
			_, err := async.Await(co, c.Do(req)).Get()
			if !errors.Is(err, broken) || !strings.Contains(err.Error(), "POST "+srv.URL+"/f: read request body: disk on fire") {
				return fmt.Errorf("error %v, want the body's", err)
			}
			req = &ClientRequest{Method: "POST", URL: req.URL, Body: &clFailingBody{left: 5, err: io.EOF}, ContentLength: 10}
			_, err = async.Await(co, c.Do(req)).Get()
			if err == nil || !strings.Contains(err.Error(), "read request body: body ended after 5 of its ContentLength of 10 bytes") {
				return fmt.Errorf("error %v, want one about the short body", err)
			}
			if n := clOpen(&c, addr); n != 0 {
				return fmt.Errorf("%d connections open after failed requests, want 0", n)
			}
			return nil
		})
	})
}

// clEndless is a body that never ends.
type clEndless struct{ sent int }

var clEndlessBytes = bytes.Repeat([]byte("e"), 4096)

func (b *clEndless) Read(p []byte) async.Future[async.Result[int]] {
	n := copy(p, clEndlessBytes)
	b.sent += n
	return async.Ready(async.Ok(n))
}

// A server that answers before it read the body (here, a 413 for a body
// that never ends) is heard: the client reads while it writes, stops
// sending, and does not reuse the connection.
func TestClientResponseBeforeBodySent(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clRaw(t, func(c net.Conn) {
			defer c.Close()
			if _, err := clReadHead(c); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\n\r\ntoo big!")
			io.Copy(io.Discard, c) // until the client closes: no reset
		})
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			body := &clEndless{}
			req, _ := NewRequest("POST", srv.URL("/upload"), body)
			resp, err := async.Await(co, c.Do(req)).Get()
			if err != nil {
				return err
			}
			got, err := clReadAll(co, resp.Body)
			if resp.StatusCode != 413 || got != "too big!" || err != nil {
				return fmt.Errorf("response %d %q, %v", resp.StatusCode, got, err)
			}
			if n := clOpen(&c, srv.l.Addr().String()); n != 0 {
				return fmt.Errorf("%d connections open, want the half-sent one closed", n)
			}
			if body.sent == 0 {
				return fmt.Errorf("nothing of the body was sent")
			}
			return nil
		})
	})
}

// The request's head: the method, the target in origin-form, Host from
// the URL or the Header, the caller's fields in order, and the fields the
// client must not be given.
func TestClientRequestHead(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		heads := make(chan string, 4)
		srv := clRaw(t, func(c net.Conn) {
			defer c.Close()
			for {
				head, err := clReadHead(c)
				if err != nil {
					return
				}
				heads <- head
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
			}
		})
		host := srv.l.Addr().String()
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			req, _ := NewRequest("DELETE", srv.URL("/a%20b/c?x=1&y=%2F"), nil)
			req.Header.Add("X-One", "1")
			req.Header.Add("x-two", "2")
			if _, err := async.Await(co, c.Do(req)).Get(); err != nil {
				return err
			}
			want := "DELETE /a%20b/c?x=1&y=%2F HTTP/1.1\r\nHost: " + host + "\r\nX-One: 1\r\nx-two: 2\r\n\r\n"
			if got := <-heads; got != want {
				return fmt.Errorf("head %q, want %q", got, want)
			}
			req, _ = NewRequest("GET", srv.URL(""), nil)
			req.Header.Set("Host", "example.test")
			if _, err := async.Await(co, c.Do(req)).Get(); err != nil {
				return err
			}
			if got, want := <-heads, "GET / HTTP/1.1\r\nHost: example.test\r\n\r\n"; got != want {
				return fmt.Errorf("head %q, want %q", got, want)
			}
			for _, bad := range []struct{ name, value, says string }{
				{"Content-Length", "5", "header field Content-Length is set"},
				{"Transfer-Encoding", "chunked", "header field Transfer-Encoding is set"},
				{"Bad Name", "x", `invalid header field name "Bad Name"`},
				{"X-Split", "a\r\nInjected: yes", `invalid value "a\r\nInjected: yes" in header field X-Split`},
			} {
				req, _ = NewRequest("GET", srv.URL("/"), nil)
				req.Header.Add(bad.name, bad.value)
				_, err := async.Await(co, c.Do(req)).Get()
				if err == nil || !strings.Contains(err.Error(), "GET "+srv.URL("/")+": request: "+bad.says) {
					return fmt.Errorf("header %s: error %v, want it to say %q", bad.name, err, bad.says)
				}
			}
			return nil
		})
		if n := srv.accepted.Load(); n != 1 {
			t.Errorf("server accepted %d connections, want 1", n)
		}
		select {
		case h := <-heads:
			t.Errorf("an invalid request was sent: %q", h)
		default:
		}
	})
}

// NewRequest's checks, and the length and GetBody of its bodies.
func TestNewRequest(t *testing.T) {
	req, err := NewRequest("POST", "http://example.test/x", StringBody("hello"))
	if err != nil || req.ContentLength != 5 || req.GetBody == nil {
		t.Fatalf("NewRequest: %+v, %v", req, err)
	}
	for _, tc := range []struct{ method, url, says string }{
		{"GE T", "http://x/", `invalid method "GE T"`},
		{"GET", "http://x/%zz", "invalid URL escape"},
	} {
		if _, err := NewRequest(tc.method, tc.url, nil); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("NewRequest(%q, %q): %v, want it to say %q", tc.method, tc.url, err, tc.says)
		}
	}
	if req, _ := NewRequest("", "http://x/", StringBody("")); req.Method != "GET" || req.Body != nil {
		t.Errorf("NewRequest with an empty body: %+v", req)
	}
}

// clLastBytesWithEOF returns its bytes and io.EOF from one Read.
type clLastBytesWithEOF struct{ b []byte }

func (r *clLastBytesWithEOF) Read(p []byte) async.Future[async.Result[int]] {
	if len(r.b) == 0 {
		return async.Ready(async.Err[int](errors.New("read again after io.EOF")))
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return async.Ready(async.Result[int]{Value: n, Err: io.EOF})
}

// A Read that returns the last bytes with io.EOF ends the body there:
// the bytes are sent, and the body is not read again.
func TestClientRequestBodyBytesWithEOF(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clBodyServer(t)
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			for _, length := range []int64{-1, 5} {
				req, _ := NewRequest("POST", srv.URL, &clLastBytesWithEOF{b: []byte("hello")})
				req.ContentLength = length
				resp, err := async.Await(co, c.Do(req)).Get()
				if err != nil {
					return err
				}
				got, err := clReadAll(co, resp.Body)
				te := "[chunked]"
				if length > 0 {
					te = "[]"
				}
				if want := clBodySummary("POST", length, te, []byte("hello")); err != nil || got != want {
					return fmt.Errorf("ContentLength %d: %q, %v; want %q", length, got, err, want)
				}
			}
			return nil
		})
	})
}
