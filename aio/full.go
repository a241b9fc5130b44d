package aio

import (
	"io"

	"github.com/asyncgo/async"
)

// ReadFull returns a future that reads exactly len(buf) bytes from r, in
// as many reads as it takes, and is ready with len(buf). If the stream
// ends first it is ready with the bytes read and io.EOF when there were
// none, io.ErrUnexpectedEOF otherwise; another error comes with the bytes
// read before it. Like io.ReadFull.
//
// ReadFull allocates its future; a ReadFullFuture kept in a struct and
// armed with Reset does not.
func ReadFull(r Reader, buf []byte) async.Future[async.Result[int]] {
	return new(ReadFullFuture).Reset(r, buf)
}

// ReadFullFuture is the future of ReadFull, to keep in a struct of one's
// own and reuse: its zero value is idle, and Reset arms it.
type ReadFullFuture struct {
	r   Reader
	buf []byte
	n   int                             // bytes read so far
	rd  async.Future[async.Result[int]] // the Read in flight, or nil
}

// Reset arms f to read len(buf) bytes from r and returns f, to await. A
// previous use must be complete or cancelled.
func (f *ReadFullFuture) Reset(r Reader, buf []byte) async.Future[async.Result[int]] {
	*f = ReadFullFuture{r: r, buf: buf}
	return f
}

// Poll reads until buf is full, the stream ends, or the read must wait.
// An empty buf is ready at once, for a unit of the budget (see giveWay).
func (f *ReadFullFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	if len(f.buf) == 0 && !cx.Proceed() {
		return giveWay[async.Result[int]](cx)
	}
	for f.n < len(f.buf) {
		if f.rd == nil {
			f.rd = f.r.Read(f.buf[f.n:])
		}
		res, ok := f.rd.Poll(cx)
		if !ok {
			return async.Result[int]{}, false
		}
		f.rd = nil
		checkCount("Read", res.Value, len(f.buf)-f.n)
		f.n += res.Value
		switch {
		case res.Err == io.EOF && f.n == 0:
			return f.finish(io.EOF), true
		case res.Err == io.EOF && f.n < len(f.buf):
			return f.finish(io.ErrUnexpectedEOF), true
		case res.Err != nil && res.Err != io.EOF:
			return f.finish(res.Err), true
		case res.Value == 0 && res.Err == nil:
			return f.finish(errNoProgress), true
		}
	}
	return f.finish(nil), true
}

// finish makes the result and drops the references the future held.
func (f *ReadFullFuture) finish(err error) async.Result[int] {
	n := f.n
	*f = ReadFullFuture{}
	return async.Result[int]{Value: n, Err: err}
}

// Cancel cancels the Read in flight.
func (f *ReadFullFuture) Cancel() {
	if f.rd != nil {
		f.rd.Cancel()
	}
	*f = ReadFullFuture{}
}

// WriteAll returns a future that writes all of buf to w, in as many writes
// as it takes, and is ready with len(buf), or with the bytes written before
// an error and the error. It works over any Writer; a stream may offer a
// WriteAll of its own (tcp.Conn does) that saves the loop.
//
// WriteAll allocates its future; a WriteAllFuture kept in a struct and
// armed with Reset does not.
func WriteAll(w Writer, buf []byte) async.Future[async.Result[int]] {
	return new(WriteAllFuture).Reset(w, buf)
}

// WriteAllFuture is the future of WriteAll, to keep in a struct of one's
// own and reuse: its zero value is idle, and Reset arms it.
type WriteAllFuture struct {
	w   Writer
	buf []byte
	n   int                             // bytes written so far
	wr  async.Future[async.Result[int]] // the Write in flight, or nil
}

// Reset arms f to write all of buf to w and returns f, to await. A
// previous use must be complete or cancelled.
func (f *WriteAllFuture) Reset(w Writer, buf []byte) async.Future[async.Result[int]] {
	*f = WriteAllFuture{w: w, buf: buf}
	return f
}

// Poll writes until buf is written, a write fails, or it must wait. An
// empty buf is ready at once, for a unit of the budget (see giveWay).
func (f *WriteAllFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	if len(f.buf) == 0 && !cx.Proceed() {
		return giveWay[async.Result[int]](cx)
	}
	for f.n < len(f.buf) {
		if f.wr == nil {
			f.wr = f.w.Write(f.buf[f.n:])
		}
		res, ok := f.wr.Poll(cx)
		if !ok {
			return async.Result[int]{}, false
		}
		f.wr = nil
		checkCount("Write", res.Value, len(f.buf)-f.n)
		f.n += res.Value
		if res.Err != nil {
			return f.finish(res.Err), true
		}
		if res.Value == 0 {
			return f.finish(errShortWrite), true
		}
	}
	return f.finish(nil), true
}

// finish makes the result and drops the references the future held.
func (f *WriteAllFuture) finish(err error) async.Result[int] {
	n := f.n
	*f = WriteAllFuture{}
	return async.Result[int]{Value: n, Err: err}
}

// Cancel cancels the Write in flight. Bytes already written stay written.
func (f *WriteAllFuture) Cancel() {
	if f.wr != nil {
		f.wr.Cancel()
	}
	*f = WriteAllFuture{}
}
