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

// start starts a server on a free loopback port and closes it when the
// test ends.
func start(t *testing.T, log io.Writer) *delayserver.Server {
	t.Helper()
	srv, err := delayserver.Start("127.0.0.1:0", log)
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
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", target, srv.Addr()); err != nil {
		t.Fatal(err)
	}
	// ReadAll returns without error only on EOF, so a server that keeps
	// the connection open fails here with a timeout.
	raw, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("GET %s: reading until the server closes: %v (read %q)", target, err, raw)
	}
	return raw
}

func TestStartAddrURL(t *testing.T) {
	srv := start(t, nil)
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
}

func TestStartListenError(t *testing.T) {
	srv := start(t, nil)
	_, err := delayserver.Start(srv.Addr(), nil)
	if err == nil {
		t.Fatalf("Start(%q) on a port in use succeeded", srv.Addr())
	}
	if !strings.Contains(err.Error(), srv.Addr()) {
		t.Errorf("Start(%q) error %q does not name the address", srv.Addr(), err)
	}
}

func TestCloseTwice(t *testing.T) {
	srv, err := delayserver.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestOK(t *testing.T) {
	srv := start(t, nil)
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
	// The client consumes the Connection header and reports it as Close.
	if !resp.Close {
		t.Error("response does not announce Connection: close")
	}
}

func TestConnectionCloses(t *testing.T) {
	srv := start(t, nil)
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
}

func TestDecoding(t *testing.T) {
	srv := start(t, nil)
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
}

func TestDelay(t *testing.T) {
	srv := start(t, nil)
	begin := time.Now()
	resp, _ := do(t, srv, http.MethodGet, "/200/slow")
	elapsed := time.Since(begin)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	if elapsed < 200*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("GET /200/slow took %v, want 200ms (and well under 5s)", elapsed)
	}
}

func TestConcurrent(t *testing.T) {
	srv := start(t, nil)
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
}

func TestLog(t *testing.T) {
	var log syncBuffer
	srv := start(t, &log)
	for _, path := range []string{"/0/a", "/0/b", "/x/bad", "/0/", "/0/c%20d/e"} {
		do(t, srv, http.MethodGet, path)
	}
	do(t, srv, http.MethodPost, "/0/post")
	want := "#1 - 0ms: a\n#2 - 0ms: b\n#3 - 0ms: c d/e\n"
	if got := log.String(); got != want {
		t.Errorf("log = %q, want %q", got, want)
	}
}

func TestLogConcurrent(t *testing.T) {
	var log syncBuffer
	srv := start(t, &log)
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
}

func TestBadRequest(t *testing.T) {
	srv := start(t, nil)
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
	}
}

// TestMalformedEscape checks a request the Go client refuses to build.
// net/http rejects it before the handler runs, with its own bare reason.
func TestMalformedEscape(t *testing.T) {
	srv := start(t, nil)
	raw := rawGet(t, srv, "/0/%zz")
	if !bytes.HasPrefix(raw, []byte("HTTP/1.1 400 ")) {
		t.Errorf("GET /0/%%zz = %q, want 400", raw)
	}
}

func TestMaxDelayAccepted(t *testing.T) {
	// The full delay is too long to wait for, so the request's context
	// is already done and the log shows the delay was accepted.
	var log syncBuffer
	h := delayserver.Handler(&log)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := fmt.Sprintf("/%d/x", delayserver.MaxDelay.Milliseconds())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil))
	if want := "#1 - 60000ms: x\n"; log.String() != want {
		t.Errorf("log = %q, want %q", log.String(), want)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	srv := start(t, nil)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodHead} {
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
}

func TestHandlerCancel(t *testing.T) {
	h := delayserver.Handler(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rec := httptest.NewRecorder()
	begin := time.Now()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/10000/x", nil))
	if elapsed := time.Since(begin); elapsed > 5*time.Second {
		t.Errorf("handler took %v after its context ended, want it to stop early", elapsed)
	}
	if rec.Body.Len() != 0 {
		t.Errorf("handler wrote %q to a client that is gone", rec.Body)
	}
}

func TestClientCancel(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv, err := delayserver.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Goroutines present now, the server's accept loop among them, may
	// stay; any goroutine the request starts must be gone once the client
	// gives up, without help from Close.
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
}

// TestCloseCancels checks that Close ends a request still in its delay
// rather than waiting it out.
func TestCloseCancels(t *testing.T) {
	defer goleak.VerifyNone(t)
	var log syncBuffer
	srv, err := delayserver.Start("127.0.0.1:0", &log)
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
}

func ExampleStart() {
	srv, err := delayserver.Start("127.0.0.1:0", nil)
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
