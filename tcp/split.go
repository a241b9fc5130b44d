package tcp

import (
	"errors"
	"net"
	"sync/atomic"

	"github.com/asyncgo/async"
)

// Split returns two views of c, one that reads and one that writes, for
// two tasks that use the connection at once: a reader and a writer, on
// one executor or two. (A Conn allows one Read and one Write in flight at
// once already; the halves make the division of labour explicit, can be
// handed to code that takes an aio.Reader or an aio.Writer, and add
// vectored writes.)
//
// After Split, use c only through its halves. Each half has a Close; the
// connection is closed when both are, by whichever Close comes second.
// WriteHalf.Close sends end of stream first, as CloseWrite does. Rejoin
// gives the Conn back instead, with both halves retired.
//
// The socket is registered with the reactor of the first task that has to
// wait on it. The halves may still be used by tasks of other executors,
// since a waker may be called from any goroutine, as long as that
// reactor keeps being turned: its executor keeps running, or it is a
// reactor the executors share (executor.WithSharedReactor).
func (c *Conn) Split() (*ReadHalf, *WriteHalf) {
	sp := &split{c: c}
	sp.r.sp, sp.w.sp = sp, sp
	sp.open.Store(readOpen | writeOpen)
	return &sp.r, &sp.w
}

// split is what the two halves of a Conn share: one allocation, made by
// Split.
type split struct {
	c    *Conn
	open atomic.Uint32 // readOpen and writeOpen, cleared by each half's Close
	r    ReadHalf
	w    WriteHalf
}

const (
	readOpen uint32 = 1 << iota
	writeOpen
)

// close retires the halves in bits; the last half out closes the Conn.
// It reports net.ErrClosed if one of them was retired already, without
// retiring the other.
func (sp *split) close(op string, bits uint32) error {
	for {
		open := sp.open.Load()
		if open&bits != bits {
			return sp.c.s.OpError(op, net.ErrClosed)
		}
		if sp.open.CompareAndSwap(open, open&^bits) {
			if open&^bits == 0 && bits != readOpen|writeOpen {
				return sp.c.Close()
			}
			return nil
		}
	}
}

// closed returns a future that is ready with the error of an operation on
// a retired half. It allocates, but only on that mistake.
func (sp *split) closed(op string) async.Future[async.Result[int]] {
	return async.Ready(async.Err[int](sp.c.s.OpError(op, net.ErrClosed)))
}

// ReadHalf is the reading view of a Conn, made by Split.
type ReadHalf struct {
	sp *split
}

// Read is Conn.Read. On a closed half, the future fails with an error
// wrapping net.ErrClosed.
func (r *ReadHalf) Read(buf []byte) async.Future[async.Result[int]] {
	if r.sp.open.Load()&readOpen == 0 {
		return r.sp.closed("read")
	}
	return r.sp.c.Read(buf)
}

// LocalAddr is Conn.LocalAddr.
func (r *ReadHalf) LocalAddr() net.Addr { return r.sp.c.LocalAddr() }

// RemoteAddr is Conn.RemoteAddr.
func (r *ReadHalf) RemoteAddr() net.Addr { return r.sp.c.RemoteAddr() }

// Close retires the read half; if the write half is closed too, it closes
// the connection (see Split). Do not call it while a Read is in flight,
// unless the write half is still open: a Close that closes the connection
// wakes that Read with net.ErrClosed, but one that does not leaves it
// waiting. Closing twice returns an error wrapping net.ErrClosed.
func (r *ReadHalf) Close() error { return r.sp.close("close", readOpen) }

// WriteHalf is the writing view of a Conn, made by Split.
type WriteHalf struct {
	sp *split
	wv *writevFuture // made by the first WriteVectored
}

// Write is Conn.Write. On a closed half, the future fails with an error
// wrapping net.ErrClosed.
func (w *WriteHalf) Write(buf []byte) async.Future[async.Result[int]] {
	if w.sp.open.Load()&writeOpen == 0 {
		return w.sp.closed("write")
	}
	return w.sp.c.Write(buf)
}

// WriteAll is Conn.WriteAll.
func (w *WriteHalf) WriteAll(buf []byte) async.Future[async.Result[int]] {
	if w.sp.open.Load()&writeOpen == 0 {
		return w.sp.closed("write")
	}
	return w.sp.c.WriteAll(buf)
}

// WriteVectored returns a future that writes all of bufs, in order, with
// writev(2): one system call for many buffers (up to 1024 a call), such as
// a header and a body, without copying them together. It is ready with
// the number of bytes written, the sum of the buffers' lengths, or with
// the bytes written before an error and the error. Neither bufs nor the
// buffers are changed. The future is the half's own, as Write's is, and
// shares the socket's one writer with Write and WriteAll: await or cancel
// it before calling any of them again. The first call allocates the
// future; later ones allocate nothing.
func (w *WriteHalf) WriteVectored(bufs [][]byte) async.Future[async.Result[int]] {
	if w.sp.open.Load()&writeOpen == 0 {
		return w.sp.closed("writev")
	}
	if w.wv == nil {
		w.wv = &writevFuture{c: w.sp.c}
	}
	w.wv.reset(bufs)
	return w.wv
}

// CloseWrite is Conn.CloseWrite: the peer reads end of stream. The half
// stays open, for Close.
func (w *WriteHalf) CloseWrite() error { return w.sp.c.CloseWrite() }

// LocalAddr is Conn.LocalAddr.
func (w *WriteHalf) LocalAddr() net.Addr { return w.sp.c.LocalAddr() }

// RemoteAddr is Conn.RemoteAddr.
func (w *WriteHalf) RemoteAddr() net.Addr { return w.sp.c.RemoteAddr() }

// Close sends end of stream, as CloseWrite does (ignoring its error, such
// as that of a connection the peer reset), and retires the write half; if
// the read half is closed too, it closes the connection (see Split). The
// caveat of ReadHalf.Close about operations in flight applies. Closing
// twice returns an error wrapping net.ErrClosed.
func (w *WriteHalf) Close() error {
	if w.sp.open.Load()&writeOpen != 0 {
		w.sp.c.CloseWrite()
	}
	return w.sp.close("close", writeOpen)
}

// errRejoin is the error of Rejoin with halves of two connections.
var errRejoin = errors.New("tcp: Rejoin of halves of two different connections")

// Rejoin retires both halves of a Conn, without closing it, and returns
// the Conn, for use as a whole again. It fails if the halves come from two
// Splits, or if either was closed.
func Rejoin(r *ReadHalf, w *WriteHalf) (*Conn, error) {
	if r.sp != w.sp {
		return nil, errRejoin
	}
	if err := r.sp.close("rejoin", readOpen|writeOpen); err != nil {
		return nil, err
	}
	return r.sp.c, nil
}
