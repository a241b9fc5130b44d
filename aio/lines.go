package aio

import (
	"bytes"

	"github.com/asyncgo/async"
)

// LineReader splits a stream into lines of at most a given length. It
// reads through a buffer of maxLen+2 bytes (a longest line and its "\r\n"),
// allocated once, so it never holds more than that.
//
// Next returns a future that lives in the LineReader and is reused: await
// it (or cancel it) before calling Next again. A LineReader belongs to one
// task at a time.
type LineReader struct {
	b        rbuf
	max      int
	skipping bool // the line in progress was too long: drop it up to its newline
	scanned  int  // bytes of the buffered data already searched for '\n'
	tooLong  error
	next     lineNext
}

// NewLineReader returns a LineReader over r for lines of at most maxLen
// bytes (at least 1), not counting the end of line.
func NewLineReader(r Reader, maxLen int) *LineReader {
	lr := &LineReader{max: max(maxLen, 1)}
	lr.b.init(r, lr.max+2)
	lr.tooLong = &TooLongError{What: "line", Len: -1, Max: lr.max}
	lr.next.lr = lr
	return lr
}

// Next returns a future that is ready with the next line without its end
// of line ("\n" or "\r\n"), as a slice valid until the next call. The last
// line of a stream need not end with a newline; after it, Next is ready
// with io.EOF. A failure of the source is returned after the lines read
// before it, and then again by every call.
//
// A line longer than maxLen is an error wrapping ErrTooLong (a *TooLongError
// naming maxLen), and the stream stays usable: the next call skips the rest
// of that line, reading it through the buffer without keeping it, and
// returns the line after it.
func (lr *LineReader) Next() async.Future[async.Result[[]byte]] {
	lr.scanned = 0
	return &lr.next
}

// Max returns the longest line the LineReader accepts.
func (lr *LineReader) Max() int { return lr.max }

// Buffered returns how many bytes were read from the source and not yet
// returned as lines.
func (lr *LineReader) Buffered() int { return lr.b.w - lr.b.r }

// lineNext is the future of LineReader.Next.
type lineNext struct{ lr *LineReader }

// Poll looks for a newline in the buffer, filling it until there is one,
// the buffer is full, or the stream ends.
func (f *lineNext) Poll(cx *async.Context) (async.Result[[]byte], bool) {
	lr := f.lr
	b := &lr.b
	b.startPoll()
	for {
		data := b.buffered()
		if i := bytes.IndexByte(data[lr.scanned:], '\n'); i >= 0 {
			// The end of a line too long is dropped, not returned: only
			// a line served costs a unit of the budget.
			if !lr.skipping && !b.serve(cx) {
				return giveWay[async.Result[[]byte]](cx)
			}
			end := lr.scanned + i
			b.r += end + 1
			lr.scanned = 0
			if lr.skipping {
				lr.skipping = false
				continue
			}
			return lr.line(data[:end]), true
		}
		lr.scanned = len(data)
		if (b.err != nil || !lr.skipping && b.full()) && !b.serve(cx) {
			return giveWay[async.Result[[]byte]](cx)
		}
		switch {
		case b.err != nil:
			b.r, lr.scanned = b.w, 0
			if len(data) == 0 || lr.skipping {
				lr.skipping = false
				return async.Result[[]byte]{Err: b.err}, true
			}
			return lr.line(data), true // the last line, without a newline
		case lr.skipping && len(data) > 0:
			b.r, lr.scanned = b.w, 0 // drop what was read of the long line
		case b.full():
			b.r, lr.scanned = b.w, 0
			lr.skipping = true
			return async.Result[[]byte]{Err: lr.tooLong}, true
		}
		if !b.fill(cx) {
			return async.Result[[]byte]{}, false
		}
	}
}

// line strips a line's '\r' and checks its length.
func (lr *LineReader) line(s []byte) async.Result[[]byte] {
	if n := len(s); n > 0 && s[n-1] == '\r' {
		s = s[:n-1]
	}
	if len(s) > lr.max {
		return async.Result[[]byte]{Err: lr.tooLong}
	}
	return async.Ok(s)
}

// Cancel cancels the read of the source in flight; what was buffered
// stays.
func (f *lineNext) Cancel() { f.lr.b.cancel() }
