package nethttp

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async/internal/rttest"
)

// hashBody answers with the length and SHA-256 of the request body, read
// in small pieces so that it takes many ops.
func hashBody(w http.ResponseWriter, r *http.Request) {
	h := sha256.New()
	n, err := io.CopyBuffer(h, r.Body, make([]byte, 1000))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "%d %x %d", n, h.Sum(nil), r.ContentLength)
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%23)
	}
	return b
}

func TestBodySized(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, http.HandlerFunc(hashBody))
		for _, n := range []int{1, 999, 1000, 4096, 100_000, 1 << 20} {
			body := pattern(n)
			resp, err := ts.client.Post(ts.url+"/up", "application/octet-stream", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if want := fmt.Sprintf("%d %x %d", n, sha256.Sum256(body), n); string(got) != want {
				t.Errorf("%d bytes: %q; want %q", n, got, want)
			}
		}
	})
}

// TestBodyChunkedPipe uploads a chunked body through an io.Pipe, a piece
// at a time, and the handler reads it as it comes.
func TestBodyChunkedPipe(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, http.HandlerFunc(hashBody))
		pr, pw := io.Pipe()
		all := pattern(300_000)
		go func() {
			for rest := all; len(rest) > 0; {
				n := min(len(rest), 7777)
				if _, err := pw.Write(rest[:n]); err != nil {
					return
				}
				rest = rest[n:]
			}
			pw.Close()
		}()
		req, _ := http.NewRequest("POST", ts.url+"/up", pr)
		resp, err := ts.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf("%d %x -1", len(all), sha256.Sum256(all)); string(got) != want {
			t.Errorf("chunked upload: %q; want %q", got, want)
		}
	})
}

// TestExpectContinue checks that the client is told to go on when the
// handler reads the body, and not before.
func TestExpectContinue(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		reading := make(chan struct{})
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/refuse" {
				http.Error(w, "no", http.StatusForbidden)
				return
			}
			<-reading
			hashBody(w, r)
		}))
		c := dialRaw(t, ts.addr)
		c.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
		// Nothing arrives until the handler reads.
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if b, err := c.br.Peek(1); err == nil {
			t.Fatalf("read %q before the handler read the body", b)
		}
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		close(reading)
		line, err := c.br.ReadString('\n')
		if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
			t.Fatalf("read %q, %v; want 100 Continue", line, err)
		}
		c.br.ReadString('\n')
		c.send("hello")
		resp, body := c.read("POST")
		if want := fmt.Sprintf("5 %x 5", sha256.Sum256([]byte("hello"))); resp.StatusCode != 200 || body != want {
			t.Errorf("%d %q; want %q", resp.StatusCode, body, want)
		}

		// Go's client waits for 100 Continue; a handler that refuses
		// without reading spares it the upload.
		tr := &http.Transport{ExpectContinueTimeout: 20 * time.Second}
		defer tr.CloseIdleConnections()
		var sent atomic.Bool
		req, _ := http.NewRequest("POST", ts.url+"/refuse", readerFunc(func(p []byte) (int, error) {
			sent.Store(true)
			return 0, io.EOF
		}))
		req.ContentLength = 10
		req.Header.Set("Expect", "100-continue")
		resp, err = (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 || sent.Load() || !resp.Close {
			t.Errorf("refused upload: %d, body sent %v, Close %v; want 403, no body, Connection: close", resp.StatusCode, sent.Load(), resp.Close)
		}
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// TestIgnoredBody checks that a handler that never reads its body is
// answered, and the connection kept for the next request when the server
// can drain the rest.
func TestIgnoredBody(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "ignored")
		}))
		c := dialRaw(t, ts.addr)
		for i := range 3 {
			c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789")
			if resp, body := c.read("POST"); resp.StatusCode != 200 || body != "ignored" || resp.Close {
				t.Fatalf("request %d: %d %q close %v", i, resp.StatusCode, body, resp.Close)
			}
		}
		// Go's client too, with a body larger than the socket buffers.
		resp, err := ts.client.Post(ts.url+"/x", "", bytes.NewReader(pattern(100_000)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "ignored" {
			t.Errorf("a large ignored body: %q", b)
		}
	})
}

// TestBodyReadAfterReturn checks that a body kept past the handler fails
// to read, rather than reading another request's body.
func TestBodyReadAfterReturn(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		kept := make(chan io.Reader, 1)
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/keep" {
				kept <- r.Body
			}
			io.Copy(io.Discard, r.Body)
		}))
		req, _ := http.NewRequest("POST", ts.url+"/keep", strings.NewReader("first"))
		req.ContentLength = -1 // chunked: the body knows no length
		resp, err := ts.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		body := <-kept
		if _, err := ts.client.Post(ts.url+"/other", "", strings.NewReader("second")); err != nil {
			t.Fatal(err)
		}
		if n, err := body.Read(make([]byte, 10)); n != 0 || err != http.ErrBodyReadAfterClose {
			t.Errorf("Read after the handler returned: %d, %v; want http.ErrBodyReadAfterClose", n, err)
		}
	})
}
