package http1

import (
	"io"
	"math"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
)

// bodySource is the input of a connection as a body reads it: a buffer
// that the head parser and the bodies of the messages share, in turn.
// The connection implements it over its socket.
type bodySource interface {
	// buffered returns the bytes read and not yet consumed. The slice is
	// valid until the next consume or fill.
	buffered() []byte
	// consume discards the first n buffered bytes.
	consume(n int)
	// fill returns a future that reads more into the buffer and is ready
	// with nil once at least one more byte is buffered, or with the error
	// that ended the input (io.EOF at its end). The future is the
	// source's own, reused: one fill is in flight at a time, and a
	// cancelled one keeps what was buffered. A bodyReader asks for a fill
	// only when it consumed all that was buffered.
	fill() async.Future[error]
}

// bodyKind is how a message's body is framed (RFC 9112 section 6.3).
type bodyKind uint8

const (
	bodyNone       bodyKind = iota // no body: a GET, a 204, a response to HEAD
	bodyLength                     // Content-Length bytes
	bodyChunked                    // Transfer-Encoding: chunked
	bodyUntilClose                 // a response with neither, which the connection's end ends
)

// bodyReader reads a message's body from a bodySource, through the
// decoder of its framing: it is the aio.Reader a handler reads a request
// body with (and a client a response body). It reads the source only
// when a Read finds nothing buffered, so a handler that does not read
// leaves the peer's bytes in the socket and the peer waits
// (backpressure); it holds nothing of its own but the decoder's state.
//
// Read and drain return futures that live in the bodyReader and are
// reused: one call may be in flight at a time. A bodyReader belongs to
// one task at a time and is reused for every message of a connection
// (reset), so reading allocates nothing. Its futures point back at it:
// it must not be copied once reset.
type bodyReader struct {
	src     bodySource
	kind    bodyKind
	length  lengthDecoder
	chunked chunkedDecoder
	limit   int64               // the most bytes of a bodyUntilClose
	n       int64               // bytes of a bodyUntilClose so far
	err     error               // io.EOF once the body ended, or what it failed with; sticky
	fill    async.Future[error] // the fill of the source in flight, or nil
	rd      bodyRead
	dr      bodyDrain
}

var _ aio.Reader = (*bodyReader)(nil)

// reset arms r to read a body of kind from src under limits; length is
// the Content-Length of a bodyLength. A length over the limit is a 413
// error, returned now and by every Read.
func (r *bodyReader) reset(src bodySource, kind bodyKind, length int64, limits bodyLimits) error {
	r.cancelFill()
	r.src, r.kind, r.err = src, kind, nil
	r.rd.r, r.dr.r = r, r
	switch kind {
	case bodyNone:
		r.err = io.EOF
	case bodyLength:
		r.err = r.length.reset(length, limits.body)
		if r.err == nil && length == 0 {
			r.err = io.EOF
		}
	case bodyChunked:
		r.chunked.reset(limits)
	case bodyUntilClose:
		r.limit, r.n = limits.body, 0
	}
	if r.err == io.EOF {
		return nil
	}
	return r.err
}

// Read returns a future that reads body bytes into p, at least one (unless
// p is empty), and is ready with how many; at the end of the body it is
// ready with 0 and io.EOF. A malformed body is a *bodyError (400, or 413
// for a body over the limit); a connection that ends inside the body is
// one that wraps io.ErrUnexpectedEOF.
func (r *bodyReader) Read(p []byte) async.Future[async.Result[int]] {
	r.rd.p = p
	return &r.rd
}

// drain returns a future that reads and discards the rest of the body,
// at most limit bytes of it, and is ready with whether the connection can
// be reused: the body ended within the limit, so the next message starts
// at the source's next byte. It is false for a body over the limit, a
// malformed one, one cut short, or one that only the connection's end
// ends: the server then closes the connection rather than read on.
func (r *bodyReader) drain(limit int64) async.Future[bool] {
	r.dr.left = limit
	return &r.dr
}

// reusable reports whether the body was read to its end and the
// connection is at the start of the next message.
func (r *bodyReader) reusable() bool {
	return r.err == io.EOF && r.kind != bodyUntilClose
}

// nextStatus is what bodyReader.next found.
type nextStatus uint8

const (
	nextPending nextStatus = iota // the source is being read
	nextData                      // a span of data
	nextEnd                       // the end of the body, or an error: r.err says which
	nextLimit                     // data follows, but the caller asked for none
)

// next finds the next span of body data, at most maxData bytes: it
// consumes the framing before it, reading the source when all that was
// buffered is consumed, and returns the data, still buffered, with the
// count of bytes to consume once the caller used it, and whether that
// ends the body. Only the source's fill takes the task's budget.
func (r *bodyReader) next(cx *async.Context, maxData int) (consumed int, data []byte, done bool, st nextStatus) {
	for {
		if r.err != nil {
			return 0, nil, false, nextEnd
		}
		if r.fill != nil {
			err, ok := r.fill.Poll(cx)
			if !ok {
				return 0, nil, false, nextPending
			}
			r.fill = nil
			if err != nil {
				r.sourceEnded(err)
				continue
			}
		}
		in := r.src.buffered()
		consumed, data, done, err := r.decode(in, maxData)
		switch {
		case len(data) > 0:
			return consumed, data, done, nextData
		case err != nil:
			r.src.consume(consumed)
			r.err = err
		case done:
			r.src.consume(consumed)
			r.err = io.EOF
		case consumed < len(in):
			// Stopped at data, maxData being 0.
			r.src.consume(consumed)
			return 0, nil, false, nextLimit
		default:
			r.src.consume(consumed)
			r.fill = r.src.fill()
		}
	}
}

// decode decodes in by the body's framing; see chunkedDecoder.decode.
func (r *bodyReader) decode(in []byte, maxData int) (int, []byte, bool, error) {
	switch r.kind {
	case bodyLength:
		return r.length.decode(in, maxData)
	case bodyChunked:
		return r.chunked.decode(in, maxData)
	case bodyUntilClose:
		// The bytes up to the limit are body; the first beyond it is
		// the error.
		if r.n == r.limit && len(in) > 0 {
			return 0, nil, false, errBodyTooLarge(r.limit)
		}
		n := int(min(int64(len(in)), int64(max(maxData, 0)), r.limit-r.n))
		r.n += int64(n)
		return n, in[:n], false, nil
	}
	return 0, nil, true, nil
}

// sourceEnded records the end of the source: the end of a body that
// only the connection's end ends, else a body cut short.
func (r *bodyReader) sourceEnded(err error) {
	switch {
	case err != io.EOF:
		r.err = err
	case r.kind == bodyUntilClose:
		r.err = io.EOF
	default:
		r.err = errBodyCutShort
	}
	if len(r.src.buffered()) > 0 {
		// The source broke its contract: a fill that failed buffered
		// bytes the decoder has not seen.
		panic("http1: a body source's fill failed with bytes buffered")
	}
}

// cancelFill cancels the fill in flight, if any; what it buffered stays.
func (r *bodyReader) cancelFill() {
	if r.fill != nil {
		r.fill.Cancel()
		r.fill = nil
	}
}

// bodyRead is the future of bodyReader.Read.
type bodyRead struct {
	r *bodyReader
	p []byte
}

// Poll copies the next span of body data into p.
func (f *bodyRead) Poll(cx *async.Context) (async.Result[int], bool) {
	r := f.r
	if r.fill == nil && !cx.Proceed() {
		// Served from the buffer without waiting: a unit of the budget,
		// as aio's readers take (a fill in flight takes its own).
		return bodyGiveWay[async.Result[int]](cx)
	}
	if len(f.p) == 0 {
		return async.Ok(0), true
	}
	consumed, data, done, st := r.next(cx, len(f.p))
	switch st {
	case nextPending:
		return async.Result[int]{}, false
	case nextEnd:
		f.p = nil
		return async.Err[int](r.err), true
	}
	n := copy(f.p, data)
	r.src.consume(consumed)
	if done {
		r.err = io.EOF
	}
	f.p = nil
	return async.Ok(n), true
}

// Cancel cancels the fill in flight. Nothing is lost: bytes the fill
// buffered stay in the source for the next Read.
func (f *bodyRead) Cancel() {
	f.r.cancelFill()
	f.p = nil
}

// bodyDrain is the future of bodyReader.drain.
type bodyDrain struct {
	r    *bodyReader
	left int64 // body bytes it may still discard
}

// Poll discards spans of body data until the end of the body, the limit
// or an error. Each span served from the buffer takes a unit of the
// budget, so a drain of a body already buffered gives way as reads do.
func (f *bodyDrain) Poll(cx *async.Context) (bool, bool) {
	r := f.r
	if r.kind == bodyUntilClose {
		return false, true
	}
	for {
		if r.fill == nil && r.err == nil && !cx.Proceed() {
			return bodyGiveWay[bool](cx)
		}
		consumed, data, done, st := r.next(cx, int(min(f.left, math.MaxInt)))
		switch st {
		case nextPending:
			return false, false
		case nextEnd:
			return r.reusable(), true
		case nextLimit:
			return false, true
		}
		f.left -= int64(len(data))
		r.src.consume(consumed)
		if done {
			r.err = io.EOF
		}
	}
}

// Cancel cancels the fill in flight.
func (f *bodyDrain) Cancel() { f.r.cancelFill() }

// bodyGiveWay is what a future returns when the task's cooperative
// budget is spent: it wakes the task, so that the executor polls it again
// after the others, and is pending, having consumed nothing.
func bodyGiveWay[T any](cx *async.Context) (T, bool) {
	cx.Waker().Wake()
	var zero T
	return zero, false
}
