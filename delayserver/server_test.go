package delayserver_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/delayserver"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// client keeps no idle connections, so tests leave no transport
// goroutines behind for goleak to report.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// syncBuffer is a log the test can read while the server writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// each runs body as a subtest once per implementation.
func each(t *testing.T, body func(t *testing.T, impl delayserver.Impl)) {
	t.Helper()
	for _, impl := range delayserver.Impls() {
		t.Run(impl.String(), func(t *testing.T) { body(t, impl) })
	}
}

// start starts a server of impl on a free loopback port and closes it
// when the test ends.
func start(t *testing.T, impl delayserver.Impl, log io.Writer) *delayserver.Server {
	t.Helper()
	srv, err := delayserver.Start(impl, "127.0.0.1:0", log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv
}

// do sends a request with the given method to srv and returns the
// response with its body read.
func do(t *testing.T, srv *delayserver.Server, method, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp, string(body)
}

// rawGet sends a raw HTTP/1.1 request line for target and returns
// everything the server writes until it closes the connection.
func rawGet(t *testing.T, srv *delayserver.Server, target string) []byte {
	t.Helper()
	return rawRequest(t, srv, fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", target, srv.Addr()))
}

// rawRequest sends req as it is and returns everything the server writes
// until it closes the connection.
func rawRequest(t *testing.T, srv *delayserver.Server, req string) []byte {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	// ReadAll returns without error only on EOF, so a server that keeps
	// the connection open fails here with a timeout.
	raw, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("%q: reading until the server closes: %v (read %q)", req, err, raw)
	}
	return raw
}

func TestStartAddrURL(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		srv := start(t, impl, nil)
		host, port, err := net.SplitHostPort(srv.Addr())
		if err != nil {
			t.Fatalf("Addr() = %q: %v", srv.Addr(), err)
		}
		if host != "127.0.0.1" || port == "0" {
			t.Errorf("Addr() = %q, want 127.0.0.1 and a real port", srv.Addr())
		}
		if want := "http://" + srv.Addr(); srv.URL() != want {
			t.Errorf("URL() = %q, want %q", srv.URL(), want)
		}
		if srv.Impl() != impl {
			t.Errorf("Impl() = %v, want %v", srv.Impl(), impl)
		}
	})
}

func TestStartListenError(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		srv := start(t, impl, nil)
		_, err := delayserver.Start(impl, srv.Addr(), nil)
		if err == nil {
			t.Fatalf("Start(%v, %q) on a port in use succeeded", impl, srv.Addr())
		}
		if !strings.Contains(err.Error(), srv.Addr()) {
			t.Errorf("Start(%v, %q) error %q does not name the address", impl, srv.Addr(), err)
		}
	})
}

func TestStartUnknownImpl(t *testing.T) {
	srv, err := delayserver.Start(7, "127.0.0.1:0", nil)
	if err == nil {
		srv.Close()
		t.Fatal("Start(Impl(7)) succeeded")
	}
	if !strings.Contains(err.Error(), "Impl(7)") {
		t.Errorf("Start(Impl(7)) error %q does not name the implementation", err)
	}
}

func TestCloseTwice(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		defer goleak.VerifyNone(t)
		srv, err := delayserver.Start(impl, "127.0.0.1:0", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Close(); err != nil {
			t.Fatalf("first Close: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		// The port is free again.
		if c, err := net.Dial("tcp", srv.Addr()); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Close", srv.Addr())
		}
	})
}

func TestOK(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		srv := start(t, impl, nil)
		resp, body := do(t, srv, http.MethodGet, "/0/hello")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d, want 200", resp.StatusCode)
		}
		if body != "hello" {
			t.Errorf("body = %q, want %q", body, "hello")
		}
		if got, want := resp.Header.Get("Content-Type"), "text/plain; charset=utf-8"; got != want {
			t.Errorf("Content-Type = %q, want %q", got, want)
		}
		if resp.ContentLength != 5 {
			t.Errorf("Content-Length = %d, want 5", resp.ContentLength)
		}
		// The client consumes the Connection header and reports it as Close.
		if !resp.Close {
			t.Error("response does not announce Connection: close")
		}
	})
}

func TestConnectionCloses(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		srv := start(t, impl, nil)
		raw := rawGet(t, srv, "/0/hi")
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
		if err != nil {
			t.Fatalf("parsing %q: %v", raw, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || string(body) != "hi" {
			t.Errorf("got %d %q, want 200 %q", resp.StatusCode, body, "hi")
		}
		if !bytes.Contains(raw, []byte("\r\nConnection: close\r\n")) {
			t.Errorf("response %q does not announce Connection: close", raw)
		}
	})
}

func TestDecoding(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		srv := start(t, impl, nil)
		tests := []struct{ path, want string }{
			{"/0/hello%20world", "hello world"},
			{"/0/a%2Fb", "a/b"},
			{"/0/a/b/c", "a/b/c"},
			{"/0/100%25", "100%"},
			{"/0/a+b", "a+b"},
			{"/0/caf%C3%A9", "café"},
			{"/0/x?q=1", "x"},
		}
		for _, tt := range tests {
			resp, body := do(t, srv, http.MethodGet, tt.path)
			if resp.StatusCode != http.StatusOK || body != tt.want {
				t.Errorf("GET %s = %d %q, want 200 %q", tt.path, resp.StatusCode, body, tt.want)
			}
		}
	})
}

func TestDelay(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		srv := start(t, impl, nil)
		begin := time.Now()
		resp, _ := do(t, srv, http.MethodGet, "/200/slow")
		elapsed := time.Since(begin)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d, want 200", resp.StatusCode)
		}
		if elapsed < 200*time.Millisecond || elapsed > 5*time.Second {
			t.Errorf("GET /200/slow took %v, want 200ms (and well under 5s)", elapsed)
		}
	})
}

func TestConcurrent(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		srv := start(t, impl, nil)
		begin := time.Now()
		var wg sync.WaitGroup
		for i := 1; i <= 5; i++ {
			path := fmt.Sprintf("/%d/req%d", i*100, i)
			want := fmt.Sprintf("req%d", i)
			wg.Go(func() {
				// do calls t.Fatal, which must run on the test goroutine,
				// so this goroutine only reports.
				resp, err := client.Get(srv.URL() + path)
				if err != nil {
					t.Errorf("GET %s: %v", path, err)
					return
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				if err != nil || string(body) != want {
					t.Errorf("GET %s = %q, %v; want %q", path, body, err, want)
				}
			})
		}
		wg.Wait()
		// Run one after another the requests would take 1500ms; run
		// concurrently, about 500ms.
		if elapsed := time.Since(begin); elapsed >= 1500*time.Millisecond {
			t.Errorf("five requests of 100..500ms took %v, want under 1500ms", elapsed)
		}
	})
}

func TestLog(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		var log syncBuffer
		srv := start(t, impl, &log)
		for _, path := range []string{"/0/a", "/0/b", "/x/bad", "/0/", "/0/c%20d/e"} {
			do(t, srv, http.MethodGet, path)
		}
		do(t, srv, http.MethodPost, "/0/post")
		want := "#1 - 0ms: a\n#2 - 0ms: b\n#3 - 0ms: c d/e\n"
		if got := log.String(); got != want {
			t.Errorf("log = %q, want %q", got, want)
		}
	})
}

func TestLogConcurrent(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		var log syncBuffer
		srv := start(t, impl, &log)
		const n = 20
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				resp, err := client.Get(srv.URL() + "/0/msg")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			})
		}
		wg.Wait()
		var want strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&want, "#%d - 0ms: msg\n", i)
		}
		if got := log.String(); got != want.String() {
			t.Errorf("log = %q, want %q", got, want.String())
		}
	})
}

func TestBadRequest(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		srv := start(t, impl, nil)
		tests := []struct{ path, want string }{
			{"/abc/x", `invalid delay "abc": not a whole number of milliseconds`},
			{"/1.5/x", `invalid delay "1.5": not a whole number of milliseconds`},
			{"//x", `invalid delay "": not a whole number of milliseconds`},
			{"/", `invalid delay "": not a whole number of milliseconds`},
			{"/-5/x", `invalid delay "-5": negative`},
			{"/-99999999999999999999/x", `invalid delay "-99999999999999999999": negative`},
			{"/60001/x", `invalid delay "60001": above the cap of 60000ms`},
			{"/99999999999999999999/x", `invalid delay "99999999999999999999": above the cap of 60000ms`},
			{"/100", `missing message after the delay in path "/100"`},
			{"/100/", `missing message after the delay in path "/100/"`},
		}
		for _, tt := range tests {
			resp, body := do(t, srv, http.MethodGet, tt.path)
			if resp.StatusCode != http.StatusBadRequest || body != tt.want+"\n" {
				t.Errorf("GET %s = %d %q, want 400 %q", tt.path, resp.StatusCode, body, tt.want+"\n")
			}
			if got := resp.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
				t.Errorf("GET %s: Content-Type = %q, want text/plain", tt.path, got)
			}
			if !resp.Close {
				t.Errorf("GET %s: the 400 does not announce Connection: close", tt.path)
			}
		}
	})
}

// TestMalformedEscape checks requests the Go client refuses to build.
// net/http rejects them before the handler runs, with its own bare
// reason; http1 passes the path on as received, and the Async
// implementation answers with the reason the protocol gives.
func TestMalformedEscape(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		var log syncBuffer
		srv := start(t, impl, &log)
		tests := []struct{ target, reason string }{
			{"/0/%zz", `invalid message "%zz": invalid URL escape "%zz"`},
			{"/0/a%2", `invalid message "a%2": invalid URL escape "%2"`},
			{"/0/ok/%g0", `invalid message "ok/%g0": invalid URL escape "%g0"`},
			{"/%zz/x", `invalid delay "%zz": not a whole number of milliseconds`},
		}
		for _, tt := range tests {
			raw := rawGet(t, srv, tt.target)
			resp, body := parseResponse(t, raw, http.MethodGet)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("GET %s = %q, want 400", tt.target, raw)
				continue
			}
			want := tt.reason + "\n"
			if impl == delayserver.NetHTTP {
				want = "400 Bad Request"
			}
			if body != want {
				t.Errorf("GET %s: body %q, want %q", tt.target, body, want)
			}
		}
		// A malformed escape in the query is no one's business: the query
		// is ignored.
		if resp, body := parseResponse(t, rawGet(t, srv, "/0/q?x=%zz"), http.MethodGet); resp.StatusCode != http.StatusOK || body != "q" {
			t.Errorf("GET /0/q?x=%%zz = %d %q, want 200 %q", resp.StatusCode, body, "q")
		}
		if want := "#1 - 0ms: q\n"; log.String() != want {
			t.Errorf("log = %q, want only %q: rejected requests are not logged", log.String(), want)
		}
	})
}

// parseResponse parses one whole response, read to the connection's end,
// to a request of method, and returns it with its body read.
func parseResponse(t *testing.T, raw []byte, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("parsing %q: %v", raw, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body of %q: %v", raw, err)
	}
	return resp, string(body)
}

// TestMaxDelayAccepted checks that the longest delay is accepted: its
// request is logged. The delay is too long to wait for, so the client
// goes away once the log shows it.
func TestMaxDelayAccepted(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		var log syncBuffer
		srv := start(t, impl, &log)
		conn, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /%d/x HTTP/1.1\r\nHost: %s\r\n\r\n", delayserver.MaxDelay.Milliseconds(), srv.Addr())
		want := "#1 - 60000ms: x\n"
		for deadline := time.Now().Add(10 * time.Second); log.String() != want; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("log = %q, want %q", log.String(), want)
			}
		}
	})
}

func TestHandlerMaxDelayAccepted(t *testing.T) {
	// The full delay is too long to wait for, so the request's context
	// is already done and the log shows the delay was accepted.
	var log syncBuffer
	h := delayserver.Handler(&log)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := fmt.Sprintf("/%d/x", delayserver.MaxDelay.Milliseconds())
	rec := httptest.NewRecorder()
	serveAbandoned(t, h, rec, httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil))
	if want := "#1 - 60000ms: x\n"; log.String() != want {
		t.Errorf("log = %q, want %q", log.String(), want)
	}
}

// serveAbandoned calls h for a request whose client goes away before the
// delay ends, and checks that h aborts it as net/http expects.
func serveAbandoned(t *testing.T, h http.Handler, w http.ResponseWriter, r *http.Request) {
	t.Helper()
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("handler ended with %v, want a panic with http.ErrAbortHandler", p)
		}
	}()
	h.ServeHTTP(w, r)
}

func TestMethodNotAllowed(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		srv := start(t, impl, nil)
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodHead, http.MethodOptions} {
			resp, body := do(t, srv, method, "/0/x")
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s /0/x: status = %d, want 405", method, resp.StatusCode)
			}
			if got := resp.Header.Get("Allow"); got != "GET" {
				t.Errorf("%s /0/x: Allow = %q, want GET", method, got)
			}
			want := fmt.Sprintf("method %q not allowed; only GET is\n", method)
			if method == http.MethodHead {
				want = ""
			}
			if body != want {
				t.Errorf("%s /0/x: body = %q, want %q", method, body, want)
			}
		}
	})
}

func TestHandlerCancel(t *testing.T) {
	h := delayserver.Handler(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rec := httptest.NewRecorder()
	begin := time.Now()
	serveAbandoned(t, h, rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/10000/x", nil))
	if elapsed := time.Since(begin); elapsed > 5*time.Second {
		t.Errorf("handler took %v after its context ended, want it to stop early", elapsed)
	}
	if rec.Body.Len() != 0 || rec.Code != http.StatusOK || len(rec.Header()) > 1 {
		t.Errorf("handler wrote %d %v %q to a client that is gone", rec.Code, rec.Header(), rec.Body)
	}
}

func TestClientCancel(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		defer goleak.VerifyNone(t)
		srv, err := delayserver.Start(impl, "127.0.0.1:0", nil)
		if err != nil {
			t.Fatal(err)
		}
		// Goroutines present now, the server's accept loop or its
		// executor's workers among them, may stay; any goroutine the
		// request starts must be gone once the client gives up, without
		// help from Close.
		running := goleak.IgnoreCurrent()

		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/10000/x", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatal("GET /10000/x with a 50ms deadline succeeded")
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("GET /10000/x: %v, want a deadline error", err)
		}
		if err := goleak.Find(running); err != nil {
			t.Errorf("request goroutines outlive the client: %v", err)
		}

		begin := time.Now()
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if elapsed := time.Since(begin); elapsed > 5*time.Second {
			t.Errorf("Close took %v, want it prompt", elapsed)
		}
	})
}

// TestClientHalfCloses checks that a request whose client shuts down its
// side of the connection during the delay is abandoned: the server
// closes the connection at once and writes nothing, not even an empty
// response the client could still read.
func TestClientHalfCloses(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		var log syncBuffer
		srv := start(t, impl, &log)
		conn, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "GET /10000/x HTTP/1.1\r\nHost: %s\r\n\r\n", srv.Addr())
		// Half-close once the request is inside its delay, which starts
		// right after the log line.
		for log.String() == "" {
			time.Sleep(time.Millisecond)
		}
		begin := time.Now()
		if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(conn)
		if err != nil || len(raw) > 0 {
			t.Errorf("after the client half-closed: read %q, %v; want nothing and the connection closed", raw, err)
		}
		if elapsed := time.Since(begin); elapsed > 5*time.Second {
			t.Errorf("the server closed %v after the client, want it prompt", elapsed)
		}
	})
}

// TestCloseCancels checks that Close ends a request still in its delay
// rather than waiting it out.
func TestCloseCancels(t *testing.T) {
	each(t, func(t *testing.T, impl delayserver.Impl) {
		defer goleak.VerifyNone(t)
		var log syncBuffer
		srv, err := delayserver.Start(impl, "127.0.0.1:0", &log)
		if err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		go func() {
			resp, err := client.Get(srv.URL() + "/10000/x")
			if err == nil {
				resp.Body.Close()
			}
			errc <- err
		}()
		// Close once the request is inside its delay, which starts right
		// after the log line.
		for log.String() == "" {
			time.Sleep(time.Millisecond)
		}
		begin := time.Now()
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if elapsed := time.Since(begin); elapsed > 5*time.Second {
			t.Errorf("Close took %v with a request in its delay, want it prompt", elapsed)
		}
		if err := <-errc; err == nil {
			t.Error("GET /10000/x succeeded across Close, want an error")
		}
	})
}

func ExampleStart() {
	srv, err := delayserver.Start(delayserver.NetHTTP, "127.0.0.1:0", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	resp, err := http.Get(srv.URL() + "/0/hello")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(body))
	// Output: hello
}

func ExampleStart_async() {
	var log strings.Builder // written by the server; read after Close
	srv, err := delayserver.Start(delayserver.Async, "127.0.0.1:0", &log)
	if err != nil {
		fmt.Println(err)
		return
	}
	tr := &http.Transport{DisableKeepAlives: true}
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL() + "/10/hello%20async")
	if err != nil {
		fmt.Println(err)
		srv.Close()
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := srv.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%s %q\n%s", resp.Status, body, log.String())
	// Output:
	// 200 OK "hello async"
	// #1 - 10ms: hello async
}
