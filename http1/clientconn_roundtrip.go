package http1

import (
	"errors"
	"fmt"
	"io"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
)

// maxInterim is how many 1xx responses may come before the final one.
// Servers send one 100 or one or two 103s; an endless stream of them
// would keep a request waiting forever.
const maxInterim = 16

// roundTrip sends one request on a connection and reads its response head.
// It writes the request (the head, then the body, framed) and reads at
// the same time, as RFC 9112 section 9.5 asks of a client: a server may
// answer before it has read the whole body (a 413, a redirect) and stop
// reading, and a client that only wrote would wait for it forever.
//
// A final response head that arrives before the body is all sent ends the
// writing: the rest of the body is not sent, and the connection is not
// reused. It lives in the Do future and is reused for every attempt.
type roundTrip struct {
	cc  *clientConn
	req *ClientRequest
	lim limits

	// The write side.
	body     aio.Reader
	length   int64 // the body's framing: see sendFraming
	sent     int64 // body bytes sent
	touched  bool  // body was read from: it cannot be sent again as it is
	ws       rtWriteState
	wr       async.Future[async.Result[int]] // the write in flight
	brd      async.Future[async.Result[int]] // the body read in flight
	writeErr error                           // a write to the socket failed
	bodyErr  error                           // the request's Body failed, or ended early
	bodyEnd  error                           // the error a Read returned with bytes, for the next

	// The read side.
	filling  bool  // the connection's fill is in flight
	gotByte  bool  // a byte of the response arrived
	interim  int   // 1xx responses skipped
	headLen  int   // the length of the final head, once read
	headDone bool  // the final head is parsed
	readErr  error // reading or parsing the head failed
}

// rtWriteState is where the write side is.
type rtWriteState uint8

const (
	rtHead rtWriteState = iota // the head is in cc.out, to write
	rtBody                     // the body is being read and written
	rtSent                     // the request is sent
)

// start arms x for req on cc, whose head t gives; closeConn asks the
// server to close the connection after the response.
func (x *roundTrip) start(cc *clientConn, req *ClientRequest, t *clientTarget, body aio.Reader, lim limits, closeConn bool) {
	*x = roundTrip{cc: cc, req: req, lim: lim, body: body, length: sendFraming(req)}
	if body == nil {
		x.length = -1
	}
	cc.head.reset()
	if x.length != -1 && cap(cc.out) < clientOutSize {
		// The body is framed in the buffer the head was written from; a
		// request without one needs only the head's room.
		cc.out = make([]byte, 0, clientOutSize)
	}
	closeConn = closeConn && !wantsClose(&req.Header)
	cc.out = appendRequestHead(cc.out[:0], req, t, x.length, closeConn)
}

// poll drives both sides and reports whether the exchange is over: the
// final response head is parsed, or the exchange failed (see err).
//
// The read side goes first: a body that is always ready to send would
// otherwise spend the task's whole budget at every poll, and the read of
// an early answer would never get its turn.
func (x *roundTrip) poll(cx *async.Context) bool {
	if !x.headDone && x.readErr == nil {
		x.pollRead(cx)
	}
	if x.headDone {
		x.stopWriting()
		return true
	}
	if x.ws != rtSent && x.bodyErr == nil && x.writeErr == nil {
		x.pollWrite(cx)
	}
	return x.bodyErr != nil || x.readErr != nil
}

// err is the error that ended the exchange, and the step it names: the
// request's body, a malformed or missing response, or a failed write.
func (x *roundTrip) err() (op string, err error) {
	var he *headError
	switch {
	case x.bodyErr != nil:
		return "read request body", x.bodyErr
	case errors.As(x.readErr, &he), x.readErr == errTooManyInterim:
		return "read response head", x.readErr
	case x.writeErr != nil:
		// The server closed or reset the connection while the request
		// was going out; the read that followed only saw the end of it.
		return "write request", x.writeErr
	}
	return "read response head", x.readErr
}

// retryable reports whether the request can be sent again on a new
// connection: it failed before any byte of the response, and the body,
// if any, is unread or can be had again.
func (x *roundTrip) retryable() bool {
	if x.gotByte || x.bodyErr != nil {
		return false
	}
	return x.body == nil || !x.touched || x.req.GetBody != nil && isIdempotent(x.req.Method)
}

// stopWriting cancels what the write side has in flight, once the
// response made it moot or the exchange is abandoned.
func (x *roundTrip) stopWriting() {
	if x.wr != nil {
		x.wr.Cancel()
		x.wr = nil
	}
	if x.brd != nil {
		x.brd.Cancel()
		x.brd = nil
	}
}

// cancel abandons the exchange; the caller closes the connection.
func (x *roundTrip) cancel() {
	x.stopWriting()
	if x.filling {
		x.cc.fillF.Cancel()
		x.filling = false
	}
}

// sentAll reports whether the whole request went out.
func (x *roundTrip) sentAll() bool { return x.ws == rtSent && x.writeErr == nil }

// pollWrite writes the head, then reads the body and writes it framed,
// until it is all sent, a write fails, or it must wait.
func (x *roundTrip) pollWrite(cx *async.Context) {
	cc := x.cc
	for {
		if x.wr != nil {
			res, ok := x.wr.Poll(cx)
			if !ok {
				return
			}
			x.wr = nil
			if res.Err != nil {
				x.writeErr = res.Err
				return
			}
		}
		switch x.ws {
		case rtHead:
			x.ws = rtBody
			if x.length == -1 {
				x.ws = rtSent
			}
			x.wr = cc.c.WriteAll(cc.out)
			continue
		case rtSent:
			return
		}
		out, ok := x.readBody(cx)
		if !ok || x.bodyErr != nil {
			return
		}
		if out == nil {
			x.ws = rtSent
			return
		}
		x.wr = cc.c.WriteAll(out)
	}
}

// readBody reads the next piece of the body and returns it framed, ready
// to write; nil when the body is all sent. ok is false while the read
// waits.
func (x *roundTrip) readBody(cx *async.Context) (out []byte, ok bool) {
	cc := x.cc
	buf := cc.out[:cap(cc.out)]
	var region []byte
	switch {
	case x.length >= 0 && x.sent == x.length:
		return nil, true
	case x.length >= 0:
		region = buf[:min(int64(len(buf)), x.length-x.sent)]
	default:
		region = buf[chunkHeadRoom : len(buf)-len(crlf)]
	}
	n, err, ready := x.readSome(cx, region)
	if !ready {
		return nil, false
	}
	x.sent += int64(n)
	switch {
	case n == 0 && err == io.EOF && x.length < 0:
		x.ws = rtSent
		return append(buf[:0], lastChunk...), true
	case n == 0 && err == io.EOF:
		x.bodyErr = fmt.Errorf("body ended after %d of its ContentLength of %d bytes", x.sent, x.length)
		return nil, true
	case n == 0 && err != nil:
		x.bodyErr = err
		return nil, true
	case n == 0:
		x.bodyErr = io.ErrNoProgress
		return nil, true
	}
	if x.length >= 0 {
		return region[:n], true
	}
	h := chunkHeaderLen(n)
	start := chunkHeadRoom - h
	appendChunkHeader(buf[start:start], n)
	end := chunkHeadRoom + n
	copy(buf[end:], crlf)
	return buf[start : end+len(crlf)], true
}

// readSome reads the body into region once. Bytes that come with an
// error are returned first; the error is kept for the next call.
func (x *roundTrip) readSome(cx *async.Context, region []byte) (n int, err error, ok bool) {
	if x.bodyEnd != nil {
		err, x.bodyEnd = x.bodyEnd, nil
		return 0, err, true
	}
	if x.brd == nil {
		x.touched = true
		x.brd = x.body.Read(region)
	}
	res, ok := x.brd.Poll(cx)
	if !ok {
		return 0, nil, false
	}
	x.brd = nil
	if res.Value < 0 || res.Value > len(region) {
		panic(fmt.Sprintf("http1: request body Read returned %d bytes for a buffer of %d", res.Value, len(region)))
	}
	if res.Value > 0 {
		x.bodyEnd = res.Err
		return res.Value, nil, true
	}
	return 0, res.Err, true
}

// pollRead reads until the final response head is parsed, skipping
// interim (1xx) responses, or until reading or parsing fails.
func (x *roundTrip) pollRead(cx *async.Context) {
	cc := x.cc
	for {
		if x.filling {
			err, ok := cc.fillF.Poll(cx)
			if !ok {
				return
			}
			x.filling = false
			if err != nil {
				x.readFailed(err)
				return
			}
			x.gotByte = true
		}
		if cc.wpos > cc.rpos {
			n, err := parseResponseHead(cc.in[cc.rpos:cc.wpos], &x.lim, &cc.head)
			if err != nil {
				x.readErr = err
				return
			}
			if n > 0 {
				if cc.head.status < 200 && cc.head.status != 101 {
					// RFC 9110 section 15.2: a client ignores an interim
					// response it does not expect; the final one follows.
					x.interim++
					if x.interim > maxInterim {
						x.readErr = errTooManyInterim
						return
					}
					cc.consume(n)
					cc.head.reset()
					continue
				}
				x.headLen, x.headDone = n, true
				return
			}
		}
		// The head may be up to its limit, and the parser must see one
		// byte beyond it to say it is too large.
		cc.fillF.limit = x.lim.headerBytes + 1
		x.filling = true
	}
}

// readFailed records the end of the input before the head was whole.
func (x *roundTrip) readFailed(err error) {
	if err == io.EOF {
		if x.gotByte {
			err = errHeadCutShort
		} else {
			err = errServerClosed
		}
	}
	x.readErr = err
}
