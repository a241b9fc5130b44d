package book

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/delayserver"
	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// TestGet fetches one answer from the delayserver and checks the parts of
// the response.
func TestGet(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		defer goleak.VerifyNone(t)
		defer checkFDs(t)()
		srv := startServer(t, impl, "127.0.0.1:0")
		defer closeServer(t, srv)

		resp := mustGet(t, srv.Addr(), "/0/hello")
		if resp.Proto != "HTTP/1.1" || resp.Status != 200 || resp.Reason != "OK" || string(resp.Body) != "hello" {
			t.Errorf("got %s %d %q, body %q; want HTTP/1.1 200 \"OK\", body \"hello\"", resp.Proto, resp.Status, resp.Reason, resp.Body)
		}
		if got := resp.Header.Get("content-type"); !strings.HasPrefix(got, "text/plain") {
			t.Errorf("Content-Type %q; want text/plain", got)
		}
		if got := resp.Header.Get("Content-Length"); got != "5" {
			t.Errorf("Content-Length %q; want 5", got)
		}
	})
}

// TestGetConcurrent sends five requests at once, on one executor, with
// delays of 500 down to 100 ms: they complete in the order of their
// delays, all within about the longest, far less than the sum.
func TestGetConcurrent(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		rttest.Each(t, func(t *testing.T, x rttest.Executor) {
			const step = 100 * time.Millisecond
			defer goleak.VerifyNone(t)
			defer checkFDs(t)()
			srv := startServer(t, impl, "127.0.0.1:0")
			defer closeServer(t, srv)

			var order []int // request numbers, as they complete; one goroutine appends
			fs := make([]async.Future[async.Result[Response]], 5)
			for i := range fs {
				path := fmt.Sprintf("/%d/request-%d", (5-i)*int(step/time.Millisecond), i)
				fs[i] = async.Map(Get(srv.Addr(), path), func(r async.Result[Response]) async.Result[Response] {
					order = append(order, i)
					return r
				})
			}
			start := time.Now()
			results, err := executor.Run(async.JoinAll(fs...), x.Options...)
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			for i, r := range results {
				if want := fmt.Sprintf("request-%d", i); r.Err != nil || string(r.Value.Body) != want {
					t.Errorf("request %d: %q, %v; want body %q", i, r.Value.Body, r.Err, want)
				}
			}
			if want := []int{4, 3, 2, 1, 0}; !slices.Equal(order, want) {
				t.Errorf("requests completed in the order %v; want %v", order, want)
			}
			if longest, sum := 5*step, 15*step; elapsed < longest || elapsed >= sum {
				t.Errorf("took %v; want at least the longest delay %v and less than the sum %v", elapsed, longest, sum)
			}
		})
	})
}

// TestGetErrorStatus checks that an answer of 400 is a response, not an
// error: the delayserver refuses a delay that is not a number.
func TestGetErrorStatus(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		defer goleak.VerifyNone(t)
		defer checkFDs(t)()
		srv := startServer(t, impl, "127.0.0.1:0")
		defer closeServer(t, srv)

		resp := mustGet(t, srv.Addr(), "/abc/x")
		if resp.Status != 400 || !strings.Contains(string(resp.Body), `invalid delay "abc"`) {
			t.Errorf("got %d, body %q; want 400 saying the delay is invalid", resp.Status, resp.Body)
		}
	})
}

// TestGetRefused checks that a port with no listener gives an error that
// names the server and the cause.
func TestGetRefused(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer checkFDs(t)()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // a port that was free a moment ago is very likely still free

	r := runGet(t, addr, "/0/x")
	if !errors.Is(r.Err, unix.ECONNREFUSED) || !strings.Contains(r.Err.Error(), addr) {
		t.Errorf("error %v; want connection refused, naming %s", r.Err, addr)
	}
}

// TestGetBadInput checks the errors that come before any connection.
func TestGetBadInput(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer checkFDs(t)()
	tests := []struct{ server, path, want string }{
		{"127.0.0.1:1", "no-slash", `path "no-slash"`},
		{"127.0.0.1:1", "/a b", `path "/a b"`},
		{"127.0.0.1:1", "/x HTTP/1.1\r\nEvil: 1", "must start with /"},
		{"example.com:80", "/", `host "example.com" is not an IP address`},
		{"127.0.0.1", "/", "missing port"},
	}
	for _, tt := range tests {
		r := runGet(t, tt.server, tt.path)
		if r.Err == nil || !strings.Contains(r.Err.Error(), tt.want) {
			t.Errorf("Get(%q, %q): error %v; want one containing %q", tt.server, tt.path, r.Err, tt.want)
		}
	}
	// A future never polled holds nothing, and cancelling it is harmless.
	Get("127.0.0.1:1", "/").Cancel()
}

// TestGetNoReactor checks that a Get polled outside a runtime fails
// instead of panicking.
func TestGetNoReactor(t *testing.T) {
	defer checkFDs(t)()
	r, ok := Get("127.0.0.1:1", "/").Poll(testfut.NewContext(async.NoopWaker()))
	if !ok || r.Err == nil || !strings.Contains(r.Err.Error(), "reactor") {
		t.Errorf("Poll without a reactor: %v, %v; want an error about the reactor", r, ok)
	}
}

// TestGetResponses checks the parsing of responses, good and bad, from a
// server that answers every request with a fixed string.
func TestGetResponses(t *testing.T) {
	defer goleak.VerifyNone(t)
	bigHeader := "X-Big: " + strings.Repeat("a", MaxHeaderBytes) + "\r\n"
	bigBody := strings.Repeat("b", 1<<20)
	tests := []struct {
		name     string
		reply    string
		keepOpen bool   // the server waits for the client to close first
		dribble  bool   // the server writes one byte at a time
		status   int    // the status wanted, for a response
		body     string // the body wanted
		header   map[string][]string
		err      error  // the error wanted instead
		errText  string // a part of its text
	}{
		{name: "content-length, connection left open", reply: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", keepOpen: true,
			status: 200, body: "hello"},
		{name: "content-length, bytes past it ignored", reply: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
			status: 200, body: "ok"},
		{name: "close-delimited", reply: "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
			status: 200, body: "until the end", header: map[string][]string{"Content-Type": {"text/plain"}}},
		{name: "bare LF, case-insensitive names, repeated fields", reply: "HTTP/1.1 201 Created\ncontent-length: 2\nX-A:1\nx-a:  2 \t\n\nok",
			status: 201, body: "ok", header: map[string][]string{"X-A": {"1", "2"}, "Content-Length": {"2"}}},
		{name: "interim responses skipped", reply: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
			status: 200, body: "hi", header: map[string][]string{"Link": nil}},
		{name: "one byte at a time", reply: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 4\r\n\r\nslow", keepOpen: true, dribble: true,
			status: 200, body: "slow", header: map[string][]string{"X-A": {"1"}}},
		{name: "204 has no body", reply: "HTTP/1.1 204 No Content\r\n\r\n", keepOpen: true, status: 204},
		{name: "empty reason", reply: "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", keepOpen: true, status: 200},
		{name: "repeated equal content-length", reply: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc",
			status: 200, body: "abc"},
		{name: "large body by content-length", reply: fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(bigBody), bigBody),
			keepOpen: true, status: 200, body: bigBody},
		{name: "large close-delimited body", reply: "HTTP/1.1 200 OK\r\n\r\n" + bigBody, status: 200, body: bigBody},

		{name: "no status line", reply: "garbage\r\n\r\n", err: ErrBadResponse, errText: `status line "garbage"`},
		{name: "blank first line", reply: "\r\nHTTP/1.1 200 OK\r\n\r\n", err: ErrBadResponse, errText: "blank line"},
		{name: "HTTP/2", reply: "HTTP/2 200 OK\r\n\r\n", err: ErrBadResponse, errText: "status line"},
		{name: "four-digit status", reply: "HTTP/1.1 2000 OK\r\n\r\n", err: ErrBadResponse, errText: "status line"},
		{name: "status below 100", reply: "HTTP/1.1 099 Low\r\n\r\n", err: ErrBadResponse, errText: "status line"},
		{name: "closed at once", reply: "", err: ErrBadResponse, errText: "without a response"},
		{name: "closed in the headers", reply: "HTTP/1.1 200 OK\r\nContent-", err: ErrBadResponse, errText: "before the end of the headers"},
		{name: "bad content-length", reply: "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", err: ErrBadResponse, errText: `Content-Length "abc"`},
		{name: "negative content-length", reply: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", err: ErrBadResponse, errText: "Content-Length"},
		{name: "conflicting content-length", reply: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", err: ErrBadResponse, errText: "different values"},
		{name: "truncated body", reply: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", err: ErrBadResponse, errText: "5 of the 10 bytes"},
		{name: "folded header", reply: "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n\r\n", err: ErrBadResponse, errText: "folded"},
		{name: "header without colon", reply: "HTTP/1.1 200 OK\r\nNonsense\r\n\r\n", err: ErrBadResponse, errText: `"Nonsense"`},
		{name: "blank before colon", reply: "HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n", err: ErrBadResponse, errText: `"X-A : 1"`},
		{name: "control character in value", reply: "HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n", err: ErrBadResponse, errText: "control character"},
		{name: "huge headers", reply: "HTTP/1.1 200 OK\r\n" + bigHeader + "\r\n", err: ErrTooLarge, errText: "end of the headers"},
		{name: "huge content-length", reply: "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", err: ErrTooLarge, errText: "body longer"},
		{name: "huge close-delimited body", reply: "HTTP/1.1 200 OK\r\n\r\n" + strings.Repeat("c", MaxBodyBytes+1), err: ErrTooLarge, errText: "body longer"},
		{name: "chunked", reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", err: errors.ErrUnsupported, errText: `Transfer-Encoding "chunked"`},
		{name: "switching protocols", reply: "HTTP/1.1 101 Switching Protocols\r\n\r\n", err: errors.ErrUnsupported, errText: "101"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer checkFDs(t)()
			srv := startFixedServer(t, tt.reply, tt.keepOpen, tt.dribble)
			defer srv.close() // before checkFDs, which runs last
			r := runGet(t, srv.addr, "/some/path")
			if want := "GET /some/path HTTP/1.1\r\nHost: " + srv.addr + "\r\nConnection: close\r\n\r\n"; srv.request() != want {
				t.Errorf("the server got the request %q; want %q", srv.request(), want)
			}
			if tt.err != nil {
				if !errors.Is(r.Err, tt.err) || !strings.Contains(r.Err.Error(), tt.errText) || !strings.Contains(r.Err.Error(), srv.addr) {
					t.Fatalf("error %v; want %v containing %q and the server's address", r.Err, tt.err, tt.errText)
				}
				return
			}
			if r.Err != nil {
				t.Fatalf("error %v; want status %d", r.Err, tt.status)
			}
			resp := r.Value
			if resp.Status != tt.status || string(resp.Body) != tt.body {
				t.Errorf("got %d with a body of %d bytes; want %d with %d bytes", resp.Status, len(resp.Body), tt.status, len(tt.body))
			}
			for name, want := range tt.header {
				if got := resp.Header.Values(name); want != nil && !slices.Equal(got, want) || want == nil && got != nil {
					t.Errorf("header %s: %q; want %q", name, got, want)
				}
			}
		})
	}
}

// TestGetTimeout cancels a Get that waits for its answer: the timeout
// ends it on time, and its socket is deregistered and closed.
func TestGetTimeout(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		rttest.Each(t, func(t *testing.T, x rttest.Executor) {
			defer goleak.VerifyNone(t)
			defer checkFDs(t)()
			srv := startServer(t, impl, "127.0.0.1:0")
			defer closeServer(t, srv)

			ex := newExecutor(t, x)
			defer ex.Close() // before the checks of goroutines and descriptors
			start := time.Now()
			r, err := executor.BlockOn(ex, timer.Timeout(Get(srv.Addr(), "/10000/slow"), 50*time.Millisecond))
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("BlockOn: %v", err)
			}
			if !errors.Is(r.Err, timer.ErrTimeout) {
				t.Fatalf("result %+v; want ErrTimeout", r)
			}
			if elapsed > 5*time.Second {
				t.Errorf("timed out after %v; want about 50ms", elapsed)
			}
			checkReleased(t, ex)
		})
	})
}

// TestGetCancelConnecting cancels a Get whose connect cannot finish: the
// server's accept queue is full, so the kernel drops the handshake.
func TestGetCancelConnecting(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		defer goleak.VerifyNone(t)
		defer checkFDs(t)()
		addr, closeListener := fullListener(t)
		defer closeListener()

		ex := newExecutor(t, x)
		defer ex.Close() // before the checks of goroutines and descriptors
		r, err := executor.BlockOn(ex, timer.Timeout(Get(addr, "/0/x"), 100*time.Millisecond))
		if err != nil {
			t.Fatalf("BlockOn: %v", err)
		}
		if !errors.Is(r.Err, timer.ErrTimeout) {
			t.Skipf("the connect to a full listener ended anyway (%+v); the connecting state was not reached", r)
		}
		checkReleased(t, ex)
	})
}

// TestGetAbort aborts a task blocked in Get and checks that its socket is
// released by the abort, not later by the executor's shutdown.
func TestGetAbort(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		rttest.Each(t, func(t *testing.T, x rttest.Executor) {
			defer goleak.VerifyNone(t)
			defer checkFDs(t)()
			srv := startServer(t, impl, "127.0.0.1:0")
			defer closeServer(t, srv)

			ex := newExecutor(t, x)
			defer ex.Close() // before the checks of goroutines and descriptors
			h := executor.Spawn(ex, Get(srv.Addr(), "/10000/slow"))
			var during, after int // registered sources while blocked, and after the abort
			main := async.Then(timer.Sleep(100*time.Millisecond), func(struct{}) async.Future[async.Result[async.Result[Response]]] {
				during = ex.Reactor().Sources()
				h.Abort()
				return async.Map(async.Future[async.Result[async.Result[Response]]](h), func(r async.Result[async.Result[Response]]) async.Result[async.Result[Response]] {
					after = ex.Reactor().Sources()
					return r
				})
			})
			r, err := executor.BlockOn(ex, main)
			if err != nil {
				t.Fatalf("BlockOn: %v", err)
			}
			if !errors.Is(r.Err, async.ErrAborted) {
				t.Errorf("handle's result %+v; want ErrAborted", r)
			}
			if during != 1 || after != 0 {
				t.Errorf("sources registered: %d while blocked, %d after the abort; want 1 and 0", during, after)
			}
			checkReleased(t, ex)
		})
	})
}

// mustGet runs Get on a new executor and fails the test on any error.
func mustGet(t *testing.T, server, path string) Response {
	t.Helper()
	r := runGet(t, server, path)
	if r.Err != nil {
		t.Fatalf("Get(%s, %s): %v", server, path, r.Err)
	}
	return r.Value
}

// runGet runs Get on a new executor and returns its result.
func runGet(t *testing.T, server, path string) async.Result[Response] {
	t.Helper()
	r, err := executor.Run(Get(server, path))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

// newExecutor makes an executor of x's kind; the caller closes it.
func newExecutor(t *testing.T, x rttest.Executor) executor.Executor {
	t.Helper()
	ex, err := x.Make()
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// checkReleased checks that nothing is left in ex's reactor.
func checkReleased(t *testing.T, ex executor.Executor) {
	t.Helper()
	if n := ex.Reactor().Sources(); n != 0 {
		t.Errorf("%d sources still registered", n)
	}
	if n := ex.Reactor().Timers(); n != 0 {
		t.Errorf("%d timers still armed", n)
	}
}

// fixedServer answers one connection with a fixed reply.
type fixedServer struct {
	addr  string
	req   chan string // the request head it read
	last  string
	close func() // closes the listener and waits for the server's goroutine
}

// startFixedServer listens on loopback and answers the first connection
// with reply, after reading the request's head, then closes it; or, if
// keepOpen, waits for the client to close it first. If dribble, it writes
// the reply one byte at a time, so that the client needs many reads. The
// caller must call close.
func startFixedServer(t *testing.T, reply string, keepOpen, dribble bool) *fixedServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fixedServer{addr: ln.Addr().String(), req: make(chan string, 1)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second)) // a safety net for a broken client
		s.req <- readHead(c)
		// The client may close before it has read everything (a reply
		// over a limit); write errors are part of those tests.
		if !dribble {
			io.WriteString(c, reply)
		}
		for i := 0; dribble && i < len(reply); i++ {
			io.WriteString(c, reply[i:i+1])
			time.Sleep(time.Millisecond) // so that each byte is a read of its own
		}
		if keepOpen {
			io.Copy(io.Discard, c)
		}
	}()
	s.close = func() {
		ln.Close()
		<-done
	}
	return s
}

// request returns the request head the server read, once it has.
func (s *fixedServer) request() string {
	select {
	case r := <-s.req:
		s.last = r
	default:
	}
	return s.last
}

// readHead reads up to and including the blank line that ends a request's
// head, or what came before an error.
func readHead(c net.Conn) string {
	var head strings.Builder
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		head.WriteString(line)
		if err != nil || line == "\r\n" {
			return head.String()
		}
	}
}

// fullListener returns the address of a listening socket that never
// accepts and whose accept queue is full, so that a new connect stays in
// the handshake, and a function that closes it all.
func fullListener(t *testing.T) (string, func()) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("relies on Linux dropping handshakes to a listener with a full accept queue")
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	closeAll := func() { unix.Close(fd) }
	// A backlog of 0 holds one connection; the next handshake is dropped.
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		closeAll()
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		closeAll()
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		closeAll()
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
	filler, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		closeAll()
		t.Fatalf("fill the accept queue of %s: %v", addr, err)
	}
	return addr, func() {
		filler.Close()
		closeAll()
	}
}
