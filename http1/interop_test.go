package http1

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

// Other clients against our server: Go's net/http client and curl. Each
// checks what the client sees and, where it matters (keep-alive), what
// the server saw.

// connLog records the client address of every request, so that a test
// can count the connections a client used.
type connLog struct {
	mu    sync.Mutex
	addrs map[string]int
}

func (l *connLog) add(addr string) {
	l.mu.Lock()
	if l.addrs == nil {
		l.addrs = map[string]int{}
	}
	l.addrs[addr]++
	l.mu.Unlock()
}

// conns returns how many connections made requests, and how many
// requests there were, since the last call.
func (l *connLog) take() (conns, requests int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range l.addrs {
		requests += n
	}
	conns = len(l.addrs)
	l.addrs = nil
	return conns, requests
}

// bigPattern is the byte at offset i of a large download.
func bigPattern(i int) byte { return byte(i % 251) }

// bigSize is the length of a large download.
const bigSize = 16 << 20

// interopHandler serves the interop tests:
//
//	/sum     reads the body and answers "len=N chunked=B sha=X"
//	/reject  answers 403 without reading the body
//	/big     16 MiB of bigPattern, chunked; /big-sized, with Content-Length
//	else     Hello, World!
func interopHandler(log *connLog) Handler {
	return HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
		log.add(r.RemoteAddr().String())
		switch string(r.Path()) {
		case "/sum":
			return async.Go(func(co *async.Co) struct{} {
				sum := sha256.New()
				buf := make([]byte, 32<<10)
				var n int64
				for {
					k, err := async.Await(co, r.Body().Read(buf)).Get()
					sum.Write(buf[:k])
					n += int64(k)
					if err == io.EOF {
						break
					}
					if err != nil {
						return struct{}{}
					}
				}
				msg := fmt.Sprintf("len=%d chunked=%v sha=%x", n, r.ContentLength() < 0, sum.Sum(nil))
				async.Await(co, w.Send(200, []byte(msg)))
				return struct{}{}
			})
		case "/reject":
			return w.Send(403, []byte("no"))
		case "/big", "/big-sized":
			if string(r.Path()) == "/big-sized" {
				w.Header().Set("Content-Length", fmt.Sprint(bigSize))
			}
			return async.Go(func(co *async.Co) struct{} {
				buf := make([]byte, 64<<10)
				for off := 0; off < bigSize; off += len(buf) {
					for i := range buf {
						buf[i] = bigPattern(off + i)
					}
					if _, err := async.Await(co, w.Write(buf)).Get(); err != nil {
						return struct{}{}
					}
				}
				return struct{}{}
			})
		}
		return hello(w, r)
	})
}

// sumOf is what /sum answers for body.
func sumOf(body []byte, chunked bool) string {
	return fmt.Sprintf("len=%d chunked=%v sha=%x", len(body), chunked, sha256.Sum256(body))
}

// uploadBody is a body of n bytes that no two offsets of a short period
// share.
func uploadBody(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/256)
	}
	return b
}

func TestInteropNetHTTPKeepAlive(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		log := new(connLog)
		ts := startServer(t, x, &Server{Handler: interopHandler(log)})
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		cl := &http.Client{Transport: tr}
		base := "http://" + ts.addr
		for i := range 20 {
			method := http.MethodGet
			if i%5 == 4 {
				method = http.MethodHead
			}
			req, _ := http.NewRequest(method, fmt.Sprintf("%s/k/%d", base, i), nil)
			resp, err := cl.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := "Hello, World!"
			if method == http.MethodHead {
				want = ""
			}
			if err != nil || resp.StatusCode != 200 || string(b) != want || resp.ContentLength != 13 {
				t.Fatalf("%s %d: %d %q (length %d), %v", method, i, resp.StatusCode, b, resp.ContentLength, err)
			}
		}
		if conns, reqs := log.take(); conns != 1 || reqs != 20 {
			t.Fatalf("20 requests came on %d connections (%d requests seen), want 1", conns, reqs)
		}
	})
}

func TestInteropNetHTTPChunkedUpload(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: interopHandler(new(connLog))})
		body := uploadBody(3 << 20)
		pr, pw := io.Pipe()
		go func() {
			// Pieces of odd sizes, so the chunks do not line up with
			// anything.
			for rest := body; len(rest) > 0; {
				n := min(len(rest), 7777)
				if _, err := pw.Write(rest[:n]); err != nil {
					return
				}
				rest = rest[n:]
			}
			pw.Close()
		}()
		req, _ := http.NewRequest(http.MethodPost, "http://"+ts.addr+"/sum", pr)
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || string(b) != sumOf(body, true) {
			t.Fatalf("chunked upload: %d %q, %v; want %q", resp.StatusCode, b, err, sumOf(body, true))
		}
	})
}

func TestInteropNetHTTPExpectContinue(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: interopHandler(new(connLog))})
		// A timeout this long means the client sends the body only
		// after the server's 100 Continue, which the trace sees.
		tr := &http.Transport{ExpectContinueTimeout: time.Minute}
		defer tr.CloseIdleConnections()
		cl := &http.Client{Transport: tr}
		body := uploadBody(200 << 10)
		do := func(path string) (resp *http.Response, answer string, got100 bool) {
			t.Helper()
			ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
				Got100Continue: func() { got100 = true },
			})
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, "http://"+ts.addr+path, bytes.NewReader(body))
			req.Header.Set("Expect", "100-continue")
			resp, err := cl.Do(req)
			if err != nil {
				t.Fatalf("PUT %s: %v", path, err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatalf("PUT %s: reading the body: %v", path, err)
			}
			return resp, string(b), got100
		}
		if resp, b, got100 := do("/sum"); resp.StatusCode != 200 || b != sumOf(body, false) || !got100 {
			t.Fatalf("a handler that reads: %d %q, 100 Continue received %v; want 200 %q after a 100", resp.StatusCode, b, got100, sumOf(body, false))
		}
		// A handler that answers without reading: no 100, so the
		// client never sends the body, and the server closes the
		// connection, which it must say (RFC 9110 section 10.1.1), or
		// the client would send its next request on it.
		resp, b, got100 := do("/reject")
		if resp.StatusCode != 403 || b != "no" || got100 {
			t.Fatalf("a handler that rejects: %d %q, 100 Continue received %v; want 403 without a 100", resp.StatusCode, b, got100)
		}
		if !resp.Close {
			t.Fatalf("the 403 to a request whose body was never asked for lacks Connection: close, " +
				"though the server closes the connection after it; net/http then reuses the connection " +
				"and its next request fails with a reset")
		}
		if resp, b, _ := do("/sum"); resp.StatusCode != 200 || b != sumOf(body, false) {
			t.Fatalf("after the rejected upload: %d %q", resp.StatusCode, b)
		}
	})
}

func TestInteropNetHTTPLargeDownload(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: interopHandler(new(connLog))})
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		cl := &http.Client{Transport: tr}
		for _, path := range []string{"/big", "/big-sized"} {
			resp, err := cl.Get("http://" + ts.addr + path)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || len(b) != bigSize {
				t.Fatalf("GET %s: %d, %d bytes, %v; want %d bytes", path, resp.StatusCode, len(b), err, bigSize)
			}
			for i, c := range b {
				if c != bigPattern(i) {
					t.Fatalf("GET %s: byte %d is %d, want %d", path, i, c, bigPattern(i))
				}
			}
			chunked := len(resp.TransferEncoding) > 0 && resp.TransferEncoding[0] == "chunked"
			if path == "/big" && !chunked || path == "/big-sized" && (chunked || resp.ContentLength != bigSize) {
				t.Fatalf("GET %s: Transfer-Encoding %v, Content-Length %d", path, resp.TransferEncoding, resp.ContentLength)
			}
		}
	})
}

// curlPath returns curl's path, failing the test if it is not installed:
// the interop tests need it (.ci/run installs it).
func curlPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("curl")
	if err != nil {
		t.Fatalf("curl is not installed, and the interop tests need it: install it (apt-get install curl), as .ci/run does: %v", err)
	}
	return p
}

// runCurl runs curl with args and returns its stdout and stderr.
func runCurl(t *testing.T, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, curlPath(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("curl %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// TestInteropCurlKeepAlive: two URLs in one curl invocation share one
// connection, counted by the server.
func TestInteropCurlKeepAlive(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		log := new(connLog)
		ts := startServer(t, x, &Server{Handler: interopHandler(log)})
		base := "http://" + ts.addr
		out, _ := runCurl(t, "-sS", base+"/a", base+"/b", base+"/c")
		if out != strings.Repeat("Hello, World!", 3) {
			t.Fatalf("curl got %q", out)
		}
		if conns, reqs := log.take(); conns != 1 || reqs != 3 {
			t.Fatalf("curl's 3 requests came on %d connections (%d requests seen), want 1", conns, reqs)
		}
	})
}

// writeUpload writes body to a file for curl to send.
func writeUpload(t *testing.T, body []byte) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "upload")
	if err := os.WriteFile(name, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestInteropCurlChunkedUpload: curl sends a file chunked.
func TestInteropCurlChunkedUpload(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: interopHandler(new(connLog))})
		body := uploadBody(700 << 10)
		file := writeUpload(t, body)
		out, _ := runCurl(t, "-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "@"+file, "http://"+ts.addr+"/sum")
		if out != sumOf(body, true) {
			t.Fatalf("curl's chunked upload: the server answered %q, want %q", out, sumOf(body, true))
		}
	})
}

// TestInteropCurlExpectContinue: curl sends Expect: 100-continue and
// waits for the 100 (a minute, here) before it sends the body; a handler
// that rejects without reading gets no body.
func TestInteropCurlExpectContinue(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: interopHandler(new(connLog))})
		body := uploadBody(300 << 10)
		file := writeUpload(t, body)
		args := []string{"-sS", "-v", "--expect100-timeout", "60", "-H", "Expect: 100-continue", "--data-binary", "@" + file}
		out, verbose := runCurl(t, append(args, "http://"+ts.addr+"/sum")...)
		if out != sumOf(body, false) {
			t.Fatalf("curl's upload: the server answered %q, want %q", out, sumOf(body, false))
		}
		if !strings.Contains(verbose, "< HTTP/1.1 100 Continue") {
			t.Fatalf("curl did not get a 100 Continue; its trace:\n%s", verbose)
		}
		out, verbose = runCurl(t, append(args, "-w", " %{http_code}", "http://"+ts.addr+"/reject")...)
		if out != "no 403" || strings.Contains(verbose, "100 Continue") {
			t.Fatalf("curl's upload to a handler that rejects: %q; want \"no 403\" without a 100; its trace:\n%s", out, verbose)
		}
	})
}
