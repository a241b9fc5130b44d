package http1

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/oneshot"
)

// The server's timeouts, drain limit, graceful shutdown and panics, on a
// real clock: every bound is generous, and no test asserts speed. A
// timeout's lower bound is checked (it cannot fire early), its upper
// bound only as "before the client could have finished".

// trickle writes s one byte every gap until it is written, a write fails
// or stop is closed, and reports how many bytes it wrote on sent.
func trickle(c net.Conn, s string, gap time.Duration, stop <-chan struct{}, sent chan<- int) {
	for i := range len(s) {
		if _, err := c.Write([]byte{s[i]}); err != nil {
			sent <- i
			return
		}
		select {
		case <-stop:
			sent <- i + 1
			return
		case <-time.After(gap):
		}
	}
	sent <- len(s)
}

// TestServerSlowloris holds ten clients that send their heads one byte
// every 50ms: each is answered 408 and closed once the header timeout
// passes, long before its head could be whole, while the server goes on
// answering a good client at once.
func TestServerSlowloris(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const timeout = 300 * time.Millisecond
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello), HeaderTimeout: timeout})
		// At 50ms a byte this head takes a minute; the connections'
		// read deadline of 20s fails the test if nobody cuts it off.
		head := "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + strings.Repeat("a", 1200) + "\r\n\r\n"
		const n = 10
		stop := make(chan struct{})
		sent := make(chan int, n)
		conns := make([]*rawConn, n)
		starts := make([]time.Time, n)
		for i := range conns {
			conns[i] = dialRaw(t, ts.addr)
			starts[i] = time.Now()
			go trickle(conns[i], head, 50*time.Millisecond, stop, sent)
		}
		defer func() {
			close(stop)
			for range n {
				<-sent
			}
		}()
		expectServes(t, ts.addr, "Hello, World!")
		for i, c := range conns {
			r := c.read(false)
			took := time.Since(starts[i])
			if r.status != 408 || r.fields["connection"] != "close" {
				t.Fatalf("slow client %d: %q %v, want 408 with Connection: close", i, r.line, r.fields)
			}
			if took < timeout {
				t.Fatalf("slow client %d answered after %v, before the header timeout of %v", i, took, timeout)
			}
			if rest, err := c.closedWithin(10 * time.Second); err != nil || len(rest) > 0 {
				t.Fatalf("slow client %d: after the 408 read %q, %v; want the connection closed", i, rest, err)
			}
		}
		expectServes(t, ts.addr, "Hello, World!")
	})
}

// TestServerIdleTimeout: a keep-alive connection that sends nothing more
// is closed once the idle timeout passes, without a response; so is one
// that never sent anything. One that keeps sending requests is not.
func TestServerIdleTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const idle = 300 * time.Millisecond
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello), IdleTimeout: idle})
		used := dialRaw(t, ts.addr)
		used.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		start := time.Now()
		if r := used.read(false); r.status != 200 || r.fields["connection"] == "close" {
			t.Fatalf("first request: %q %v", r.line, r.fields)
		}
		silent := dialRaw(t, ts.addr)
		for name, c := range map[string]*rawConn{"after a request": used, "never used": silent} {
			rest, err := c.closedWithin(10 * time.Second)
			if err != nil || len(rest) > 0 {
				t.Fatalf("idle connection %s: read %q, %v; want it closed", name, rest, err)
			}
		}
		if took := time.Since(start); took < idle {
			t.Fatalf("closed after %v, before the idle timeout of %v", took, idle)
		}
	})
}

// TestServerIdleTimeoutKeepsBusyConnection sends requests on one
// connection for longer than the idle timeout, with pauses shorter than
// it: the connection stays open, since the timeout counts from the end
// of each response.
func TestServerIdleTimeoutKeepsBusyConnection(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const idle = 2 * time.Second
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello), IdleTimeout: idle})
		c := dialRaw(t, ts.addr)
		for start := time.Now(); time.Since(start) < idle+time.Second; {
			c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			if r := c.read(false); r.status != 200 {
				t.Fatalf("request at %v: %q", time.Since(start), r.line)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// bodyErrHandler reads the request body and reports how the read ended
// on errs; it answers 200 only if the body was whole.
func bodyErrHandler(errs chan<- error) Handler {
	return HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
		return async.Go(func(co *async.Co) struct{} {
			_, err := discardBody(co, r)
			errs <- err
			if err == nil {
				async.Await(co, w.Send(200, []byte("whole")))
			}
			return struct{}{}
		})
	})
}

// TestServerBodyTimeout: a client that sends 10 bytes of a body of 100,
// then stalls, or trickles it in too slowly, fails the handler's read
// with a timeout once the body timeout passes; the server answers 408 and
// closes.
func TestServerBodyTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const timeout = 300 * time.Millisecond
		errs := make(chan error, 2)
		ts := startServer(t, x, &Server{Handler: bodyErrHandler(errs), BodyTimeout: timeout})
		head := "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"

		check := func(c *rawConn, start time.Time, what string) {
			t.Helper()
			r := c.read(false)
			if r.status != 408 || r.fields["connection"] != "close" {
				t.Fatalf("%s: %q %v, want 408 with Connection: close", what, r.line, r.fields)
			}
			if took := time.Since(start); took < timeout {
				t.Fatalf("%s: answered after %v, before the body timeout of %v", what, took, timeout)
			}
			if rest, err := c.closedWithin(10 * time.Second); err != nil || len(rest) > 0 {
				t.Fatalf("%s: after the 408 read %q, %v; want the connection closed", what, rest, err)
			}
			err := <-errs
			var ne net.Error
			if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("%s: the handler's read failed with %v, want a timeout", what, err)
			}
		}

		stalled := dialRaw(t, ts.addr)
		start := time.Now()
		stalled.send(head + "0123456789")
		check(stalled, start, "stalled body")

		// 100 bytes at 50ms a byte take 5s, far over the timeout.
		slow := dialRaw(t, ts.addr)
		start = time.Now()
		slow.send(head)
		stop, sent := make(chan struct{}), make(chan int, 1)
		go trickle(slow, strings.Repeat("b", 100), 50*time.Millisecond, stop, sent)
		check(slow, start, "trickled body")
		close(stop)
		if n := <-sent; n == 100 {
			t.Fatalf("the whole trickled body was sent before the 408")
		}
		expectServes(t, ts.addr, "")
	})
}

// TestServerDrainsSmallUnreadBody: a handler that answers without reading
// a small body leaves it to the server, which reads and discards it and
// keeps the connection for the next request, sized or chunked.
func TestServerDrainsSmallUnreadBody(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello)})
		c := dialRaw(t, ts.addr)
		body := strings.Repeat("x", 10000)
		c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n" + body)
		c.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2710\r\n" + body + "\r\n0\r\nT: v\r\n\r\n")
		c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		for i := range 3 {
			if r := c.read(false); r.status != 200 || r.body != "Hello, World!" || r.fields["connection"] == "close" {
				t.Fatalf("response %d: %q %v %q", i, r.line, r.fields, r.body)
			}
		}
		c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if r := c.read(false); r.status != 200 {
			t.Fatalf("after the drained bodies: %q", r.line)
		}
	})
}

// TestServerClosesOnLargeUnreadBody: a body left unread that is longer
// than MaxDrainBytes is not read: the response goes out and the
// connection closes.
func TestServerClosesOnLargeUnreadBody(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello), MaxDrainBytes: 64 << 10})
		for _, framing := range []string{"Content-Length: 1048576", "Transfer-Encoding: chunked"} {
			c := dialRaw(t, ts.addr)
			c.send("POST / HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n")
			body := strings.Repeat("y", 1<<20)
			if framing == "Transfer-Encoding: chunked" {
				body = "100000\r\n" + body + "\r\n0\r\n\r\n"
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				c.sendLoose(body) // fails once the server closes
			}()
			r := c.read(false)
			if r.status != 200 || r.body != "Hello, World!" {
				t.Fatalf("%s: %q %q", framing, r.line, r.body)
			}
			// With a Content-Length the server knows, when the handler is
			// done, that the rest is over the limit: it must say it
			// closes (RFC 9110 section 10.1.1: a server that answers
			// before reading the whole content SHOULD say whether it
			// closes). A chunked rest is known only when drained.
			if framing != "Transfer-Encoding: chunked" && r.fields["connection"] != "close" {
				t.Errorf("%s: the response lacks Connection: close, though the server knows the unread "+
					"rest is over MaxDrainBytes and closes the connection after it", framing)
			}
			rest, err := c.closedWithin(10 * time.Second)
			if err != nil || len(rest) > 0 {
				t.Fatalf("%s: after the response read %q, %v; want the connection closed", framing, rest, err)
			}
			c.Close()
			<-done
		}
		expectServes(t, ts.addr, "Hello, World!")
	})
}

// TestServerExpectContinueUnreadCloses: a handler that answers a request
// with Expect: 100-continue without reading its body gets no 100 sent:
// the client holds its body back, so the server cannot read past it and
// closes the connection after the response, and says so in it (RFC 9110
// section 10.1.1), so that the client does not send another request on
// it.
func TestServerExpectContinueUnreadCloses(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello)})
		for _, framing := range []string{"Content-Length: 5", "Transfer-Encoding: chunked"} {
			c := dialRaw(t, ts.addr)
			c.send("PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" + framing + "\r\n\r\n")
			r := c.read(false)
			if r.status != 200 || r.body != "Hello, World!" {
				t.Fatalf("%s: %q %q, want 200 without a 100 first", framing, r.line, r.body)
			}
			if r.fields["connection"] != "close" {
				t.Errorf("%s: the response lacks Connection: close, though the server closes "+
					"the connection after it (the body it never asked for is unread)", framing)
			}
			if rest, err := c.closedWithin(10 * time.Second); err != nil || len(rest) > 0 {
				t.Fatalf("%s: after the response read %q, %v; want the connection closed", framing, rest, err)
			}
		}
	})
}

// TestServerWriteTimeout: a client that asks for a long response and
// never reads it is cut off once a write makes no progress for the write
// timeout; the server does not wait for it.
func TestServerWriteTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const total = 256 << 20
		chunk := make([]byte, 64<<10)
		started := make(chan struct{}, 1)
		ts := startServer(t, x, &Server{
			WriteTimeout: 300 * time.Millisecond,
			Handler: HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
				if string(r.Target()) != "/big" {
					return hello(w, r)
				}
				started <- struct{}{}
				return async.Go(func(co *async.Co) struct{} {
					for n := 0; n < total; n += len(chunk) {
						if _, err := async.Await(co, w.Write(chunk)).Get(); err != nil {
							return struct{}{}
						}
					}
					return struct{}{}
				})
			}),
		})
		c := dialRaw(t, ts.addr)
		c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
		// Read nothing until the server has let the connection go. It
		// is tracked from before its handler is called.
		<-started
		waitConns(t, ts.srv, 0)
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		var got int64
		buf := make([]byte, 1<<20)
		for {
			n, err := c.Read(buf)
			got += int64(n)
			if err != nil {
				if !isClosedErr(err) {
					t.Fatalf("reading the cut response: %v", err)
				}
				break
			}
		}
		if got >= total {
			t.Fatalf("read %d bytes: the whole response, though the client did not read for long", got)
		}
		expectServes(t, ts.addr, "Hello, World!")
	})
}

// waitConns waits until srv has n connections open.
func waitConns(t *testing.T, srv *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		srv.mu.Lock()
		open := srv.conns.n
		srv.mu.Unlock()
		if open == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server has %d connections open, want %d", open, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// gateHandler answers /slow only when the test says so (or never, with
// a nil gate), and every other request at once. started receives the
// target of each request as its handler is called.
func gateHandler(gate *oneshot.Receiver[struct{}], started chan<- string) Handler {
	return HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
		started <- string(r.Target())
		if string(r.Target()) != "/slow" {
			return w.Send(200, []byte("fast"))
		}
		if gate == nil {
			return async.Pending[struct{}]()
		}
		return async.Then(gate, func(async.Result[struct{}]) async.Future[struct{}] {
			return w.Send(200, []byte("slow"))
		})
	})
}

// startShutdown starts ts's Shutdown with grace and returns where its
// result will come.
func startShutdown(ts *testServer, grace time.Duration) <-chan error {
	ts.stop.Send(grace)
	ts.stop = nil
	return ts.done
}

// TestServerShutdownGraceful: Shutdown closes the idle connections at
// once, lets the request in flight finish with Connection: close, then
// closes its connection and returns nil; new connections are refused.
func TestServerShutdownGraceful(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := oneshot.New[struct{}]()
		started := make(chan string, 10)
		ts := startServer(t, x, &Server{Handler: gateHandler(rx, started)})
		idle := dialRaw(t, ts.addr)
		idle.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
		if r := idle.read(false); r.status != 200 {
			t.Fatalf("first request: %q", r.line)
		}
		<-started
		silent := dialRaw(t, ts.addr)
		busy := dialRaw(t, ts.addr)
		busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
		if got := <-started; got != "/slow" {
			t.Fatalf("handler called for %q", got)
		}
		waitConns(t, ts.srv, 3)

		result := startShutdown(ts, 20*time.Second)
		for name, c := range map[string]*rawConn{"idle": idle, "silent": silent} {
			if rest, err := c.closedWithin(10 * time.Second); err != nil || len(rest) > 0 {
				t.Fatalf("%s connection at shutdown: read %q, %v; want it closed", name, rest, err)
			}
		}
		waitConns(t, ts.srv, 1)
		if c, err := net.DialTimeout("tcp", ts.addr, 5*time.Second); err == nil {
			c.Close()
			t.Fatalf("a new connection was accepted during shutdown")
		}
		select {
		case err := <-result:
			t.Fatalf("Shutdown returned %v with a request in flight", err)
		default:
		}

		tx.Send(struct{}{})
		r := busy.read(false)
		if r.status != 200 || r.body != "slow" || r.fields["connection"] != "close" {
			t.Fatalf("the request in flight: %q %v %q, want 200 slow with Connection: close", r.line, r.fields, r.body)
		}
		if rest, err := busy.closedWithin(10 * time.Second); err != nil || len(rest) > 0 {
			t.Fatalf("after the last response read %q, %v; want the connection closed", rest, err)
		}
		select {
		case err := <-result:
			if err != nil {
				t.Fatalf("Shutdown: %v, want nil", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("Shutdown did not return after the last request")
		}
	})
}

// TestServerShutdownGraceRunsOut: a handler that never finishes keeps
// Shutdown only for its grace: then its connection is closed and
// Shutdown says how many it cut off.
func TestServerShutdownGraceRunsOut(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		started := make(chan string, 10)
		ts := startServer(t, x, &Server{Handler: gateHandler(nil, started)})
		c := dialRaw(t, ts.addr)
		c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
		<-started
		err := ts.shutdown(t, 300*time.Millisecond)
		if err == nil || !strings.Contains(err.Error(), "closed 1 connection") {
			t.Fatalf("Shutdown: %v, want an error saying it closed 1 connection", err)
		}
		if rest, err := c.closedWithin(10 * time.Second); err != nil || len(rest) > 0 {
			t.Fatalf("the cut-off connection: read %q, %v; want it closed without a response", rest, err)
		}
	})
}

// TestServerHandlerPanics: a handler that panics when called, or when
// its future is polled, gets its client a 500 and a closed connection;
// one that panics after its head went out gets a cut-off response. The
// panics reach ErrorLog, and the server serves everyone else as before.
func TestServerHandlerPanics(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var mu sync.Mutex
		var logged []string
		ts := startServer(t, x, &Server{
			ErrorLog: func(err error) {
				mu.Lock()
				logged = append(logged, err.Error())
				mu.Unlock()
			},
			Handler: HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
				switch string(r.Target()) {
				case "/panic-call":
					panic("boom when called")
				case "/panic-poll":
					return async.PollFunc[struct{}](func(*async.Context) (struct{}, bool) {
						panic("boom when polled")
					})
				case "/panic-late":
					return async.Go(func(co *async.Co) struct{} {
						async.Await(co, w.Write([]byte("partial")))
						if err := async.Await(co, w.Flush()); err != nil {
							return struct{}{}
						}
						panic("boom after the head")
					})
				}
				return hello(w, r)
			}),
		})
		other := dialRaw(t, ts.addr)
		for _, target := range []string{"/panic-call", "/panic-poll"} {
			c := dialRaw(t, ts.addr)
			c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")
			r := c.read(false)
			if r.status != 500 || r.fields["connection"] != "close" {
				t.Fatalf("%s: %q %v, want 500 with Connection: close", target, r.line, r.fields)
			}
			if rest, err := c.closedWithin(10 * time.Second); err != nil || len(rest) > 0 {
				t.Fatalf("%s: after the 500 read %q, %v; want the connection closed", target, rest, err)
			}
			other.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			if r := other.read(false); r.status != 200 {
				t.Fatalf("another connection after %s: %q", target, r.line)
			}
		}
		c := dialRaw(t, ts.addr)
		c.send("GET /panic-late HTTP/1.1\r\nHost: x\r\n\r\n")
		r, err := c.readErr(false)
		if err == nil || r.status != 200 {
			t.Fatalf("/panic-late: %q %q, %v; want a 200 cut off before its end", r.line, r.body, err)
		}
		expectServes(t, ts.addr, "Hello, World!")
		mu.Lock()
		defer mu.Unlock()
		if len(logged) != 3 {
			t.Fatalf("ErrorLog got %d errors, want 3: %q", len(logged), logged)
		}
		for _, s := range logged {
			if !strings.Contains(s, "panicked") {
				t.Errorf("logged %q; want it to say the handler panicked", s)
			}
		}
	})
}

// TestServerIdleConnections holds 10,000 keep-alive connections that
// have each made one request, and measures what the server keeps for
// each: the growth of its live heap. A child process holds the clients
// (see idle_hostile_helpers_test.go). An idle connection holds no buffer,
// so a connection costs far less than one buffer of 4 KiB: the bound
// checks that, not a speed.
func TestServerIdleConnections(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const warm, n = 500, 10000
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello)})
		child := startIdleHolder(t, ts.addr, warm, n)
		child.expect("warm")
		waitConns(t, ts.srv, warm)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		child.say("go")
		child.expect("done")
		waitConns(t, ts.srv, warm+n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		live := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / n
		mallocs := float64(after.Mallocs-before.Mallocs) / n
		t.Logf("%s: %d idle keep-alive connections: %.0f bytes of live heap and %.1f allocations per connection",
			x.Name, n, live, mallocs)
		if live > 2048 {
			t.Errorf("%.0f bytes live per idle connection; an idle connection should hold no buffer", live)
		}
		expectServes(t, ts.addr, "Hello, World!")
		child.finish()
		waitConns(t, ts.srv, 0)
	})
}

// idleHolder is the child process of TestServerIdleConnections.
type idleHolder struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  *bufio.Scanner
	stderr bytes.Buffer
}

func startIdleHolder(t *testing.T, addr string, warm, n int) *idleHolder {
	t.Helper()
	h := &idleHolder{t: t}
	h.cmd = exec.Command(os.Args[0], "-test.run=^TestServerIdleConnsHolder$", "-test.count=1", "-test.timeout=200s")
	h.cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d %d", idleHolderEnv, addr, warm, n))
	h.cmd.Stderr = &h.stderr
	var err error
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := h.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h.lines = bufio.NewScanner(out)
	if err := h.cmd.Start(); err != nil {
		t.Fatalf("starting the child that holds the clients: %v", err)
	}
	t.Cleanup(h.finish)
	return h
}

// expect reads the child's lines until want; an "error:" line or the
// child's end fails the test.
func (h *idleHolder) expect(want string) {
	h.t.Helper()
	for h.lines.Scan() {
		line := h.lines.Text()
		if line == want {
			return
		}
		if strings.HasPrefix(line, "error:") {
			h.t.Fatalf("the child holding the clients: %s", line)
		}
	}
	h.t.Fatalf("the child holding the clients ended before %q: %v; stderr: %s", want, h.lines.Err(), h.stderr.String())
}

func (h *idleHolder) say(line string) {
	h.t.Helper()
	if _, err := io.WriteString(h.stdin, line+"\n"); err != nil {
		h.t.Fatalf("telling the child %q: %v", line, err)
	}
}

// finish tells the child to close its connections and waits for it.
func (h *idleHolder) finish() {
	if h.stdin == nil {
		return
	}
	h.stdin.Close()
	h.stdin = nil
	for h.lines.Scan() {
	}
	if err := h.cmd.Wait(); err != nil {
		h.t.Errorf("the child holding the clients: %v; stderr: %s", err, h.stderr.String())
	}
}
