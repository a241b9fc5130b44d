package main

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/timer"
	"github.com/asyncgo/async/websocket"
)

// wsClient plays a browser: the runtime's WebSocket client, on an
// executor of its own that a goroutine runs. Its reader hands each
// message it receives to lines; its writer task sends what send gives
// it. The test's goroutine reads lines with a deadline, as chatClient's
// lines are read.
type wsClient struct {
	lines chan string // every text message, closed after the last
	out   *mpsc.UnboundedSender[string]
	done  chan struct{} // closed once the executor has stopped
	// end is the error that ended the reads: the server's close, as a
	// *websocket.CloseError. It is set before lines is closed.
	end error
}

// dialWS connects to the page's WebSocket.
func dialWS(t *testing.T, page string) *wsClient {
	t.Helper()
	url := "ws://" + strings.TrimPrefix(strings.TrimSuffix(page, "/"), "http://") + "/ws"
	c := &wsClient{lines: make(chan string, 4096), done: make(chan struct{})}
	out, in := mpsc.Unbounded[string]()
	c.out = out
	dialed := make(chan error, 1)
	go func() {
		defer close(c.done)
		executor.Run(async.Do(func(co *async.Co) {
			c.run(co, url, in, dialed)
		}))
	}()
	t.Cleanup(func() {
		c.out.Close() // the writer ends, and closes the connection
		select {
		case <-c.done:
		case <-time.After(patience):
			t.Errorf("the WebSocket client to %s did not end within %v", url, patience)
		}
	})
	if err := <-dialed; err != nil {
		t.Fatalf("dialling %s: %v", url, err)
	}
	return c
}

// run is the client's coroutine: it dials, then reads until the
// connection ends, while a writer task sends the lines of in.
func (c *wsClient) run(co *async.Co, url string, in *mpsc.Receiver[string], dialed chan<- error) {
	defer close(c.lines)
	conn, err := async.Get(co, timer.Timeout(websocket.Dial(url), patience))
	dialed <- err
	if err != nil {
		c.end = err
		return
	}
	defer conn.CloseNow()
	writer := async.Spawn(co.Context(), async.Do(func(co *async.Co) {
		defer conn.CloseNow() // ends the reads too
		for {
			line, err := async.Get(co, in.Recv())
			if err != nil {
				return
			}
			if err := async.Await(co, conn.WriteMessage(websocket.Text, []byte(line))); err != nil {
				return
			}
		}
	}))
	defer writer.Abort()
	for {
		m, err := async.Get(co, conn.ReadMessage())
		if err != nil {
			c.end = err
			return
		}
		select {
		case c.lines <- string(m.Data):
		default:
			c.end = errors.New("the test read too few of the server's messages")
			return
		}
	}
}

// send sends line as a text message.
func (c *wsClient) send(t *testing.T, line string) {
	t.Helper()
	if err := c.out.Send(line); err != nil {
		t.Fatalf("sending %.40q: %v", line, err)
	}
}

// expect reads messages until one starts with prefix and returns it.
func (c *wsClient) expect(t *testing.T, prefix string) string {
	t.Helper()
	deadline := time.After(patience)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("waiting for a message starting %q: the connection ended: %v", prefix, c.end)
			}
			if strings.HasSuffix(l, "\n") {
				t.Errorf("the server sent %q: a message is a line without its end", l)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			t.Fatalf("no message starting %q within %v", prefix, patience)
		}
	}
}

// expectClose reads messages until the server closes the connection,
// which it must do with code and reason.
func (c *wsClient) expectClose(t *testing.T, code websocket.StatusCode, reason string) {
	t.Helper()
	deadline := time.After(patience)
	for {
		select {
		case _, ok := <-c.lines:
			if ok {
				continue
			}
			var ce *websocket.CloseError
			if !errors.As(c.end, &ce) || !ce.Remote || ce.Code != code || ce.Reason != reason {
				t.Fatalf("the connection ended with %v, want the server's close frame %v %q", c.end, code, reason)
			}
			return
		case <-deadline:
			t.Fatalf("the server did not close the connection within %v", patience)
		}
	}
}

// welcomed waits for the welcome and returns the name it gives.
func welcomed(t *testing.T, c *wsClient) string {
	t.Helper()
	l := c.expect(t, "* welcome, ")
	name, _, _ := strings.Cut(strings.TrimPrefix(l, "* welcome, "), ":")
	return name
}

// TestChatWeb puts a browser's WebSocket and a line client in one room,
// on each executor: each sees the other's lines and the notices of its
// joining and its names, /nick and unknown commands work from the
// WebSocket, and a SIGTERM says goodbye to both and closes the WebSocket
// with 1001.
func TestChatWeb(t *testing.T) {
	for _, threads := range []string{"1", "2"} {
		t.Run("threads="+threads, func(t *testing.T) {
			testWeb(t, threads)
		})
	}
}

func testWeb(t *testing.T, threads string) {
	p := startChat(t, "-threads", threads, "-http", "127.0.0.1:0")
	line := dial(t, p.addr)
	line.expect(t, "* welcome, guest1")
	line.send(t, "/nick liner")
	line.expect(t, "* you are now liner")

	web := dialWS(t, p.page)
	if got := web.expect(t, "* welcome, "); got != "* welcome, guest2: /nick NAME to change your name, /quit to leave" {
		t.Errorf("the WebSocket's welcome is %q", got)
	}
	line.expect(t, "* guest2 joined")
	web.send(t, "/nick webby")
	web.expect(t, "* you are now webby")
	line.expect(t, "* guest2 is now webby")

	web.send(t, "hello from the page")
	if got := line.expect(t, "webby: "); got != "webby: hello from the page" {
		t.Errorf("the line client got %q", got)
	}
	line.send(t, "hello from the line")
	if got := web.expect(t, "liner: "); got != "liner: hello from the line" {
		t.Errorf("the WebSocket got %q", got)
	}
	line.send(t, "/nick liner2")
	web.expect(t, "* liner is now liner2")
	web.send(t, "/nick liner2")
	web.expect(t, "* the name liner2 is taken")
	web.send(t, "/dance")
	web.expect(t, "* unknown command /dance")

	p.stop(t, syscall.SIGTERM)
	line.expect(t, "* the server is shutting down, goodbye")
	line.expectEOF(t)
	web.expect(t, "* the server is shutting down, goodbye")
	web.expectClose(t, websocket.StatusGoingAway, "server shutting down")
}

// TestChatWebEndings checks how a WebSocket session ends, and what the
// room is told: /quit, a line over the limit, a message over the
// WebSocket limit, a message with a line break.
func TestChatWebEndings(t *testing.T) {
	p := startChat(t, "-http", "127.0.0.1:0")
	line := dial(t, p.addr)
	line.expect(t, "* welcome")

	for _, c := range []struct {
		send, bye string // bye "" for none
		code      websocket.StatusCode
		reason    string
	}{
		{"/quit", "* goodbye", websocket.StatusNormalClosure, "goodbye"},
		{strings.Repeat("y", 2000), "* lines are at most 1024 bytes, goodbye", websocket.StatusMessageTooBig, "line too long"},
		{"two\nlines", "* a message is one line, without line breaks, goodbye", websocket.StatusUnsupportedData, "not a line"},
		{"/nick x\r* forged", "* a message is one line, without line breaks, goodbye", websocket.StatusUnsupportedData, "not a line"},
	} {
		web := dialWS(t, p.page)
		name := welcomed(t, web)
		line.expect(t, "* "+name+" joined")
		web.send(t, c.send)
		web.expect(t, c.bye)
		web.expectClose(t, c.code, c.reason)
		line.expect(t, "* "+name+" left")
	}

	// A message past the WebSocket's own limit is refused by package
	// websocket, which closes at once with 1009: nothing is said first.
	web := dialWS(t, p.page)
	name := welcomed(t, web)
	line.expect(t, "* "+name+" joined")
	web.send(t, strings.Repeat("z", maxMessage+1))
	deadline := time.After(patience)
	for done := false; !done; {
		select {
		case _, ok := <-web.lines:
			done = !ok
		case <-deadline:
			t.Fatalf("the server did not close the connection within %v", patience)
		}
	}
	if code := websocket.CloseStatus(web.end); code != websocket.StatusMessageTooBig {
		t.Errorf("a message of %d bytes ended the connection with %v, want 1009", maxMessage+1, web.end)
	}
	line.expect(t, "* "+name+" left")
	p.stop(t, syscall.SIGTERM)
}

// TestChatWebLimits checks -max and -idle on WebSockets: a browser that
// finds the server full is told so and closed with 1013; one that is
// silent for -idle is told so and closed with 1008.
func TestChatWebLimits(t *testing.T) {
	p := startChat(t, "-http", "127.0.0.1:0", "-idle", "300ms", "-max", "1")
	a := dial(t, p.addr)
	a.expect(t, "* welcome")
	full := dialWS(t, p.page)
	full.expect(t, "* the server is full, try again later")
	full.expectClose(t, statusTryAgainLater, "server full")
	a.expect(t, "* you were silent for 300ms, goodbye")
	a.expectEOF(t)

	silent := dialWS(t, p.page) // a's permit was given back
	silent.expect(t, "* welcome")
	silent.expect(t, "* you were silent for 300ms, goodbye")
	silent.expectClose(t, websocket.StatusPolicyViolation, "silent too long")
	p.stop(t, syscall.SIGTERM)
}

// TestChatWebPage checks the web server's answers: the page at "/", HTML;
// 404 for any other path; 405 for a POST; a plain GET of /ws refused.
func TestChatWebPage(t *testing.T) {
	p := startChat(t, "-http", "127.0.0.1:0")
	client := &http.Client{Timeout: patience}
	defer client.CloseIdleConnections()
	get := func(method, path string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, strings.TrimSuffix(p.page, "/")+path, nil)
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
			t.Fatalf("%s %s: reading the body: %v", method, path, err)
		}
		return resp, string(body)
	}

	resp, body := get("GET", "/")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET / is %s, Content-Type %q; want 200 and text/html", resp.Status, resp.Header.Get("Content-Type"))
	}
	if body != string(page) || !strings.Contains(body, `new URL("/ws", location.href)`) {
		t.Errorf("GET / is not the page: %.200q", body)
	}
	for _, path := range []string{"/nope", "/index.html", "/ws/x", "//"} {
		if resp, _ := get("GET", path); resp.StatusCode != 404 {
			t.Errorf("GET %s is %s, want 404", path, resp.Status)
		}
	}
	if resp, _ := get("POST", "/"); resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST / is %s, Allow %q; want 405 and GET, HEAD", resp.Status, resp.Header.Get("Allow"))
	}
	if resp, _ := get("GET", "/ws"); resp.StatusCode/100 != 4 {
		t.Errorf("GET /ws without a handshake is %s, want a 4xx", resp.Status)
	}
	p.stop(t, syscall.SIGTERM)
}
