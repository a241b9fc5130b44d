package tcp

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/reactor"
)

// Connect returns a future that connects to addr, "host:port" where host
// is an IP address or "localhost" (names are not looked up), and is ready
// with the connection, or with an error naming addr, such as
// "dial tcp 127.0.0.1:1: connect: connection refused". The handshake does
// not block: the future waits for the socket to turn writable. It has no
// timeout of its own; wrap it in timer.Timeout for one. Cancelling it
// closes the socket.
func Connect(addr string) async.Future[async.Result[*Conn]] {
	return &connectFuture{addr: addr}
}

// connectFuture is the state machine of Connect: nothing, then a socket
// whose handshake is under way, then done.
type connectFuture struct {
	addr string
	ep   endpoint
	c    *Conn // the connection being made; nil before the first poll and when done
	done bool
}

// Poll starts the connect on the first poll, then waits for its end.
func (f *connectFuture) Poll(cx *async.Context) (async.Result[*Conn], bool) {
	if f.done {
		panic("tcp: Connect future polled after it was ready")
	}
	if f.c == nil {
		if err := f.start(); err != nil {
			return f.fail(err), true
		}
	}
	src, err := f.c.s.Source(cx)
	if err != nil {
		return f.fail(err), true
	}
	r, ok := async.PollIO(cx, src, reactor.Write, f)
	if !ok {
		return async.Result[*Conn]{}, false
	}
	if r.Err != nil {
		return f.fail(r.Err), true
	}
	c := f.c
	f.c, f.done = nil, true
	return async.Ok(c), true
}

// start opens the socket and starts the handshake.
func (f *connectFuture) start() error {
	ep, err := resolve("dial", f.addr, false)
	if err != nil {
		return err
	}
	f.ep = ep
	fd, err := newSocket(ep.domain)
	if err != nil {
		return &net.OpError{Op: "dial", Net: "tcp", Addr: ep.addr, Err: os.NewSyscallError("socket", err)}
	}
	// EINPROGRESS is the normal answer: the handshake goes on in the
	// kernel (EINTR means the same, see connect(2)). A connect that is
	// done already, as it can be on loopback, is checked the same way.
	if err := unix.Connect(fd, ep.sa); err != nil && err != unix.EINPROGRESS && err != unix.EINTR {
		unix.Close(fd)
		return &net.OpError{Op: "dial", Net: "tcp", Addr: ep.addr, Err: os.NewSyscallError("connect", err)}
	}
	f.c = newConn(fd)
	return nil
}

// Do checks whether the handshake is over; see connected.
func (f *connectFuture) Do() (int, bool, error) {
	err := f.c.s.Control(connected)
	return 0, false, err
}

// connected is the operation of the wait. The kernel keeps the outcome of
// a finished connect in SO_ERROR, 0 for success; but SO_ERROR is 0 while
// the handshake is still going too, and a new source starts out assumed
// writable, so on 0 the peer's address tells the two apart (Go's net
// package does the same). "Not yet" is reported as EAGAIN, which makes
// PollIO wait for the next event.
func connected(fd int) error {
	errno, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if errno != 0 {
		return unix.Errno(errno)
	}
	if _, err := unix.Getpeername(fd); err == unix.ENOTCONN {
		return unix.EAGAIN
	} else if err != nil {
		return err
	}
	return nil
}

// fail closes the socket, if any, and describes err with the address,
// unless it does already.
func (f *connectFuture) fail(err error) async.Result[*Conn] {
	f.release()
	if _, ok := err.(*net.OpError); !ok && f.ep.addr != nil {
		if netfd.IsClosed(err) {
			err = net.ErrClosed
		} else {
			err = os.NewSyscallError("connect", err)
		}
		err = &net.OpError{Op: "dial", Net: "tcp", Addr: f.ep.addr, Err: err}
	}
	return async.Err[*Conn](err)
}

// Cancel closes the socket of a connect still under way.
func (f *connectFuture) Cancel() { f.release() }

// release lets go of the socket: first the waker this future stored, so
// deregistering does not wake its own task, then the registration and the
// descriptor.
func (f *connectFuture) release() {
	f.done = true
	if f.c == nil {
		return
	}
	f.c.s.CancelWait(reactor.Write)
	f.c.Close()
	f.c = nil
}
