package tcp

import (
	"net"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
)

// Listener is a TCP socket listening for connections.
type Listener struct {
	acc  netfd.Acceptor
	addr *net.TCPAddr
	fut  acceptFuture
}

// Listen binds a socket to addr, "host:port", and listens on it, with the
// default ListenConfig. host is an IP address, "localhost" (127.0.0.1),
// or empty for every IPv4 address; port 0 picks a free port (see Addr).
// Listen does not wait for anything, so it needs no runtime; the listener
// is registered with the reactor of the first task that awaits Accept.
func Listen(addr string) (*Listener, error) { return ListenConfig{}.Listen(addr) }

// newListener wraps a listening, non-blocking socket.
func newListener(fd int) *Listener {
	l := &Listener{addr: localAddr(fd)}
	l.acc.Init(fd, accept)
	l.fut.l = l
	return l
}

// Addr returns the address the listener is bound to, with the port the
// kernel picked if it was asked for port 0.
func (l *Listener) Addr() net.Addr { return l.addr }

// Accept returns a future that is ready with the next connection. The
// future is the Listener's own, reused by every Accept: await it (or
// cancel it) before calling Accept again. After Close it fails with an
// error wrapping net.ErrClosed, and a task waiting on it is woken to see
// that.
//
// Accept does not fail when the process or the system runs out of
// descriptors (EMFILE, ENFILE) or the kernel out of memory (ENOBUFS,
// ENOMEM): the connection waits in the listen queue, and so does the
// future, retrying after 5 ms, then 10, 20, and so on up to once a
// second, until a descriptor frees and the accept succeeds. A server's
// accept loop therefore neither spins nor dies at its descriptor limit,
// and takes the waiting connections once it has closed others.
// Connections aborted while queued are skipped.
func (l *Listener) Accept() async.Future[async.Result[*Conn]] { return &l.fut }

// Close stops listening and closes the socket. Connections accepted
// already stay open.
func (l *Listener) Close() error {
	if err := l.acc.Close(); err != nil {
		return l.opError("close", err)
	}
	return nil
}

func (l *Listener) opError(op string, err error) error {
	if netfd.IsClosed(err) {
		err = net.ErrClosed
	}
	return &net.OpError{Op: op, Net: "tcp", Addr: l.addr, Err: err}
}

// acceptFuture is the Listener's Accept: netfd's accept future, whose
// descriptors it wraps in Conns.
type acceptFuture struct {
	l *Listener
}

// Poll polls the Acceptor's future.
func (f *acceptFuture) Poll(cx *async.Context) (async.Result[*Conn], bool) {
	r, ok := f.l.acc.Accept().Poll(cx)
	if !ok {
		return async.Result[*Conn]{}, false
	}
	if r.Err != nil {
		return async.Err[*Conn](f.l.opError("accept", r.Err)), true
	}
	return async.Ok(newConn(r.Value)), true
}

// TimeoutError describes the accept's timeout as its other errors, for
// timer.Timeout (see timer.TimeoutErrorer): "accept tcp 127.0.0.1:80: i/o
// timeout".
func (f *acceptFuture) TimeoutError(err error) error { return f.l.opError("accept", err) }

// Cancel cancels the Acceptor's future.
func (f *acceptFuture) Cancel() { f.l.acc.Accept().Cancel() }
