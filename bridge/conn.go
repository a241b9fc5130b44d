package bridge

import (
	"net"
	"time"

	"github.com/asyncgo/async/aio"
)

// Conn is the async connection a bridge wraps: an aio.ReadWriter (a Read
// or Write future cancelled before it is ready must have consumed or
// written nothing) that can close and name its ends. *tcp.Conn and
// *unixsock.Conn implement it.
// The bridge awaits one Read future and one Write future at a time (each
// before asking for the next of its kind), so a connection whose futures
// are reused, as tcp.Conn's are, is fine. The futures are polled on the
// goroutines that call the bridge, a reader and a writer at once, so they
// must allow that (as futures of a multi-threaded executor must) and must
// not spawn tasks. Close must be safe to call from any goroutine.
type Conn interface {
	aio.ReadWriter
	Close() error
	LocalAddr() net.Addr
	RemoteAddr() net.Addr
}

// netConn is the net.Conn of NetConn.
type netConn struct {
	c      Conn
	rt     Runtime
	rd, wr *half
}

// NetConn returns a net.Conn whose Read and Write poll c's futures on the
// calling goroutine, with rt's reactor, and block it until they are done.
// Some goroutine must be running rt (executor.BlockOn) meanwhile; see the
// package doc. The net.Conn owns c: its Close closes c.
func NetConn(rt Runtime, c Conn) net.Conn {
	local, remote := c.LocalAddr(), c.RemoteAddr()
	return &netConn{
		c:  c,
		rt: rt,
		rd: newHalf(rt, c.Read, false, opInfo{"read", local, remote}),
		wr: newHalf(rt, c.Write, true, opInfo{"write", local, remote}),
	}
}

// Unwrap returns the async connection under a net.Conn that NetConn made,
// and the Runtime it was made with, so that a protocol taken over by a
// goroutine can hand the connection back to tasks (websocket's
// UpgradeHTTP does, for a net/http handler that hijacked it). ok is false
// for any other net.Conn. The net.Conn must not be used after: c belongs
// to the caller, who must close it.
func Unwrap(nc net.Conn) (c Conn, rt Runtime, ok bool) {
	b, ok := nc.(*netConn)
	if !ok {
		return nil, nil, false
	}
	return b.c, b.rt, true
}

// Read reads into b, blocking until at least one byte, the end of the
// stream (io.EOF), the read deadline, or Close.
func (nc *netConn) Read(b []byte) (int, error) { return nc.rd.do(b) }

// Write writes all of b, blocking until it is written, or fails with the
// number of bytes written before the error (the write deadline, Close, or
// the connection's own).
func (nc *netConn) Write(b []byte) (int, error) { return nc.wr.do(b) }

// Close unblocks calls in flight, which fail with an error wrapping
// net.ErrClosed, and closes the connection. Closing twice returns an error
// wrapping net.ErrClosed.
func (nc *netConn) Close() error {
	first := nc.rd.close()
	nc.wr.close()
	if !first {
		return nc.rd.info.err("close", net.ErrClosed)
	}
	return nc.c.Close()
}

// LocalAddr returns the connection's local address.
func (nc *netConn) LocalAddr() net.Addr { return nc.c.LocalAddr() }

// RemoteAddr returns the peer's address.
func (nc *netConn) RemoteAddr() net.Addr { return nc.c.RemoteAddr() }

// SetDeadline sets the read and write deadlines.
func (nc *netConn) SetDeadline(t time.Time) error {
	nc.rd.setDeadline(t)
	nc.wr.setDeadline(t)
	return nil
}

// SetReadDeadline sets the deadline of the Read in flight and later ones;
// the zero time means none.
func (nc *netConn) SetReadDeadline(t time.Time) error {
	nc.rd.setDeadline(t)
	return nil
}

// SetWriteDeadline sets the deadline of the Write in flight and later
// ones; the zero time means none.
func (nc *netConn) SetWriteDeadline(t time.Time) error {
	nc.wr.setDeadline(t)
	return nil
}
