package tcp

import (
	"net"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/reactor"
)

// maxIovecs is the most buffers one writev call takes: IOV_MAX, 1024 on
// Linux, macOS and the BSDs (writev(2)). More are written in more calls.
const maxIovecs = 1024

// writevFuture is WriteHalf.WriteVectored: the position reached in the
// caller's buffers, and the scratch of the system call (writevScratch),
// kept and reused so that writing allocates nothing. Only the task
// polling it touches it.
type writevFuture struct {
	c    *Conn
	bufs [][]byte
	i    int // the next byte to write is bufs[i][off]
	off  int
	done int // bytes written so far
	writevScratch
}

// reset starts writing bufs from the beginning.
func (f *writevFuture) reset(bufs [][]byte) {
	f.bufs, f.i, f.off, f.done = bufs, 0, 0, 0
	f.skipEmpty()
}

// Poll writes until every buffer is written, waiting for room in the
// socket when it is full.
func (f *writevFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	src, err := f.c.s.Source(cx)
	if err != nil || f.i == len(f.bufs) {
		// Ready without a writev(2): the budget's unit is taken here.
		if !netfd.Proceed(cx) {
			return async.Result[int]{}, false
		}
		return f.finish(err), true
	}
	for f.i < len(f.bufs) {
		r, ok := netfd.PollIO(cx, src, reactor.Write, f)
		if !ok {
			return async.Result[int]{}, false
		}
		if r.Err != nil {
			return f.finish(r.Err), true
		}
		f.advance(r.Value)
	}
	return f.finish(nil), true
}

// Do is one writev call from the position reached. A write shorter than
// what it offered filled the socket's buffer.
func (f *writevFuture) Do() (int, bool, error) {
	if !f.c.s.Acquire() {
		return 0, false, net.ErrClosed
	}
	n, offered, err := f.writev(f.c.s.Sysfd())
	f.c.s.Release()
	if n < 0 {
		n = 0
	}
	return n, n < offered, err
}

// advance moves the position n bytes on.
func (f *writevFuture) advance(n int) {
	f.done += n
	for n > 0 {
		rest := len(f.bufs[f.i]) - f.off
		if n < rest {
			f.off += n
			return
		}
		n -= rest
		f.i, f.off = f.i+1, 0
	}
	f.skipEmpty()
}

// skipEmpty moves the position past buffers with nothing left to write.
func (f *writevFuture) skipEmpty() {
	for f.i < len(f.bufs) && f.off == len(f.bufs[f.i]) {
		f.i, f.off = f.i+1, 0
	}
}

// finish ends the write, dropping the caller's buffers.
func (f *writevFuture) finish(err error) async.Result[int] {
	n := f.done
	f.bufs, f.i, f.off, f.done = nil, 0, 0, 0
	if err != nil {
		err = f.c.s.OpError("writev", err)
	}
	return async.Result[int]{Value: n, Err: err}
}

// TimeoutError describes the write's timeout as its other errors, for
// timer.Timeout (see timer.TimeoutErrorer).
func (f *writevFuture) TimeoutError(err error) error { return f.c.s.OpError("writev", err) }

// Cancel takes the task's waker back from the source.
func (f *writevFuture) Cancel() {
	f.bufs, f.i, f.off, f.done = nil, 0, 0, 0
	f.c.s.CancelWait(reactor.Write)
}
