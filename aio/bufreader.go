package aio

import (
	"bytes"

	"github.com/asyncgo/async"
)

// MinBufferSize is the smallest buffer NewReader and NewWriter make; a
// smaller size asks for this one.
const MinBufferSize = 16

// BufReader reads from a Reader through a buffer of fixed size, like
// bufio.Reader: many small reads, or a search for a delimiter, cost one
// read of the source per buffer. It never holds more than its size.
//
// Read, ReadSlice and ReadLine return futures that live in the BufReader
// and are reused: one call may be in flight at a time; await it (or cancel
// it) before the next. Cancelling one keeps what was buffered. A BufReader
// belongs to one task at a time.
//
// Once the source fails or ends, the BufReader returns what it buffered
// and then that error (io.EOF at end) to every call: it does not read the
// source again.
type BufReader struct {
	b       rbuf
	rd      bufRead
	sl      bufSlice
	tooLong error // made on the first line too long, then reused
}

// NewReader returns a BufReader over r with a buffer of size bytes (at
// least MinBufferSize).
func NewReader(r Reader, size int) *BufReader {
	br := &BufReader{}
	br.b.init(r, max(size, MinBufferSize))
	br.rd.br = br
	br.sl.br = br
	return br
}

// Size returns the size of the buffer.
func (br *BufReader) Size() int { return len(br.b.buf) }

// Buffered returns how many bytes can be read without reading the source.
func (br *BufReader) Buffered() int { return br.b.w - br.b.r }

// Read returns a future that reads into p and is ready with how many
// bytes it read: at least one (unless p is empty), from the buffer if it
// holds any, otherwise after one read of the source (straight into p when
// p is at least as large as the buffer). At end of stream it is ready with
// 0 and io.EOF.
func (br *BufReader) Read(p []byte) async.Future[async.Result[int]] {
	br.rd.p = p
	return &br.rd
}

// ReadSlice returns a future that reads until the first delim and is ready
// with a slice of the buffer holding the bytes up to and including it.
// The slice is valid until the next call on the BufReader.
//
// If the buffer fills before delim appears, the future is ready with the
// whole buffer (Size bytes, consumed: nothing is lost) and an error
// wrapping ErrTooLong; the next call goes on with the rest of the line. If
// the stream ends or fails before delim, it is ready with the bytes
// before the end and the error (io.EOF at end).
func (br *BufReader) ReadSlice(delim byte) async.Future[async.Result[[]byte]] {
	br.sl.delim, br.sl.line, br.sl.scanned = delim, false, 0
	return &br.sl
}

// ReadLine returns a future that reads the next line and is ready with it
// without its end of line ("\n" or "\r\n"), as a slice of the buffer valid
// until the next call on the BufReader.
//
// A line longer than the buffer comes in pieces: the future is ready with
// its first bytes (a whole buffer but a trailing '\r', kept back so that
// a "\r\n" split between two pieces is still seen as one end of line) and
// a *TooLongError, which wraps ErrTooLong; the next calls
// return the rest of the line, the last piece with a nil error. Nothing is
// lost: a caller that accepts long lines appends the pieces, one that
// does not reads on until a nil error to skip the line.
//
// The last line of a stream need not end with a newline: it is returned
// with a nil error, and the next call is ready with io.EOF.
func (br *BufReader) ReadLine() async.Future[async.Result[[]byte]] {
	br.sl.delim, br.sl.line, br.sl.scanned = '\n', true, 0
	return &br.sl
}

// errTooLong returns the error of a line longer than the buffer, made once.
func (br *BufReader) errTooLong() error {
	if br.tooLong == nil {
		br.tooLong = &TooLongError{What: "line", Len: -1, Max: len(br.b.buf)}
	}
	return br.tooLong
}

// bufRead is the future of BufReader.Read.
type bufRead struct {
	br     *BufReader
	p      []byte
	direct async.Future[async.Result[int]] // a Read of the source straight into p, or nil
}

// Poll copies from the buffer, filling it first if it is empty.
func (f *bufRead) Poll(cx *async.Context) (async.Result[int], bool) {
	if len(f.p) == 0 {
		return async.Ok(0), true
	}
	b := &f.br.b
	for {
		switch {
		case f.direct != nil:
			return f.pollDirect(cx)
		case b.r < b.w:
			n := copy(f.p, b.buffered())
			b.r += n
			return f.done(n, nil), true
		case b.err != nil:
			return f.done(0, b.err), true
		case len(f.p) >= len(b.buf) && b.rd == nil:
			// Buffering would only add a copy.
			f.direct = b.src.Read(f.p)
			return f.pollDirect(cx)
		}
		if !b.fill(cx) {
			return async.Result[int]{}, false
		}
	}
}

// pollDirect polls the read of the source into p. An error that comes
// with bytes is kept for the next call, so that the future is ready with
// bytes or an error, never both.
func (f *bufRead) pollDirect(cx *async.Context) (async.Result[int], bool) {
	res, ok := f.direct.Poll(cx)
	if !ok {
		return async.Result[int]{}, false
	}
	f.direct = nil
	checkCount("Read", res.Value, len(f.p))
	b := &f.br.b
	switch {
	case res.Err != nil:
		b.err = res.Err
	case res.Value == 0:
		b.err = errNoProgress
	}
	if res.Value > 0 {
		return f.done(res.Value, nil), true
	}
	return f.done(0, b.err), true
}

func (f *bufRead) done(n int, err error) async.Result[int] {
	f.p = nil
	return async.Result[int]{Value: n, Err: err}
}

// Cancel cancels the read of the source in flight.
func (f *bufRead) Cancel() {
	if f.direct != nil {
		f.direct.Cancel()
		f.direct = nil
	}
	f.br.b.cancel()
	f.p = nil
}

// bufSlice is the future of BufReader.ReadSlice and ReadLine.
type bufSlice struct {
	br      *BufReader
	delim   byte
	line    bool // ReadLine: strip the end of line, report the end of stream apart
	scanned int  // bytes of the buffered data already searched for delim
}

// Poll searches the buffer for delim, filling it until delim, a full
// buffer or the end of the stream.
func (f *bufSlice) Poll(cx *async.Context) (async.Result[[]byte], bool) {
	b := &f.br.b
	for {
		data := b.buffered()
		if i := bytes.IndexByte(data[f.scanned:], f.delim); i >= 0 {
			n := f.scanned + i + 1
			b.r += n
			return f.ready(data[:n], nil), true
		}
		f.scanned = len(data)
		switch {
		case b.err != nil:
			b.r = b.w
			return f.ready(data, b.err), true
		case b.full():
			b.r = b.w
			return f.ready(data, f.br.errTooLong()), true
		}
		if !b.fill(cx) {
			return async.Result[[]byte]{}, false
		}
	}
}

// ready makes the result of a ReadSlice, or of a ReadLine.
func (f *bufSlice) ready(s []byte, err error) async.Result[[]byte] {
	switch {
	case len(s) == 0:
		return async.Result[[]byte]{Err: err}
	case !f.line:
		return async.Result[[]byte]{Value: s, Err: err}
	case err == nil:
		s = s[:len(s)-1]
		if n := len(s); n > 0 && s[n-1] == '\r' {
			s = s[:n-1]
		}
		return async.Ok(s)
	case err == f.br.tooLong:
		if n := len(s); s[n-1] == '\r' {
			f.br.b.r-- // see ReadLine
			s = s[:n-1]
		}
		return async.Result[[]byte]{Value: s, Err: err}
	}
	// The last line, without a newline: the end of the stream, which the
	// buffer keeps, is for the next call.
	return async.Ok(s)
}

// Cancel cancels the read of the source in flight.
func (f *bufSlice) Cancel() { f.br.b.cancel() }
