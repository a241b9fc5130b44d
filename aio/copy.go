package aio

import (
	"io"

	"github.com/asyncgo/async"
)

// CopyBufferSize is the size of the buffer Copy and CopyBidirectional
// allocate when the caller gives none: io.Copy's size, large enough that a
// bulk transfer costs few system calls per megabyte.
const CopyBufferSize = 32 << 10

// Copy returns a future that copies from src to dst until src reaches end
// of stream, and is ready with the number of bytes copied, or with the
// bytes copied before an error and the error. End of stream is not an
// error. Like io.Copy, but through buf: the caller's buffer, or, when buf
// is empty, one of CopyBufferSize that Copy allocates once.
//
// Copy reads into buf and writes out what it read before reading again, so
// it holds at most len(buf) bytes: a slow dst slows the reading of src
// (backpressure). Copy does not flush dst: if dst buffers (a BufWriter),
// flush it after the copy.
func Copy(dst Writer, src Reader, buf []byte) async.Future[async.Result[int64]] {
	c := new(copier)
	c.init(dst, src, buf)
	return c
}

// copier is the state machine of Copy, and of each direction of
// CopyBidirectional: read into buf, write it all out, again, until end of
// stream. Only the polling task touches it.
type copier struct {
	dst   Writer
	src   Reader
	buf   []byte
	w, n  int   // buf[w:n] was read and is not yet written
	total int64 // bytes written
	eof   bool  // src reached end of stream; write out buf[w:n] and finish
	err   error // what ends the copy: src failed (reported once buf[w:n] is written) or dst did

	rd async.Future[async.Result[int]] // the Read in flight, or nil
	wr async.Future[async.Result[int]] // the Write in flight, or nil
}

func (c *copier) init(dst Writer, src Reader, buf []byte) {
	if len(buf) == 0 {
		buf = make([]byte, CopyBufferSize)
	}
	*c = copier{dst: dst, src: src, buf: buf}
}

// Poll alternates between writing out what was read and reading more.
func (c *copier) Poll(cx *async.Context) (async.Result[int64], bool) {
	for {
		if !c.writeOut(cx) {
			return async.Result[int64]{}, false
		}
		if c.err != nil {
			return c.finish(c.err), true
		}
		if c.eof {
			return c.finish(nil), true
		}
		if !c.readIn(cx) {
			return async.Result[int64]{}, false
		}
	}
}

// writeOut writes buf[w:n] and reports whether it is done (or failed, with
// err set to the failure); false means pending.
func (c *copier) writeOut(cx *async.Context) bool {
	for c.w < c.n {
		if c.wr == nil {
			c.wr = c.dst.Write(c.buf[c.w:c.n])
		}
		res, ok := c.wr.Poll(cx)
		if !ok {
			return false
		}
		c.wr = nil
		checkCount("Write", res.Value, c.n-c.w)
		c.w += res.Value
		c.total += int64(res.Value)
		if res.Err == nil && res.Value == 0 {
			res.Err = errShortWrite
		}
		if res.Err != nil {
			// The write error wins over whatever the read said: the
			// copy stops here.
			c.err, c.w, c.n = res.Err, 0, 0
			return true
		}
	}
	return true
}

// readIn reads once into buf and reports whether the read is done; false
// means pending.
func (c *copier) readIn(cx *async.Context) bool {
	if c.rd == nil {
		// One unit of budget per chunk, as tokio's copy takes: a source
		// and a sink that are always ready and do not count themselves
		// (in-memory ones) must still let other tasks run.
		if !cx.Proceed() {
			cx.Waker().Wake()
			return false
		}
		c.w, c.n = 0, 0
		c.rd = c.src.Read(c.buf)
	}
	res, ok := c.rd.Poll(cx)
	if !ok {
		return false
	}
	c.rd = nil
	checkCount("Read", res.Value, len(c.buf))
	c.n = res.Value
	switch {
	case res.Err == io.EOF:
		c.eof = true
	case res.Err != nil:
		c.err = res.Err
	case res.Value == 0:
		c.err = errNoProgress
	}
	return true
}

// finish makes the result. The copier keeps its buffer, which
// CopyBidirectional's caller may have lent, but no future.
func (c *copier) finish(err error) async.Result[int64] {
	return async.Result[int64]{Value: c.total, Err: err}
}

// Cancel cancels the Read and the Write in flight.
func (c *copier) Cancel() {
	if c.rd != nil {
		c.rd.Cancel()
		c.rd = nil
	}
	if c.wr != nil {
		c.wr.Cancel()
		c.wr = nil
	}
}
