package tcp

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/reactor"
)

// Listener is a TCP socket listening for connections.
type Listener struct {
	fd   netfd.FD
	addr *net.TCPAddr
	acc  acceptFuture
}

// Listen binds a socket to addr, "host:port", and listens on it. host is
// an IP address, "localhost" (127.0.0.1), or empty for every IPv4 address;
// port 0 picks a free port (see Addr). Listen does not wait for anything,
// so it needs no runtime; the listener is registered with the reactor of
// the first task that awaits Accept.
func Listen(addr string) (*Listener, error) {
	ep, err := resolve("listen", addr, true)
	if err != nil {
		return nil, err
	}
	fd, err := newSocket(ep.domain)
	if err != nil {
		return nil, fmt.Errorf("tcp: listen %s: socket: %w", addr, err)
	}
	if err := bindListen(fd, ep.sa); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("tcp: listen %s: %w", addr, err)
	}
	l := &Listener{addr: localAddr(fd)}
	l.fd.Init(fd)
	l.acc.l = l
	return l, nil
}

// bindListen sets the options of a listening socket, binds and listens.
func bindListen(fd int, sa unix.Sockaddr) error {
	// SO_REUSEADDR lets a restarted server bind its port while connections
	// of the last run are in TIME_WAIT.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fmt.Errorf("setsockopt SO_REUSEADDR: %w", err)
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fmt.Errorf("bind: %w", err)
	}
	if err := unix.Listen(fd, listenBacklog()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return nil
}

// Addr returns the address the listener is bound to, with the port the
// kernel picked if it was asked for port 0.
func (l *Listener) Addr() net.Addr { return l.addr }

// Accept returns a future that is ready with the next connection. The
// future is the Listener's own, reused by every Accept: await it (or
// cancel it) before calling Accept again. After Close it fails with an
// error wrapping net.ErrClosed, and a task waiting on it is woken to see
// that.
func (l *Listener) Accept() async.Future[async.Result[*Conn]] { return &l.acc }

// Close stops listening and closes the socket. Connections accepted
// already stay open.
func (l *Listener) Close() error {
	if err := l.fd.Close(); err != nil {
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

// acceptFuture is the Listener's Accept. Only the task polling it touches
// it.
type acceptFuture struct {
	l *Listener
}

// Poll accepts a connection, or stores the task's waker and waits.
func (f *acceptFuture) Poll(cx *async.Context) (async.Result[*Conn], bool) {
	src, err := f.l.fd.Source(cx)
	if err != nil {
		return async.Err[*Conn](f.l.opError("accept", err)), true
	}
	for {
		r, ok := async.PollIO(cx, src, reactor.Read, f)
		if !ok {
			return async.Result[*Conn]{}, false
		}
		switch r.Err {
		case nil:
			return async.Ok(newConn(r.Value)), true
		case unix.ECONNABORTED:
			// The peer gave up while the connection waited in the
			// queue (accept(2)); take the next one.
			continue
		}
		return async.Err[*Conn](f.l.opError("accept", r.Err)), true
	}
}

// Do is one accept(2). The peer's address is not asked for: a Conn learns
// it from the kernel if someone wants it.
func (f *acceptFuture) Do() (int, bool, error) {
	if !f.l.fd.Acquire() {
		return 0, false, net.ErrClosed
	}
	nfd, err := accept(f.l.fd.Sysfd())
	f.l.fd.Release()
	return nfd, false, err
}

// Cancel takes the task's waker back from the source.
func (f *acceptFuture) Cancel() { f.l.fd.CancelWait(reactor.Read) }
