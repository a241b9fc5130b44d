package unixsock

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
)

// Connect returns a future that connects to the stream socket at path (an
// abstract name if it starts with "@", on Linux) and is ready with the
// connection, or with an error naming path, such as
// "dial unix /run/app.sock: connect: no such file or directory" (nothing
// there: ENOENT) or "...: connection refused" (a file, but nobody
// listening: ECONNREFUSED). Either comes at the first poll: a Unix
// connect has no handshake to wait for.
//
// The one wait is for a listener whose accept queue is full. Linux then
// says EAGAIN and gives no event for when the queue has room (the
// connecting socket reads as writable all along), so the future tries
// again on a timer, first after a millisecond, doubling up to 50 ms
// (firstRetry, maxRetry), until the listener accepts or goes away. The net
// package returns that EAGAIN as an error instead; a TCP connect waits in
// the same case, and this does as TCP does. The BSDs and macOS refuse such a connection
// (ECONNREFUSED). The future has no timeout of its own: wrap it in
// timer.Timeout for one. Cancelling it closes the socket.
func Connect(path string) async.Future[async.Result[*Conn]] {
	return &connectFuture{path: path}
}

// connectFuture is the state machine of Connect: nothing, then a socket,
// then, while the listener's queue is full, a socket and an armed timer;
// then done.
type connectFuture struct {
	path  string
	sa    *unix.SockaddrUnix
	addr  *net.UnixAddr
	c     *Conn // the connection being made; nil before the first poll and when done
	retry retry // armed while the listener's queue is full
	done  bool
}

// Poll opens the socket on the first poll and connects, waiting only as
// Connect describes.
func (f *connectFuture) Poll(cx *async.Context) (async.Result[*Conn], bool) {
	if f.done {
		panic("unixsock: Connect future polled after it was ready")
	}
	if f.retry.waiting(cx) {
		return async.Result[*Conn]{}, false
	}
	// What follows completes without waiting when the listener has room
	// (or fails at once), with no PollIO to take the budget's unit.
	if !netfd.Proceed(cx) {
		return async.Result[*Conn]{}, false
	}
	if f.c == nil {
		if err := f.open(); err != nil {
			return f.fail(err), true
		}
	}
	for {
		switch err := f.c.s.Control(f.connect); err {
		case nil, unix.EISCONN:
			c := f.c
			f.c, f.done = nil, true
			return async.Ok(c), true
		case unix.EINTR:
		case unix.EAGAIN:
			waiting, err := f.retry.arm(cx)
			if err != nil {
				return f.fail(err), true
			}
			if waiting {
				return async.Result[*Conn]{}, false
			}
		default:
			return f.fail(os.NewSyscallError("connect", err)), true
		}
	}
}

// open checks the path and opens the socket.
func (f *connectFuture) open() error {
	sa, addr, err := resolve("dial", "unix", f.path)
	if err != nil {
		return err
	}
	f.sa, f.addr = sa, addr
	fd, err := newSocket(unix.SOCK_STREAM)
	if err != nil {
		return os.NewSyscallError("socket", err)
	}
	f.c = newConn(fd)
	return nil
}

// connect is the system call, made under the Conn's Acquire. A method
// value of a pointer made once per future; Connect is not a hot path.
func (f *connectFuture) connect(fd int) error { return unix.Connect(fd, f.sa) }

// fail releases what the future holds and describes err with the path,
// unless it does already.
func (f *connectFuture) fail(err error) async.Result[*Conn] {
	f.release()
	if _, ok := err.(*net.OpError); !ok {
		err = &net.OpError{Op: "dial", Net: "unix", Addr: f.addr, Err: err}
	}
	return async.Err[*Conn](err)
}

// TimeoutError describes the connect's timeout as its other errors, for
// timer.Timeout (see timer.TimeoutErrorer): "dial unix /run/app.sock: i/o
// timeout", the wait for room in a full accept queue having run out.
func (f *connectFuture) TimeoutError(err error) error {
	addr := f.addr
	if addr == nil {
		addr = &net.UnixAddr{Name: f.path, Net: "unix"}
	}
	return &net.OpError{Op: "dial", Net: "unix", Addr: addr, Err: err}
}

// Cancel stops the retry timer and closes the socket.
func (f *connectFuture) Cancel() { f.release() }

// release lets go of the timer and the socket. The socket was never
// registered with a reactor (nothing here waits on it), so closing it
// wakes no one.
func (f *connectFuture) release() {
	f.done = true
	f.retry.reset()
	if f.c != nil {
		f.c.Close()
		f.c = nil
	}
}
