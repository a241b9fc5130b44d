package http1

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/tcp"
)

// ResponseWriter writes the response to one request. Set fields with
// Header, the status with WriteHeader, then write the body with Write (it
// is an aio.Writer) or give the whole body at once with Send.
//
// The head is sent with the first bytes that must go out, so the
// framing is chosen as late as it can be: a body that is complete when
// the handler's future is ready (up to 16 KiB) goes with its
// Content-Length; a longer one, or one flushed early, is chunked (or,
// for an HTTP/1.0 client, ends with the connection). A handler that sets
// Content-Length itself gets a sized body and must write exactly that
// much. The server adds Date, and Connection: close when the connection
// ends after the response. The body of a response to HEAD, or of a 204
// or 304, is counted and not sent.
//
// Writes copy into the connection's output buffer and wait only when it
// is full and the client is slow to read: that is the backpressure a
// long download needs. Write and Flush return futures that are reused:
// one at a time.
type ResponseWriter struct {
	x      *exchange
	header Header
	status int

	committed bool // the head is in the output buffer
	mode      bodyKind
	bodyStart int   // where the body starts in x.out while not committed
	declared  int64 // the Content-Length, or -1 while unknown
	written   int64 // body bytes accepted
	closeConn bool  // the connection closes after this response
	err       error // what broke the response; sticky

	wr writeFuture
	fl flushFuture
	sd sendFuture
}

// reset prepares w for the next request on the connection.
func (w *ResponseWriter) reset(closeConn bool) {
	w.header.Reset()
	w.status = 0
	w.committed = false
	w.mode = bodyNone
	w.bodyStart = len(w.x.out)
	w.declared, w.written = -1, 0
	w.closeConn = closeConn
	w.err = nil
	w.wr.w, w.fl.w, w.sd.w = w, w, w
}

// Header returns the fields of the response, to set before the head is
// sent.
func (w *ResponseWriter) Header() *Header { return &w.header }

// WriteHeader sets the status code, 200 unless it is called; it has no
// effect once the head is sent. It panics for a code outside 200 to
// 999 other than 101 Switching Protocols, which is for a response that
// Hijack follows: the 100 Continue that a request may ask for is the
// server's to send, when the handler reads the body.
func (w *ResponseWriter) WriteHeader(status int) {
	if status < 200 && status != 101 || status > 999 {
		panic(fmt.Sprintf("http1: invalid WriteHeader status %d", status))
	}
	if !w.committed && w.status == 0 {
		w.status = status
	}
}

// Write returns a future that writes p as body bytes and is ready with
// len(p), or with the error that broke the connection or the response
// (more than the declared Content-Length).
func (w *ResponseWriter) Write(p []byte) async.Future[async.Result[int]] {
	w.wr.p, w.wr.done = p, 0
	return &w.wr
}

// Flush returns a future that sends the head, if it is not sent, and
// every byte written so far, and is ready once the client took them. A
// flushed response whose length is unknown is chunked.
func (w *ResponseWriter) Flush() async.Future[error] { return &w.fl }

// Send writes a whole response: status, a Content-Length of len(body),
// and body. It returns a future a handler can return as its own; it is
// ready once the body is in the output buffer (or, for a body larger
// than the buffer, written). Send must be the response's only write.
func (w *ResponseWriter) Send(status int, body []byte) async.Future[struct{}] {
	if w.committed || w.written > 0 {
		w.fail(fmt.Errorf("http1: Send after %d bytes of the response were written", w.written))
	} else {
		w.WriteHeader(status)
		w.declared = int64(len(body))
	}
	w.wr.p, w.wr.done = body, 0
	return &w.sd
}

// Written returns the number of body bytes written so far.
func (w *ResponseWriter) Written() int64 { return w.written }

// Committed reports whether the head has been sent (or is in the output
// buffer, on its way): headers and status can no longer change.
func (w *ResponseWriter) Committed() bool { return w.committed }

func (w *ResponseWriter) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// noBody reports whether the response has no body on the wire.
func (w *ResponseWriter) noBody() bool {
	return w.x.head.methodIs("HEAD") || w.status == 204 || w.status == 304 || w.tunnel()
}

// tunnel reports whether the response is a 2xx to CONNECT: what follows
// it is the tunnel's bytes, so it has neither a body nor its framing
// (RFC 9110 section 9.3.6), and the connection is no longer HTTP's: a
// handler that serves the tunnel Hijacks it, and otherwise the server
// closes it.
func (w *ResponseWriter) tunnel() bool {
	return w.status/100 == 2 && w.x.head.methodIs("CONNECT")
}

// lengthField reports whether the head carries Content-Length.
func (w *ResponseWriter) lengthField() bool {
	return w.declared >= 0 && w.status != 204 && w.status != 304 && !w.tunnel()
}

// commit puts the head into the output buffer, before the body bytes
// written so far. final says the handler is done, so the body is whole.
func (w *ResponseWriter) commit(final bool) {
	x := w.x
	if w.status == 0 {
		w.status = 200
	}
	body := len(x.out) - w.bodyStart
	w.userFraming()
	if x.c.willNotDrain() || w.tunnel() {
		w.closeConn = true // and the head says so: RFC 9110 section 10.1.1
	}
	switch {
	case w.noBody():
		w.mode = bodyNone
		if w.declared < 0 && final && w.status != 204 && w.status != 304 {
			w.declared = w.written
		}
	case w.declared >= 0:
		w.mode = bodyLength
	case final:
		w.mode, w.declared = bodyLength, int64(body)
	case x.head.minor == 0:
		w.mode, w.closeConn = bodyUntilClose, true
	default:
		w.mode = bodyChunked
	}
	if w.mode == bodyLength && w.written > w.declared {
		w.fail(fmt.Errorf("http1: handler wrote %d bytes, more than its Content-Length %d", w.written, w.declared))
	}
	if err := w.header.check(); err != nil {
		w.fail(err)
	}
	h := w.appendHead(x.headBuf[:0])
	if w.mode == bodyChunked && body > 0 {
		h = appendChunkHeader(h, body)
	}
	x.headBuf = h
	// Move the body right and put the head before it.
	n := len(x.out)
	x.out = append(x.out, h...)
	copy(x.out[w.bodyStart+len(h):], x.out[w.bodyStart:n])
	copy(x.out[w.bodyStart:], h)
	if w.mode == bodyChunked && body > 0 {
		x.out = append(x.out, crlf...)
	}
	w.committed = true
}

// userFraming takes the framing fields a handler set out of its header:
// a Content-Length declares the body's length; Connection: close closes
// the connection after the response; the server writes both itself. A
// Transfer-Encoding is dropped: the server chunks what needs chunking.
func (w *ResponseWriter) userFraming() {
	if v, ok := w.header.Lookup("Content-Length"); ok {
		n, ok := parseDigits([]byte(v))
		if !ok {
			w.fail(fmt.Errorf("http1: invalid Content-Length %q set by the handler", v))
		} else if w.declared < 0 {
			w.declared = n
		}
		w.header.Del("Content-Length")
	}
	if v, ok := w.header.Lookup("Connection"); ok {
		if equalFoldString(v, "close") {
			w.closeConn = true
		}
		w.header.Del("Connection")
	}
	w.header.Del("Transfer-Encoding")
}

// appendHead appends the status line and fields.
func (w *ResponseWriter) appendHead(b []byte) []byte {
	b = appendStatusLine(b, w.status)
	b = append(b, "Date: "...)
	b = w.x.c.srv.date.append(b, w.x.c.now)
	b = append(b, crlf...)
	b = w.header.appendTo(b)
	switch {
	case w.mode == bodyChunked:
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	case w.lengthField():
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, w.declared, 10)
		b = append(b, crlf...)
	}
	if w.closeConn {
		b = append(b, "Connection: close\r\n"...)
	} else if w.x.head.minor == 0 {
		b = append(b, "Connection: keep-alive\r\n"...)
	}
	return append(b, crlf...)
}

// appendBody appends body bytes after the head, framed by the mode.
func (w *ResponseWriter) appendBody(p []byte) {
	x := w.x
	switch w.mode {
	case bodyNone:
	case bodyLength:
		if w.written+int64(len(p)) > w.declared {
			w.fail(fmt.Errorf("http1: handler wrote more than its Content-Length %d", w.declared))
			return
		}
		x.out = append(x.out, p...)
	case bodyChunked:
		x.out = appendChunk(x.out, p)
	case bodyUntilClose:
		x.out = append(x.out, p...)
	}
	w.written += int64(len(p))
}

// finish ends the response once the handler is done: it sends the head
// if the handler did not, ends a chunked body, and reports whether the
// response was framed as declared. A response that was not must end the
// connection, since the client cannot tell where the next one starts.
func (w *ResponseWriter) finish() (ok bool) {
	if !w.committed {
		w.commit(true)
	}
	switch {
	case w.mode == bodyChunked && w.err == nil:
		w.x.out = append(w.x.out, "0\r\n\r\n"...)
	case w.mode == bodyLength && w.written < w.declared && w.err == nil:
		w.fail(fmt.Errorf("http1: handler wrote %d bytes of its Content-Length %d", w.written, w.declared))
	}
	return w.err == nil
}

// writeFuture is Write's future, and Send's.
type writeFuture struct {
	w    *ResponseWriter
	p    []byte
	done int
}

func (f *writeFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	w, x := f.w, f.w.x
	if !cx.Proceed() {
		cx.Waker().Wake()
		return async.Result[int]{}, false
	}
	for {
		if w.err != nil {
			return async.Err[int](w.err), true
		}
		rest := f.p[f.done:]
		if !w.committed {
			if w.noBody() {
				w.written += int64(len(rest))
				f.done = len(f.p)
				return async.Ok(len(f.p)), true
			}
			if w.declared < 0 && len(x.out)-w.bodyStart+len(rest) <= flushAt {
				x.out = append(x.out, rest...)
				w.written += int64(len(rest))
				f.done = len(f.p)
				return async.Ok(len(f.p)), true
			}
			w.commit(false)
			continue
		}
		if len(rest) == 0 {
			return async.Ok(len(f.p)), true
		}
		piece := min(len(rest), flushAt-len(x.out))
		if piece <= 0 {
			done, err := x.c.flush(cx)
			if err != nil {
				w.fail(err)
				continue
			}
			if !done {
				x.writeWaits = true
				return async.Result[int]{}, false
			}
			x.writeWaits = false
			continue
		}
		w.appendBody(rest[:piece])
		f.done += piece
	}
}

// Cancel leaves what was written in the buffer; the response goes on
// from there, or the server closes the connection.
func (f *writeFuture) Cancel() { f.w.x.writeWaits = false }

// sendFuture is Send's future: the write of the whole body.
type sendFuture struct{ w *ResponseWriter }

func (f *sendFuture) Poll(cx *async.Context) (struct{}, bool) {
	_, ok := f.w.wr.Poll(cx)
	return struct{}{}, ok
}

func (f *sendFuture) Cancel() { f.w.wr.Cancel() }

// flushFuture is Flush's future.
type flushFuture struct{ w *ResponseWriter }

func (f *flushFuture) Poll(cx *async.Context) (error, bool) {
	w, x := f.w, f.w.x
	if w.err != nil {
		return w.err, true
	}
	if !w.committed {
		w.commit(false)
	}
	done, err := x.c.flush(cx)
	if err != nil {
		w.fail(err)
		return err, true
	}
	x.writeWaits = !done
	return nil, done
}

func (f *flushFuture) Cancel() { f.w.x.writeWaits = false }

// Hijack takes the connection from the server, for a protocol that is
// not HTTP from here on (a WebSocket after its 101 response, a CONNECT
// tunnel). It returns the connection and the bytes the server had read
// past the request's head (the start of what the client sent next),
// after writing out any response bytes written so far, with the head if
// one was set. From then on the server neither reads, writes nor closes
// the connection: the handler owns it, may keep it past its future, and
// must close it. Hijack fails if the response is being written by a
// future in flight, or was already hijacked.
//
// It returns a future because the response bytes written so far must
// reach the client before the new protocol starts.
func (w *ResponseWriter) Hijack() async.Future[async.Result[Hijacked]] {
	return &hijackFuture{w: w}
}

// Hijacked is a connection taken from the server by Hijack.
type Hijacked struct {
	Conn     *tcp.Conn
	Buffered []byte // bytes read past the head: the client's next bytes
}

type hijackFuture struct {
	w       *ResponseWriter
	started bool // polled: the head is committed, and its flush may be in flight
}

// errHijackCancelled is what a response whose Hijack was cancelled fails
// with.
var errHijackCancelled = errors.New("http1: Hijack cancelled")

func (f *hijackFuture) Poll(cx *async.Context) (async.Result[Hijacked], bool) {
	w, x := f.w, f.w.x
	c := x.c
	if c.hijacked {
		return async.Err[Hijacked](errors.New("http1: connection hijacked twice")), true
	}
	if w.err != nil {
		return async.Err[Hijacked](w.err), true
	}
	f.started = true
	if w.status != 0 && !w.committed {
		// A head was set (101 Switching Protocols): it goes out as is,
		// without a body and without framing.
		w.mode, w.declared = bodyNone, -1
		w.closeConn = false
		h := w.appendHead(x.headBuf[:0])
		x.headBuf = h
		x.out = append(x.out[:w.bodyStart], h...)
		w.committed = true
	} else if !w.committed {
		w.committed = true // nothing to send
		x.out = x.out[:w.bodyStart]
	}
	done, err := c.flush(cx)
	if err != nil {
		return async.Err[Hijacked](err), true
	}
	if !done {
		return async.Result[Hijacked]{}, false
	}
	buffered := append([]byte(nil), x.in[x.br:x.w]...)
	x.br = x.w
	c.hijacked = true
	x.rw.closeConn = true
	x.detach(&c.srv.pool)
	return async.Ok(Hijacked{Conn: c.c, Buffered: buffered}), true
}

// Cancel stops a hijack whose flush is in flight. The connection cannot
// go on as HTTP after the head it committed (a 101, usually), so the
// response fails: what of the head had not gone out is dropped, the
// handler's writes fail, and the connection closes once the handler
// returns, writing nothing more.
func (f *hijackFuture) Cancel() {
	w, x := f.w, f.w.x
	c := x.c
	if !f.started || c.hijacked {
		return
	}
	f.started = false
	c.c.Write(nil).Cancel() // the flush's write, and its waker
	x.writeWaits = false
	x.out = x.out[:x.sent]
	w.err = errHijackCancelled
	w.closeConn = true
}
