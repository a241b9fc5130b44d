package aio

import (
	"bytes"

	"github.com/asyncgo/async"
)

// MinBufferSize is the smallest buffer NewReader and NewWriter make; a
// smaller size asks for this one.
const MinBufferSize = 16

// eolRoom is the room a BufReader keeps beyond its size for the end of a
// line of Size bytes ("\r\n" at most), so that ReadLine can see that such
// a line ends there, or that the stream does, and return it whole.
const eolRoom = 2

// BufReader reads from a Reader through a buffer of fixed size, like
// bufio.Reader: many small reads, or a search for a delimiter, cost one
// read of the source per buffer. It never holds more than its size and
// two bytes, the room for the end of a line of that size.
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
	size    int // the buffer's size as asked for; b.buf has eolRoom more
	rd      bufRead
	sl      bufSlice
	ln      bufLine
	tooLong error // made on the first line too long, then reused
}

// NewReader returns a BufReader over r with a buffer of size bytes (at
// least MinBufferSize).
func NewReader(r Reader, size int) *BufReader {
	br := &BufReader{size: max(size, MinBufferSize)}
	br.b.init(r, br.size+eolRoom)
	br.rd.br = br
	br.sl.br = br
	br.ln.br = br
	return br
}

// Size returns the size of the buffer.
func (br *BufReader) Size() int { return br.size }

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
// with a slice of the buffer holding the bytes up to and including it, at
// most Size bytes. The slice is valid until the next call on the
// BufReader.
//
// If delim is not among the next Size bytes, the future is ready with
// those bytes (consumed: nothing is lost) and an error wrapping
// ErrTooLong, as bufio.Reader.ReadSlice is with bufio.ErrBufferFull, even
// when the stream ends right after them; the next call goes on with the
// rest. If the stream ends or fails before delim, it is ready with the
// bytes before the end and the error (io.EOF at end).
func (br *BufReader) ReadSlice(delim byte) async.Future[async.Result[[]byte]] {
	br.sl.delim, br.sl.scanned = delim, 0
	return &br.sl
}

// ReadLine returns a future that reads the next line and is ready with it
// without its end of line ("\n" or "\r\n"), as a slice of the buffer valid
// until the next call on the BufReader. A line of at most Size bytes comes
// whole, however it ends.
//
// A longer line comes in pieces: the future is ready with its first Size
// bytes and a *TooLongError, which wraps ErrTooLong; the next calls return
// the rest of the line, Size bytes at a time with the same error, and the
// last piece (never empty) with a nil error. Nothing is lost: a caller
// that accepts long lines appends the pieces, one that does not reads on
// until a nil error to skip the line.
//
// The last line of a stream need not end with a newline: it is returned
// with a nil error, a trailing '\r' included (it ends no line), and the
// next call is ready with io.EOF. A failure of the source is returned in
// the same way, after the bytes read before it.
func (br *BufReader) ReadLine() async.Future[async.Result[[]byte]] {
	br.ln.scanned = 0
	return &br.ln
}

// errTooLong returns the error of a line longer than the buffer, made once.
func (br *BufReader) errTooLong() error {
	if br.tooLong == nil {
		br.tooLong = &TooLongError{What: "line", Len: -1, Max: br.size}
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
	b := &f.br.b
	b.startPoll()
	if len(f.p) == 0 {
		if !b.serve(cx) {
			return giveWay[async.Result[int]](cx)
		}
		return async.Ok(0), true
	}
	for {
		switch {
		case f.direct != nil:
			return f.pollDirect(cx)
		case b.r < b.w || b.err != nil:
			if !b.serve(cx) {
				return giveWay[async.Result[int]](cx)
			}
			if b.r == b.w {
				return f.done(0, b.err), true
			}
			n := copy(f.p, b.buffered())
			b.r += n
			return f.done(n, nil), true
		case len(f.p) >= f.br.size && b.rd == nil:
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

// bufSlice is the future of BufReader.ReadSlice.
type bufSlice struct {
	br      *BufReader
	delim   byte
	scanned int // bytes of the buffered data already searched for delim
}

// Poll searches the first Size buffered bytes for delim, filling the
// buffer until delim, Size bytes or the end of the stream.
func (f *bufSlice) Poll(cx *async.Context) (async.Result[[]byte], bool) {
	br := f.br
	b := &br.b
	b.startPoll()
	for {
		data := b.buffered()
		window := data[:min(len(data), br.size)]
		if i := bytes.IndexByte(window[f.scanned:], f.delim); i >= 0 {
			if !b.serve(cx) {
				return giveWay[async.Result[[]byte]](cx)
			}
			n := f.scanned + i + 1
			b.r += n
			return async.Ok(data[:n]), true
		}
		f.scanned = len(window)
		if (len(window) == br.size || b.err != nil) && !b.serve(cx) {
			return giveWay[async.Result[[]byte]](cx)
		}
		switch {
		case len(window) == br.size:
			// Checked before the end of the stream, so that where the
			// bytes are cut does not depend on how the reads of the
			// source fell.
			b.r += br.size
			return async.Result[[]byte]{Value: window, Err: br.errTooLong()}, true
		case b.err != nil:
			b.r = b.w
			if len(data) == 0 {
				return async.Result[[]byte]{Err: b.err}, true
			}
			return async.Result[[]byte]{Value: data, Err: b.err}, true
		}
		if !b.fill(cx) {
			return async.Result[[]byte]{}, false
		}
	}
}

// Cancel cancels the read of the source in flight.
func (f *bufSlice) Cancel() { f.br.b.cancel() }

// bufLine is the future of BufReader.ReadLine.
type bufLine struct {
	br      *BufReader
	scanned int // bytes of the buffered data already searched for '\n'
}

// Poll searches the buffer for '\n', filling it until there is one, the
// line is known to be longer than Size, or the stream ends. The buffer's
// eolRoom is what lets a line of Size bytes be told from a longer one:
// its end of line, or the end of the stream, fits behind it.
func (f *bufLine) Poll(cx *async.Context) (async.Result[[]byte], bool) {
	br := f.br
	b := &br.b
	b.startPoll()
	for {
		data := b.buffered()
		if i := bytes.IndexByte(data[f.scanned:], '\n'); i >= 0 {
			if !b.serve(cx) {
				return giveWay[async.Result[[]byte]](cx)
			}
			end := f.scanned + i
			line := dropCR(data[:end])
			if len(line) > br.size {
				return f.piece(data), true
			}
			b.r += end + 1
			return async.Ok(line), true
		}
		f.scanned = len(data)
		// No newline yet: a trailing '\r' may be the first half of a
		// "\r\n", and then is no part of the line, unless the stream
		// has ended.
		known := data
		if b.err == nil {
			known = dropCR(data)
		}
		if (len(known) > br.size || b.err != nil) && !b.serve(cx) {
			return giveWay[async.Result[[]byte]](cx)
		}
		switch {
		case len(known) > br.size:
			return f.piece(data), true
		case b.err != nil:
			b.r = b.w
			if len(data) == 0 {
				return async.Result[[]byte]{Err: b.err}, true
			}
			// The last line, without a newline: the end of the stream,
			// which the buffer keeps, is for the next call.
			return async.Ok(data), true
		}
		// Here the buffer holds at most Size bytes and a '\r', so it is
		// not full.
		if !b.fill(cx) {
			return async.Result[[]byte]{}, false
		}
	}
}

// piece consumes and returns the first Size bytes of data, which begins
// a line known to be longer than that. Every one of those bytes belongs
// to the line: none can be the '\r' of its "\r\n".
func (f *bufLine) piece(data []byte) async.Result[[]byte] {
	br := f.br
	br.b.r += br.size
	return async.Result[[]byte]{Value: data[:br.size], Err: br.errTooLong()}
}

// Cancel cancels the read of the source in flight.
func (f *bufLine) Cancel() { f.br.b.cancel() }

// dropCR returns s without a trailing '\r'.
func dropCR(s []byte) []byte {
	if n := len(s); n > 0 && s[n-1] == '\r' {
		return s[:n-1]
	}
	return s
}
