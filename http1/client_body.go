package http1

import (
	"errors"
	"fmt"
	"io"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
)

// Response is a response the Client received: its head, parsed and
// copied, and its body, a stream still on the connection.
type Response struct {
	StatusCode int    // 200
	Reason     string // the reason phrase as sent: "OK"; servers may send none
	Proto      string // "HTTP/1.1" or "HTTP/1.0"
	Header     Header // the fields in the order received; names as sent

	// ContentLength is the length of the body the server declared, or -1
	// if it did not (a chunked body, or one that the end of the
	// connection ends). For a response to HEAD it is the length a GET
	// would have had; Body is empty.
	ContentLength int64

	// Body is the body, never nil. Read it to io.EOF or Close it: until
	// then the connection is busy, and counts against MaxPerHost.
	Body *ResponseBody

	// Request is the request this is the response to: the last of the
	// redirects followed.
	Request *ClientRequest
}

// ResponseBody is the body of a Response, read from its connection as
// the caller reads it (an aio.Reader): a large body never sits whole in
// memory, and a caller that reads slowly slows the server down.
//
// A body read to its io.EOF gives its connection back to the pool, for
// the next request to the host; so does one closed once all of it has
// arrived. Close of a body not all read discards what has arrived and,
// if that was not the end, closes the connection: reading on to the end
// of a large body to save a connection costs more than a new one.
//
// A Read that is cancelled (a lost Select, a timer.Timeout, an aborted
// task) closes the connection and ends the body: the client cannot know
// whether anyone will come back to read on, and a connection waiting for
// a reader that is gone would never be freed. Later Reads fail.
//
// Errors other than io.EOF are *Error values, with Op "read body": a
// connection that ended before the body did wraps io.ErrUnexpectedEOF.
// A ResponseBody belongs to one task at a time; its Read future is reused
// by every call, as aio's readers' are.
type ResponseBody struct {
	cc       *clientConn // nil once the body ended, failed or was closed
	keep     bool        // the connection may be reused once the body ends
	switched bool        // a 101: the connection waits for Hijack, and the body is empty
	req      *ClientRequest
	err      error // what Read returns once cc is nil
	rd       responseRead
}

var _ aio.Reader = (*ResponseBody)(nil)

// errBodyClosed is the cause of a Read after Close.
var errBodyClosed = errors.New("read after Close")

// Read returns a future that reads body bytes into p: ready with n > 0,
// or 0 and io.EOF at the end of the body, or an error.
func (b *ResponseBody) Read(p []byte) async.Future[async.Result[int]] {
	if b.switched {
		return async.Ready(async.Result[int]{Err: io.EOF})
	}
	b.rd.b, b.rd.p = b, p
	return &b.rd
}

// Hijack takes the connection of a 101 Switching Protocols response, for
// the protocol the request asked to upgrade to (a WebSocket): the
// connection, and the bytes the server sent after the response's head.
// The Client lets go of it (it no longer counts against MaxPerHost), and
// the caller must close it. Hijack fails for any other response, and
// after the body was closed. Until Hijack, the body of a 101 is empty
// and closing it closes the connection.
func (r *Response) Hijack() (Hijacked, error) {
	b := r.Body
	if !b.switched {
		return Hijacked{}, newError(r.Request, "hijack", fmt.Errorf("status %d, not 101 Switching Protocols", r.StatusCode))
	}
	cc := b.cc
	if cc == nil {
		return Hijacked{}, newError(r.Request, "hijack", errors.New("connection already hijacked or closed"))
	}
	b.cc, b.err = nil, io.EOF
	h := Hijacked{Conn: cc.c, Buffered: append([]byte(nil), cc.buffered()...)}
	cc.fillF.Cancel()
	cc.body.cancelFill()
	cc.pool.forget()
	return h, nil
}

// Close ends the body: the connection is given back to the pool if the
// whole body has arrived, and closed otherwise. Close never fails; it
// returns nil. Cancel a Read in flight before closing.
func (b *ResponseBody) Close() error {
	if b.cc == nil {
		b.err = newError(b.req, "read body", errBodyClosed)
		return nil
	}
	reusable := b.keep && b.cc.drainBuffered()
	b.release(reusable, newError(b.req, "read body", errBodyClosed))
	return nil
}

// release gives the connection back and makes err what Read returns.
func (b *ResponseBody) release(reusable bool, err error) {
	cc := b.cc
	b.cc, b.err = nil, err
	cc.pool.release(cc, reusable)
}

// responseRead is the future of ResponseBody.Read.
type responseRead struct {
	b     *ResponseBody
	p     []byte
	inner async.Future[async.Result[int]] // the body reader's Read in flight
}

// Poll reads through the connection's body reader. The read that
// reaches the end of the body gives the connection back at once, so a
// caller that stops after the last byte (without a Read that returns
// io.EOF) frees it too.
func (f *responseRead) Poll(cx *async.Context) (async.Result[int], bool) {
	b := f.b
	if b.cc == nil {
		if !cx.Proceed() {
			return bodyGiveWay[async.Result[int]](cx)
		}
		return async.Err[int](b.err), true
	}
	if f.inner == nil {
		f.inner = b.cc.body.Read(f.p)
	}
	res, ok := f.inner.Poll(cx)
	if !ok {
		return res, false
	}
	f.inner, f.p = nil, nil
	switch {
	case res.Err == io.EOF:
		b.release(b.keep && b.cc.body.reusable(), io.EOF)
		return async.Result[int]{Err: io.EOF}, true
	case res.Err != nil:
		b.release(false, newError(b.req, "read body", res.Err))
		return async.Result[int]{Value: res.Value, Err: b.err}, true
	case b.cc.body.err == io.EOF:
		// The last bytes: the next Read returns io.EOF.
		b.release(b.keep && b.cc.body.reusable(), io.EOF)
	}
	return res, true
}

// Cancel abandons the read: the connection is closed.
func (f *responseRead) Cancel() {
	b := f.b
	f.p = nil
	if f.inner != nil {
		f.inner.Cancel()
		f.inner = nil
	}
	if b.cc != nil {
		b.release(false, newError(b.req, "read body", errBodyCancelled))
	}
}

// newResponse makes the response of x, whose final head is parsed, and
// arms the connection's body reader for its body. keep says whether the
// connection may serve another request once the body is read.
func newResponse(x *roundTrip, keep bool) *Response {
	cc, h := x.cc, &x.cc.head
	// One allocation holds the response and its body, one string the
	// whole head (the fields are its substrings), and one slice the
	// fields.
	both := &struct {
		resp Response
		body ResponseBody
	}{}
	s := string(h.fields.buf)
	resp := &both.resp
	*resp = Response{
		StatusCode:    h.status,
		Reason:        s[h.reasonAt.off:h.reasonAt.end],
		Proto:         "HTTP/1.1",
		ContentLength: h.contentLength,
		Request:       x.req,
	}
	if h.minor == 0 {
		resp.Proto = "HTTP/1.0"
	}
	resp.Header.list = make([]headerField, 0, len(h.fields.list))
	for _, f := range h.fields.list {
		resp.Header.Add(s[f.name.off:f.name.end], s[f.value.off:f.value.end])
	}
	if h.hasTE {
		resp.ContentLength = -1
	}
	method := []byte(x.req.Method)
	kind := bodyNone
	switch responseFraming(method, h) {
	case framingLength:
		kind = bodyLength
	case framingChunked:
		kind = bodyChunked
	case framingClose:
		kind = bodyUntilClose
	}
	keep = keep && responseKeepAlive(method, h)
	cc.consume(x.headLen)
	b := &both.body
	if h.status == 101 {
		// The connection speaks another protocol now: it stays with the
		// response until Hijack takes it, or Close closes it.
		*b = ResponseBody{cc: cc, req: x.req, switched: true}
		resp.Body = b
		return resp
	}
	*b = ResponseBody{cc: cc, keep: keep, req: x.req}
	if err := cc.body.reset(cc, kind, max(h.contentLength, 0), clientBodyLimits()); err != nil {
		b.release(false, newError(x.req, "read body", err))
	} else if cc.body.err == io.EOF {
		// No body, or an empty one: the connection is free now.
		b.release(keep && cc.body.reusable(), io.EOF)
	}
	resp.Body = b
	return resp
}

// ReadAll returns a future that reads the rest of the body and is ready
// with it, or with the bytes read and the error that stopped it. A body
// longer than max bytes is an error wrapping aio.ErrTooLong, and the
// body is closed: max bounds what one response can make the caller hold.
func (b *ResponseBody) ReadAll(max int) async.Future[async.Result[[]byte]] {
	return &readAll{b: b, max: max}
}

// readAll is the future of ResponseBody.ReadAll.
type readAll struct {
	b   *ResponseBody
	max int
	buf []byte
	rd  async.Future[async.Result[int]]
}

// Poll reads into buf, growing it, until the end of the body.
func (f *readAll) Poll(cx *async.Context) (async.Result[[]byte], bool) {
	for {
		if f.rd == nil {
			if len(f.buf) == cap(f.buf) {
				f.buf = append(f.buf, 0)[:len(f.buf)]
			}
			// One byte beyond max tells a body of max bytes from a
			// longer one.
			room := min(cap(f.buf), f.max+1)
			if room == len(f.buf) {
				f.b.Close()
				err := &aio.TooLongError{What: "body", Len: -1, Max: f.max}
				return async.Result[[]byte]{Value: f.buf[:f.max], Err: newError(f.b.req, "read body", err)}, true
			}
			f.rd = f.b.Read(f.buf[len(f.buf):room])
		}
		res, ok := f.rd.Poll(cx)
		if !ok {
			return async.Result[[]byte]{}, false
		}
		f.rd = nil
		f.buf = f.buf[:len(f.buf)+res.Value]
		switch {
		case res.Err == io.EOF:
			return async.Ok(f.buf), true
		case res.Err != nil:
			return async.Result[[]byte]{Value: f.buf, Err: res.Err}, true
		}
	}
}

// Cancel cancels the Read in flight, which closes the connection.
func (f *readAll) Cancel() {
	if f.rd != nil {
		f.rd.Cancel()
		f.rd = nil
	}
}
