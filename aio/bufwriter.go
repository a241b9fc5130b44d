package aio

import "github.com/asyncgo/async"

// BufWriter writes to a Writer through a buffer of fixed size, like
// bufio.Writer: small writes are gathered and reach the destination in one
// write when the buffer fills or on Flush.
//
// The buffer is the bound: a BufWriter never holds more than Size bytes.
// A Write copies what fits; when the buffer is full it writes it out and
// waits for the destination to take all of it before copying more, so a
// slow peer makes Write wait (backpressure) instead of letting memory
// grow. A Write of at least Size bytes into an empty buffer goes straight
// to the destination.
//
// Write and Flush return futures that live in the BufWriter and are
// reused: one call may be in flight at a time; await it (or cancel it)
// before the next. A BufWriter belongs to one task at a time.
//
// Once a write to the destination fails, the BufWriter keeps the bytes it
// could not write and returns that error to every later call.
type BufWriter struct {
	dst  Writer
	buf  []byte
	s, n int   // buf[s:n] is buffered; s > 0 only while a flush is under way
	err  error // what the destination failed with; sticky

	out async.Future[async.Result[int]] // the write of buf[s:n] in flight, or nil
	wr  bufWrite
	fl  bufFlush
}

// NewWriter returns a BufWriter over w with a buffer of size bytes (at
// least MinBufferSize).
func NewWriter(w Writer, size int) *BufWriter {
	bw := &BufWriter{dst: w, buf: make([]byte, max(size, MinBufferSize))}
	bw.wr.bw = bw
	bw.fl.bw = bw
	return bw
}

// Size returns the size of the buffer: the most a BufWriter holds.
func (bw *BufWriter) Size() int { return len(bw.buf) }

// Buffered returns how many bytes are waiting in the buffer.
func (bw *BufWriter) Buffered() int { return bw.n - bw.s }

// Available returns how many bytes a Write can copy before the buffer is
// full and the destination must take some.
func (bw *BufWriter) Available() int { return len(bw.buf) - bw.n }

// Write returns a future that takes all of p, into the buffer or, for
// large writes, straight to the destination, and is ready with len(p); or
// with how much it took before the destination failed, and the error. It
// waits while the buffer is full and the destination does not take it.
//
// Cancelling a Write may leave some of p in the buffer; a later Flush
// writes it. Which part was taken is not reported.
func (bw *BufWriter) Write(p []byte) async.Future[async.Result[int]] {
	bw.wr.p, bw.wr.done, bw.wr.flushing = p, 0, false
	return &bw.wr
}

// Flush returns a future that writes the buffer out and is ready with nil
// once the destination took all of it, or with the error it failed with.
func (bw *BufWriter) Flush() async.Future[error] { return &bw.fl }

// flush writes buf[s:n] until it is empty and reports whether it is done,
// or failed with err set; false means pending.
func (bw *BufWriter) flush(cx *async.Context) bool {
	for bw.s < bw.n {
		if bw.out == nil {
			bw.out = bw.dst.Write(bw.buf[bw.s:bw.n])
		}
		res, ok := bw.out.Poll(cx)
		if !ok {
			return false
		}
		bw.out = nil
		checkCount("Write", res.Value, bw.n-bw.s)
		bw.s += res.Value
		if res.Err == nil && res.Value == 0 {
			res.Err = errShortWrite
		}
		if res.Err != nil {
			bw.err = res.Err
			bw.compact()
			return true
		}
	}
	bw.s, bw.n = 0, 0
	return true
}

// compact slides what is left of an interrupted flush to the front.
func (bw *BufWriter) compact() {
	bw.n = copy(bw.buf, bw.buf[bw.s:bw.n])
	bw.s = 0
}

// cancelFlush cancels the write of the buffer in flight, keeping what it
// did not write.
func (bw *BufWriter) cancelFlush() {
	if bw.out != nil {
		bw.out.Cancel()
		bw.out = nil
	}
	bw.compact()
}

// bufWrite is the future of BufWriter.Write.
type bufWrite struct {
	bw       *BufWriter
	p        []byte
	done     int                             // bytes of p taken
	flushing bool                            // the buffer is full and being written out
	direct   async.Future[async.Result[int]] // a write of p straight to the destination, or nil
}

// Poll copies p into the buffer, writing the buffer out each time it
// fills.
func (f *bufWrite) Poll(cx *async.Context) (async.Result[int], bool) {
	bw := f.bw
	// paid: the destination took a write in this poll, or a copy into
	// the buffer took a unit of the budget; either way the Write has
	// paid its unit (see giveWay).
	paid := false
	for {
		if f.flushing {
			if !bw.flush(cx) {
				return async.Result[int]{}, false
			}
			f.flushing = false
			paid = true
		}
		rem := f.p[f.done:]
		switch {
		case bw.err != nil || len(rem) == 0:
			if !paid && !cx.Proceed() {
				return giveWay[async.Result[int]](cx)
			}
			return f.finish(bw.err), true
		case f.direct != nil || bw.n == 0 && len(rem) >= len(bw.buf):
			if !f.writeDirect(cx, rem) {
				return async.Result[int]{}, false
			}
			paid = true
		default:
			if !paid && !cx.Proceed() {
				return giveWay[async.Result[int]](cx)
			}
			paid = true
			k := copy(bw.buf[bw.n:], rem)
			bw.n += k
			f.done += k
			f.flushing = f.done < len(f.p) // the buffer is full
		}
	}
}

// writeDirect writes rem to the destination without copying it and
// reports whether that write is done; false means pending.
func (f *bufWrite) writeDirect(cx *async.Context, rem []byte) bool {
	if f.direct == nil {
		f.direct = f.bw.dst.Write(rem)
	}
	res, ok := f.direct.Poll(cx)
	if !ok {
		return false
	}
	f.direct = nil
	checkCount("Write", res.Value, len(rem))
	f.done += res.Value
	if res.Err == nil && res.Value == 0 {
		res.Err = errShortWrite
	}
	if res.Err != nil {
		f.bw.err = res.Err
	}
	return true
}

func (f *bufWrite) finish(err error) async.Result[int] {
	n := f.done
	f.p, f.done = nil, 0
	return async.Result[int]{Value: n, Err: err}
}

// Cancel cancels the write in flight; what was buffered stays buffered.
func (f *bufWrite) Cancel() {
	if f.direct != nil {
		f.direct.Cancel()
		f.direct = nil
	}
	f.bw.cancelFlush()
	f.p, f.done, f.flushing = nil, 0, false
}

// bufFlush is the future of BufWriter.Flush.
type bufFlush struct{ bw *BufWriter }

// Poll writes the buffer out. With nothing to write, or a failure
// already known, it is ready without the destination, for a unit of the
// budget (see giveWay).
func (f *bufFlush) Poll(cx *async.Context) (error, bool) {
	bw := f.bw
	if bw.err == nil && bw.s < bw.n {
		if !bw.flush(cx) {
			return nil, false
		}
		return bw.err, true
	}
	if !cx.Proceed() {
		return giveWay[error](cx)
	}
	return bw.err, true
}

// Cancel cancels the write in flight; what was not written stays
// buffered.
func (f *bufFlush) Cancel() { f.bw.cancelFlush() }
