package nethttp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async/internal/rttest"
)

// TestFlushStreams checks that each Flush reaches the client before the
// handler goes on: the handler waits for the client to say it read the
// first chunk before it writes the second.
func TestFlushStreams(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		got := make(chan string, 10)
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			for i := range 3 {
				fmt.Fprintf(w, "chunk %d\n", i)
				if err := rc.Flush(); err != nil {
					t.Errorf("Flush: %v", err)
					return
				}
				select {
				case line := <-got:
					if want := fmt.Sprintf("chunk %d\n", i); line != want {
						t.Errorf("the client read %q; want %q", line, want)
					}
				case <-time.After(20 * time.Second):
					t.Errorf("the client did not see chunk %d", i)
					return
				}
			}
		}))
		resp, err := ts.client.Get(ts.url + "/stream")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.ContentLength != -1 || len(resp.TransferEncoding) != 1 {
			t.Errorf("a flushed response: ContentLength %d, TransferEncoding %v; want chunked", resp.ContentLength, resp.TransferEncoding)
		}
		br := bufio.NewReader(resp.Body)
		for {
			line, err := br.ReadString('\n')
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got <- line
		}
	})
}

// TestLargeResponse checks a body written in pieces of many sizes, some
// larger than the buffer, arrives whole and chunked.
func TestLargeResponse(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		want := pattern(3 << 20)
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sizes := []int{1, 100, 4095, 4096, 4097, 10_000, 16 << 10, 65_536, 70_000}
			for rest, i := want, 0; len(rest) > 0; i++ {
				k := min(len(rest), sizes[i%len(sizes)])
				if _, err := w.Write(rest[:k]); err != nil {
					t.Errorf("Write: %v", err)
					return
				}
				rest = rest[k:]
			}
		}))
		resp, err := ts.client.Get(ts.url + "/big")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(got) != string(want) || resp.ContentLength != -1 {
			t.Errorf("read %d bytes (equal %v), %v, ContentLength %d", len(got), string(got) == string(want), err, resp.ContentLength)
		}
	})
}

// TestSlowClientStallsHandler checks the backpressure of a download: a
// client that reads nothing stops the handler's writes once the server's
// buffer and the sockets' are full, and the handler goes on as the client
// reads.
func TestSlowClientStallsHandler(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const total = 24 << 20
		var written atomic.Int64
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			piece := pattern(32 << 10)
			for written.Load() < total {
				if _, err := w.Write(piece); err != nil {
					return
				}
				written.Add(int64(len(piece)))
			}
		}))
		c := dialRaw(t, ts.addr)
		c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		// Wait until the writes stop moving, then check where they
		// stopped: far short of the whole body. (On Linux they stop after
		// about 4 MiB: the socket buffers of a client that reads nothing
		// do not grow.)
		last := int64(-1)
		for written.Load() != last {
			last = written.Load()
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("the handler stalled after %d bytes", last)
		if last >= total/2 {
			t.Fatalf("the handler wrote %d bytes to a client that reads nothing", last)
		}
		resp, err := http.ReadResponse(c.br, nil)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != 200 || n != written.Load() || n < total || err != nil {
			t.Fatalf("%d, %d bytes, %v; want %d", resp.StatusCode, n, err, written.Load())
		}
	})
}

func TestHead(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, err := io.WriteString(w, "<html><body>hello</body></html>")
			if n != 31 || err != nil {
				t.Errorf("Write: %d, %v", n, err)
			}
		}))
		c := dialRaw(t, ts.addr)
		for range 2 {
			c.send("HEAD /page HTTP/1.1\r\nHost: x\r\n\r\n")
			resp, body := c.read("HEAD")
			if resp.StatusCode != 200 || body != "" || resp.ContentLength != 31 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("HEAD: %d %q, ContentLength %d, Content-Type %q", resp.StatusCode, body, resp.ContentLength, resp.Header.Get("Content-Type"))
			}
		}
		// The connection was kept; a GET after the HEADs has its body.
		c.send("GET /page HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, body := c.read("GET"); resp.StatusCode != 200 || body != "<html><body>hello</body></html>" {
			t.Errorf("GET after HEAD: %d %q", resp.StatusCode, body)
		}
	})
}

func TestContentLengthHonoured(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		errs := make(chan error, 1)
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "10000")
			w.Write(pattern(5000))
			w.Write(pattern(5000))
			_, err := w.Write([]byte("x"))
			errs <- err
		}))
		resp, err := ts.client.Get(ts.url + "/sized")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ContentLength != 10000 || len(b) != 10000 {
			t.Errorf("ContentLength %d, %d bytes; want 10000", resp.ContentLength, len(b))
		}
		if err := within(t, "the handler", errs); err != http.ErrContentLength {
			t.Errorf("writing past the Content-Length: %v; want http.ErrContentLength", err)
		}
	})
}

func TestWriteHeaderRules(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		errs := make(chan error, 1)
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/nocontent":
				w.WriteHeader(204)
				_, err := w.Write([]byte("x"))
				errs <- err
			case "/twice":
				w.Header().Set("X-Before", "1")
				w.WriteHeader(202)
				w.Header().Set("X-After", "1") // too late, as in net/http
				w.WriteHeader(500)
				io.WriteString(w, "accepted")
			case "/interim":
				w.WriteHeader(103) // not sent
				w.WriteHeader(200)
				io.WriteString(w, "final")
			case "/invalid":
				defer func() { errs <- fmt.Errorf("%v", recover()) }()
				w.WriteHeader(42)
			case "/nothing":
			}
		}))
		status, _, body := do(t, ts, "GET", "/nocontent", "")
		if err := within(t, "the handler", errs); status != 204 || body != "" || err != http.ErrBodyNotAllowed {
			t.Errorf("204: %d %q, Write: %v", status, body, err)
		}
		status, h, body := do(t, ts, "GET", "/twice", "")
		if status != 202 || body != "accepted" || h.Get("X-Before") != "1" || h.Get("X-After") != "" {
			t.Errorf("WriteHeader twice: %d %q %v", status, body, h)
		}
		if !strings.Contains(ts.logs.String(), "superfluous WriteHeader(500)") {
			t.Errorf("the second WriteHeader was not logged: %q", ts.logs)
		}
		if status, _, body = do(t, ts, "GET", "/interim", ""); status != 200 || body != "final" {
			t.Errorf("103 then 200: %d %q", status, body)
		}
		status, _, _ = do(t, ts, "GET", "/invalid", "")
		if err := within(t, "the handler", errs); !strings.Contains(err.Error(), "invalid WriteHeader code 42") || status != 200 {
			t.Errorf("WriteHeader(42): recovered %v, status %d", err, status)
		}
		status, h, body = do(t, ts, "GET", "/nothing", "")
		if status != 200 || body != "" || h.Get("Content-Length") != "0" {
			t.Errorf("a handler that writes nothing: %d %q %v", status, body, h)
		}
	})
}

func TestHeaderSnapshot(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Add("X-Multi", "a")
			h.Add("X-Multi", "b")
			h.Set("X-Evil", "a\r\nInjected: yes")
			h["bad name"] = []string{"dropped"}
			h.Set("Date", "Mon, 01 Jan 2001 00:00:00 GMT")
			if r.URL.Path == "/typed" {
				h.Set("Content-Type", "application/json")
			}
			io.WriteString(w, "%PDF-1.4 not really")
		}))
		status, h, _ := do(t, ts, "GET", "/", "")
		if status != 200 || strings.Join(h["X-Multi"], ",") != "a,b" || h.Get("X-Evil") != "a  Injected: yes" ||
			h.Get("Injected") != "" || len(h["Date"]) != 1 || h.Get("Date") == "Mon, 01 Jan 2001 00:00:00 GMT" ||
			h.Get("Content-Type") != "application/pdf" {
			t.Errorf("%d %v", status, h)
		}
		if _, h, _ = do(t, ts, "GET", "/typed", ""); h.Get("Content-Type") != "application/json" {
			t.Errorf("a Content-Type set by the handler: %q", h.Get("Content-Type"))
		}
	})
}

// TestWriteAfterClientGone checks that a handler writing to a client
// that went away gets an error, and its context is done.
func TestWriteAfterClientGone(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		started := make(chan struct{})
		result := make(chan error, 1)
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			piece := pattern(64 << 10)
			for i := 0; i < 10_000; i++ {
				if _, err := w.Write(piece); err != nil {
					if r.Context().Err() == nil {
						err = errors.New("the context is not done")
					}
					result <- err
					return
				}
			}
			result <- errors.New("every write succeeded")
		}))
		c := dialRaw(t, ts.addr)
		c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		within(t, "the handler", started)
		c.br.Peek(1)
		c.Close()
		if err := within(t, "the handler's writes", result); err == nil || strings.Contains(err.Error(), "succeeded") || strings.Contains(err.Error(), "context") {
			t.Errorf("writing after the client closed: %v", err)
		}
	})
}
