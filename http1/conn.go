package http1

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/tcp"
)

// serverConn is the task of one connection: a state machine that reads a
// request head, polls the handler's future, finishes the response and
// drains what is left of the body, writes the responses out, and starts
// over while the connection is kept alive.
//
// Pipelined requests are answered in order because the next head is
// parsed only once the current handler is done; their responses gather in
// the output buffer and go out in one write when the input runs dry.
//
// A connection between requests holds no buffer (see exchange): this
// struct, the tcp.Conn and its reactor source, the timer and the task are
// all it costs.
//
// One timer serves every timeout. deadline is the current one; the timer
// is armed for armed, which may be earlier: when a request ends, the
// next deadline (idle) is later than the one armed, and rather than
// re-arm it for every request, the timer fires at the old deadline and
// Poll arms it again for the new one. A busy connection touches the
// timer once per timeout period, not once per request.
type serverConn struct {
	srv *Server
	c   *tcp.Conn
	x   *exchange // nil while idle with nothing buffered

	waker      async.Waker // the task's, for Shutdown; guarded by srv.mu for others
	prev, next *serverConn // in srv.conns; guarded by srv.mu

	r        *reactor.Reactor
	timer    reactor.Timer
	deadline int64 // when the current wait times out, Unix ns; 0 for never
	armed    int64 // the deadline the timer is armed for; 0 if not armed
	now      int64 // the time, read once per poll, Unix ns
	state    connState
	tracked  bool
	hijacked bool // the handler took the connection: close leaves it open

	// handler is the handler of a hijacked connection, polled alone
	// (stHijacked): the exchange is let go.
	handler async.Future[struct{}]
}

// connState is where a connection is in its loop.
type connState uint8

const (
	stIdle     connState = iota // waiting for a request's first byte
	stHead                      // reading a head
	stHandler                   // the handler's future is pending
	stDrain                     // reading the rest of the body the handler left
	stFlush                     // writing out the responses, then reading on
	stClosing                   // writing out the last response, then closing
	stLinger                    // after an error answer: reading what the client still sends, then closing
	stHijacked                  // the handler took the connection, and its future is still pending
	stClosed
)

func (c *serverConn) Poll(cx *async.Context) (struct{}, bool) {
	if !c.tracked {
		c.tracked = true
		c.r = cx.Reactor()
		c.srv.track(c, cx.Waker())
		// A new connection's first request must arrive within the
		// header timeout, as net/http's ReadHeaderTimeout (or the idle
		// one if it is shorter): a client that connects and sends
		// nothing is not a keep-alive connection between requests.
		c.deadline = c.r.Now().UnixNano() + min(c.srv.cfg.header, c.srv.cfg.idle)
	} else if w := cx.Waker(); w != c.waker {
		c.srv.setWaker(c, w)
		c.r.PollTimer(&c.timer, w)
	}
	c.now = c.r.Now().UnixNano()
	now := c.now
	if c.armed != 0 && now >= c.armed {
		c.armed = 0 // it fired, or is about to: nothing to stop
	}
	if c.state == stIdle && c.deadline == 0 {
		c.deadline = now + c.srv.cfg.idle
	}
	if c.deadline != 0 && now >= c.deadline {
		c.timedOut()
	}
	if c.srv.closing.Load() != open {
		c.shutdown()
	}
	for c.state != stClosed {
		if !c.step(cx) {
			c.arm(cx)
			return struct{}{}, false
		}
	}
	return struct{}{}, true
}

// step runs the current state; false means the connection must wait.
func (c *serverConn) step(cx *async.Context) bool {
	switch c.state {
	case stIdle, stHead:
		return c.readHead(cx)
	case stHandler:
		return c.pollHandler(cx)
	case stDrain:
		return c.drain(cx)
	case stFlush, stClosing:
		return c.flushOut(cx)
	case stLinger:
		return c.linger(cx)
	case stHijacked:
		return c.pollHijacked(cx)
	}
	return true
}

// readHead parses the next head from the buffered bytes, reading more
// until it is complete, then starts its handler.
func (c *serverConn) readHead(cx *async.Context) bool {
	x := c.x
	if x == nil {
		x = c.srv.pool.get(c)
		c.x = x
		x.head.reset()
	}
	read := false // this call read the socket, and that read took the budget's unit
	for {
		if x.r < x.w {
			if !read && !cx.Proceed() {
				// A request served from the buffer (pipelined) costs a
				// unit of the budget, as a read would: a client that
				// pipelines without end must not keep the worker. Give
				// way before parsing, keeping the exchange.
				cx.Waker().Wake()
				return false
			}
			if c.state == stIdle {
				c.state = stHead
				c.deadline = c.now + c.srv.cfg.header
			}
			n, err := parseRequestHead(x.in[x.r:x.w], &c.srv.cfg.head, &x.head)
			if err != nil {
				c.reject(err)
				return true
			}
			if n > 0 {
				return c.startHandler(cx, n)
			}
		}
		if x.sent < len(x.out) {
			// The answers to the requests before this one go out before
			// the wait for the rest of its head, which may never come.
			return c.flushBeforeRead(cx)
		}
		x.room(c.srv.cfg.head.headerBytes)
		r, ok := c.c.Read(x.in[x.w:]).Poll(cx)
		if !ok {
			if c.state == stIdle {
				c.release()
			}
			return false
		}
		if r.Err != nil || r.Value == 0 {
			// The client closed or reset the connection. Mid-head there
			// is nobody to answer.
			c.close()
			return true
		}
		x.w += r.Value
		read = true
	}
}

// flushBeforeRead writes out the responses waiting in the output buffer
// while a head is incomplete; it reports true to go on reading once they
// are out.
func (c *serverConn) flushBeforeRead(cx *async.Context) bool {
	done, err := c.flush(cx)
	if err != nil {
		c.close()
		return true
	}
	if !done {
		c.deadline = c.now + c.srv.cfg.wrtT
		return false
	}
	if c.state == stHead {
		c.deadline = c.now + c.srv.cfg.header
	}
	return true
}

// startHandler sets up the request whose head is n bytes at x.in[x.r:]
// and calls the handler.
func (c *serverConn) startHandler(cx *async.Context, n int) bool {
	x, srv := c.x, c.srv
	h := &x.head
	x.headEnd = x.r + n
	x.br = x.headEnd
	x.headTime = c.now
	x.fillErr, x.fillWaits, x.writeWaits = nil, false, false
	x.continued = !h.expectContinue
	closeConn := !h.keepAlive || srv.closing.Load() != open
	x.rw.reset(closeConn)
	if h.expectOther {
		c.answer(417, "Expectation Failed: only 100-continue is known")
		return true
	}
	kind, length := bodyNone, int64(0)
	switch {
	case h.chunked:
		kind = bodyChunked
	case h.contentLength > 0:
		kind, length = bodyLength, h.contentLength
	}
	if err := x.body.reset(x, kind, length, srv.cfg.body); err != nil {
		c.reject(err)
		return true
	}
	c.state = stHandler
	c.deadline = 0
	x.handler = c.callHandler(cx)
	return true
}

// callHandler calls the handler, turning a panic into a closed connection.
func (c *serverConn) callHandler(cx *async.Context) (f async.Future[struct{}]) {
	defer func() {
		if p := recover(); p != nil {
			c.handlerPanicked(p)
			f = nil
		}
	}()
	return c.srv.Handler.ServeHTTP1(&c.x.rw, &c.x.req)
}

// pollHandler polls the handler's future; once it is ready, it finishes
// the response and goes on to drain the body.
func (c *serverConn) pollHandler(cx *async.Context) bool {
	x := c.x
	if x.handler == nil { // it panicked when called
		return true
	}
	if !c.pollHandlerOnce(cx) {
		if c.state != stHandler {
			return true // the handler panicked
		}
		if c.hijacked {
			c.letGo()
			return false
		}
		if !c.watchPeer(cx) {
			c.abort()
			return true
		}
		switch {
		case x.fillWaits:
			c.deadline = x.headTime + c.srv.cfg.bodyT
		case x.writeWaits:
			c.deadline = c.now + c.srv.cfg.wrtT
		default:
			c.deadline = 0
		}
		return false
	}
	x.handler = nil
	if c.state != stHandler { // the handler panicked
		return true
	}
	if c.hijacked {
		c.state = stClosing // lets go of it, leaving the socket open
		return true
	}
	if c.bodyFailed() {
		return true
	}
	if !x.rw.finish() {
		c.srv.logError(fmt.Errorf("http1: %s %s: %w", x.head.method(), x.head.target(), x.rw.err))
		x.rw.closeConn = true
	}
	c.state = stDrain
	return true
}

// letGo hands the connection to its hijacking handler, whose future may
// run as long as the new protocol lives (a WebSocket): from now on the
// task polls that future alone, with no deadline, and the server lets go
// of the exchange. The exchange is not reused: the handler's Request and
// ResponseWriter point into it, and keep it alive while it holds them.
func (c *serverConn) letGo() {
	c.handler, c.x.handler = c.x.handler, nil
	c.x = nil
	c.deadline = 0
	c.state = stHijacked
}

// pollHijacked polls the handler of a hijacked connection; once it is
// ready (or panics), the connection's task ends, leaving the socket to
// its new owner.
func (c *serverConn) pollHijacked(cx *async.Context) (ready bool) {
	defer func() {
		if p := recover(); p != nil {
			c.srv.logError(fmt.Errorf("http1: handler of a hijacked connection panicked: %v", p))
			ready = true
		}
		if ready {
			c.handler = nil
			c.close()
		}
	}()
	_, ready = c.handler.Poll(cx)
	return ready
}

// bodyFailed handles a request body that failed while the handler read
// it: malformed, over the limit, or too slow. The connection closes, since
// where the next request starts is unknown; if the handler did not answer,
// the server does, with the status the failure calls for.
func (c *serverConn) bodyFailed() bool {
	x := c.x
	be, _ := x.body.err.(*bodyError)
	switch {
	case x.fillErr != nil:
		if !x.rw.committed {
			x.out = x.out[:x.rw.bodyStart]
			c.answer(408, "Request Timeout: the request body took too long")
			return true
		}
	case be != nil:
		if !x.rw.committed {
			x.out = x.out[:x.rw.bodyStart]
			c.reject(be)
			return true
		}
	default:
		return false
	}
	x.rw.closeConn = true
	return false
}

// watchPeer reads the connection while the handler waits for something
// other than the client, once the request body is read: a client that
// goes away (end of stream, reset) then cancels the handler, whose
// answer nobody would read (net/http cancels the request's context for
// the same reason). Bytes that arrive are the next pipelined request,
// kept for later; once the buffer is full, watching stops. It reports
// false if the client is gone.
func (c *serverConn) watchPeer(cx *async.Context) bool {
	x := c.x
	if c.hijacked || x.fillWaits || x.body.err != io.EOF || len(x.in)-x.w == 0 {
		return true
	}
	r, ok := c.c.Read(x.in[x.w:]).Poll(cx)
	if !ok {
		return true
	}
	if r.Err != nil || r.Value == 0 {
		return false
	}
	x.w += r.Value
	return true
}

// pollHandlerOnce polls the handler's future, recovering a panic.
func (c *serverConn) pollHandlerOnce(cx *async.Context) (ready bool) {
	defer func() {
		if p := recover(); p != nil {
			c.handlerPanicked(p)
			ready = true
		}
	}()
	_, ready = c.x.handler.Poll(cx)
	return ready
}

// handlerPanicked answers 500 if the head was not sent, logs the panic,
// and closes the connection after what was written goes out.
func (c *serverConn) handlerPanicked(p any) {
	x := c.x
	c.srv.logError(fmt.Errorf("http1: handler panicked serving %s %s: %v", x.head.method(), x.head.target(), p))
	x.handler = nil
	if !x.rw.committed {
		x.out = x.out[:x.rw.bodyStart]
		c.answer(500, "Internal Server Error")
		return
	}
	c.state = stClosing
}

// willNotDrain reports whether the connection must close after the
// response because the handler left a body that the server will not read:
// a client waiting for 100 Continue still holds its body back (RFC 9110
// section 10.1.1 lets the server close instead of asking for it), and the
// rest of a sized body may be longer than the server drains. Knowing it
// before the head is written lets the response say Connection: close. (A
// chunked body's rest is unknown: one over the limit closes the
// connection without the response saying so.) ResponseWriter.commit asks
// it, as the head is written.
func (c *serverConn) willNotDrain() bool {
	x := c.x
	if x.body.reusable() || x.body.err != nil {
		return false
	}
	if !x.continued {
		return true
	}
	return x.body.kind == bodyLength && x.body.length.left-int64(len(x.buffered())) > c.srv.cfg.drain
}

// drain reads and discards what the handler left of the body, then goes
// on to the next request or closes.
func (c *serverConn) drain(cx *async.Context) bool {
	x := c.x
	if !x.rw.closeConn && !x.body.reusable() {
		if x.body.err == nil && x.continued {
			ok, ready := x.body.drain(c.srv.cfg.drain).Poll(cx)
			if !ready {
				c.deadline = x.headTime + c.srv.cfg.bodyT
				return false
			}
			if !ok {
				x.rw.closeConn = true
			}
		} else {
			// The client waits for 100 Continue before sending a body
			// that nobody read: close rather than ask for it (RFC 9110
			// section 10.1.1), or the body failed.
			x.rw.closeConn = true
		}
	}
	if x.rw.closeConn {
		c.state = stClosing
		return true
	}
	// The next request starts after the body.
	x.r = x.br
	x.head.reset()
	c.state = stFlush
	if x.r < x.w && len(x.out)-x.sent < flushAt {
		// Pipelined: parse the next request before writing, so that
		// the responses go out together.
		c.state = stHead
		c.deadline = c.now + c.srv.cfg.header
	}
	return true
}

// flushOut writes the output buffer, then reads the next request or
// closes the connection.
func (c *serverConn) flushOut(cx *async.Context) bool {
	done, err := c.flush(cx)
	if err != nil {
		c.close()
		return true
	}
	if !done {
		c.deadline = c.now + c.srv.cfg.wrtT
		return false
	}
	x := c.x
	if c.state == stClosing {
		if !x.linger {
			c.close()
			return true
		}
		// The client may still be sending what the server will not
		// read. Closing with unread input sends a reset, which can
		// destroy the error answer in flight before the client reads
		// it; so the server closes its side, then reads and discards
		// for a while (RFC 9112 section 9.6).
		c.c.CloseWrite()
		c.state = stLinger
		c.deadline = c.now + int64(lingerTime)
		return true
	}
	c.state = stIdle
	c.deadline = c.now + c.srv.cfg.idle
	if x.r == x.w {
		x.r, x.w = 0, 0
	} else {
		c.state = stHead
		c.deadline = c.now + c.srv.cfg.header
	}
	return true
}

// flush writes out[sent:], reporting true once all of it is written.
func (c *serverConn) flush(cx *async.Context) (bool, error) {
	x := c.x
	end := len(x.out)
	if !x.rw.committed {
		end = x.rw.bodyStart // the head must go first
	}
	for x.sent < end {
		r, ok := c.c.Write(x.out[x.sent:end]).Poll(cx)
		if !ok {
			return false, nil
		}
		if r.Err != nil {
			return false, r.Err
		}
		x.sent += r.Value
	}
	if end == len(x.out) {
		x.out, x.sent = x.out[:0], 0
	} else {
		// Keep the body of a response not yet committed, at the front.
		x.out = x.out[:copy(x.out, x.out[end:])]
		x.sent = 0
	}
	x.rw.bodyStart -= end
	return true, nil
}

// reject answers a request whose head or body framing failed, with the
// status the error carries, and closes the connection.
func (c *serverConn) reject(err error) {
	status := 400
	var s interface{ Status() int }
	if errors.As(err, &s) {
		status = s.Status()
	}
	c.answer(status, statusText(status)+": "+err.Error())
}

// lingerTime and lingerBytes bound how long and how much a connection
// reads and discards after an error answer before it closes.
const (
	lingerTime  = 500 * time.Millisecond
	lingerBytes = 256 << 10
)

// linger reads and discards input until the client closes, the time
// runs out (timedOut) or lingerBytes were read, then closes.
func (c *serverConn) linger(cx *async.Context) bool {
	x := c.x
	for n := 0; n < lingerBytes; {
		r, ok := c.c.Read(x.in).Poll(cx)
		if !ok {
			return false
		}
		if r.Err != nil || r.Value == 0 {
			break
		}
		n += r.Value
	}
	c.close()
	return true
}

// answer writes a whole plain-text response of the server's own after
// any responses before it, and closes the connection once it is out.
func (c *serverConn) answer(status int, text string) {
	x := c.x
	b := appendStatusLine(x.out, status)
	b = append(b, "Date: "...)
	b = c.srv.date.append(b, c.now)
	b = append(b, "\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: "...)
	b = fmt.Appendf(b, "%d\r\n\r\n%s\n", len(text)+1, text)
	x.out = b
	x.rw.committed = true
	x.linger = true
	c.state = stClosing
	c.deadline = 0
}

// timedOut acts on a deadline that passed.
func (c *serverConn) timedOut() {
	c.deadline = 0
	switch c.state {
	case stIdle:
		c.close()
	case stHead:
		if x := c.x; len(bytes.Trim(x.in[x.r:x.w], "\r\n")) == 0 {
			// Only the empty lines some clients send after a body: the
			// connection is idle, and a 408 would answer no request.
			c.close()
			return
		}
		c.answer(408, "Request Timeout: the request head took too long")
	case stHandler:
		x := c.x
		if x.fillWaits {
			x.fillErr = &serverTimeout{"reading the request body"}
			x.rw.closeConn = true
			return
		}
		c.abort() // the client does not read the response
	default:
		c.abort()
	}
}

// shutdown acts on the server's closing state: a connection waiting for a
// request closes; one in the middle of one finishes it and closes, unless
// the grace ran out.
func (c *serverConn) shutdown() {
	if c.srv.closing.Load() == closed {
		if c.state != stIdle {
			c.srv.cut.Add(1)
		}
		c.abort()
		return
	}
	switch c.state {
	case stIdle:
		c.close()
	case stHandler, stDrain, stFlush:
		if c.x != nil {
			c.x.rw.closeConn = true
		}
		if c.state == stFlush {
			c.state = stClosing
		}
	}
}

// abort cancels the handler, if any, and closes at once.
func (c *serverConn) abort() {
	if c.x != nil && c.x.handler != nil {
		h := c.x.handler
		c.x.handler = nil
		h.Cancel()
	}
	if h := c.handler; h != nil {
		c.handler = nil
		h.Cancel()
	}
	c.close()
}

// arm makes sure the timer wakes the task by the current deadline.
func (c *serverConn) arm(cx *async.Context) {
	if c.deadline == 0 || c.armed != 0 && c.armed <= c.deadline {
		return
	}
	if c.r.StartTimer(&c.timer, time.Unix(0, c.deadline), cx.Waker()) {
		cx.Waker().Wake() // passed already: look again
		return
	}
	c.armed = c.deadline
}

// release gives the exchange back to the pool if it holds nothing.
func (c *serverConn) release() {
	if c.x != nil && c.x.idle() {
		c.srv.pool.put(c.x)
		c.x = nil
	}
}

// close closes the connection and lets go of everything it holds.
func (c *serverConn) close() {
	if c.state == stClosed {
		return
	}
	c.state = stClosed
	if !c.hijacked { // a hijacked connection's futures are its new owner's
		c.c.Read(nil).Cancel()
		c.c.Write(nil).Cancel()
		c.c.Close()
	}
	if c.r != nil {
		c.r.StopTimer(&c.timer)
	}
	if c.x != nil {
		x := c.x
		c.x = nil
		x.body.cancelFill()
		if !c.hijacked { // the handler may still hold its Request
			c.srv.pool.put(x)
		}
	}
	if c.tracked {
		c.srv.untrack(c)
	}
}

// Cancel ends the connection: its executor is shutting down, or it was
// aborted.
func (c *serverConn) Cancel() { c.abort() }

// methodIs reports whether the request's method is m.
func (h *requestHead) methodIs(m string) bool { return bytes.Equal(h.method(), []byte(m)) }

// serverTimeout is a read of a request body that took longer than the
// server allows. It satisfies net.Error with Timeout true, and matches
// os.ErrDeadlineExceeded.
type serverTimeout struct{ op string }

func (e *serverTimeout) Error() string        { return "http1: timeout " + e.op }
func (e *serverTimeout) Timeout() bool        { return true }
func (e *serverTimeout) Temporary() bool      { return true }
func (e *serverTimeout) Is(target error) bool { return target == os.ErrDeadlineExceeded }
