package unixsock

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
)

// Listener is a Unix stream socket listening for connections.
type Listener struct {
	acc  netfd.Acceptor
	addr *net.UnixAddr
	// file is the socket file Listen made, to be removed by Close if the
	// path still names it; nil for an abstract name.
	file os.FileInfo
	fut  acceptFuture
}

// Listen binds a stream socket to path and listens on it. The path must
// not exist: Listen fails with EADDRINUSE rather than remove a file it did
// not make, even a socket left behind by a process that died (remove that
// yourself if you know it is stale). Close removes the file Listen made.
//
// On Linux a path starting with "@" is an abstract name: no file is made,
// and the name goes away with the socket. Elsewhere such a path is an
// error.
//
// Listen does not wait for anything, so it needs no runtime; the listener
// is registered with the reactor of the first task that awaits Accept.
func Listen(path string) (*Listener, error) { return listen(path, listenBacklog()) }

// listen is Listen with the accept queue's length, which tests shorten.
func listen(path string, backlog int) (*Listener, error) {
	sa, addr, err := resolve("listen", "unix", path)
	if err != nil {
		return nil, err
	}
	fd, err := newSocket(unix.SOCK_STREAM)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: "unix", Addr: addr, Err: os.NewSyscallError("socket", err)}
	}
	l := &Listener{addr: addr}
	if err := l.bind(fd, sa, backlog); err != nil {
		unix.Close(fd)
		return nil, &net.OpError{Op: "listen", Net: "unix", Addr: addr, Err: err}
	}
	l.acc.Init(fd, accept)
	l.fut.l = l
	return l, nil
}

// bind binds fd to sa, notes the file that made, and listens.
func (l *Listener) bind(fd int, sa *unix.SockaddrUnix, backlog int) error {
	if err := unix.Bind(fd, sa); err != nil {
		return os.NewSyscallError("bind", err)
	}
	if !isAbstract(sa.Name) {
		fi, err := os.Lstat(sa.Name)
		if err != nil {
			return err
		}
		l.file = fi
	}
	if err := unix.Listen(fd, backlog); err != nil {
		l.unlink()
		return os.NewSyscallError("listen", err)
	}
	return nil
}

// unlink removes the socket file Listen made.
func (l *Listener) unlink() { removeIfSame(l.addr.Name, l.file) }

// removeIfSame removes the file at path if it is still file (nil: none),
// the socket file a bind made: it may have been removed and the path
// reused since, and a file this package did not make is never removed.
// The check and the removal are two calls, so a file put in place between
// them would be removed; nothing closes that window short of a directory
// only this process writes to.
func removeIfSame(path string, file os.FileInfo) {
	if file == nil {
		return
	}
	if fi, err := os.Lstat(path); err == nil && os.SameFile(fi, file) {
		os.Remove(path)
	}
}

// Addr returns the address the listener is bound to, a *net.UnixAddr
// with the path given to Listen.
func (l *Listener) Addr() net.Addr { return l.addr }

// Accept returns a future that is ready with the next connection. The
// future is the Listener's own, reused by every Accept: await it (or
// cancel it) before calling Accept again. After Close it fails with an
// error wrapping net.ErrClosed, and a task waiting on it is woken to see
// that.
//
// Like tcp's, Accept waits out descriptor exhaustion (EMFILE, ENFILE) and
// kernel memory shortage, retrying after 5 ms, then 10, 20, and so on up
// to once a second, instead of failing or spinning; connections aborted
// while queued are skipped.
func (l *Listener) Accept() async.Future[async.Result[*Conn]] { return &l.fut }

// Close stops listening, closes the socket and removes the socket file
// Listen made (as the net package's UnixListener does), so that new
// connections fail with ENOENT. Connections accepted already stay open.
// Closing twice returns an error wrapping net.ErrClosed.
func (l *Listener) Close() error {
	if err := l.acc.Close(); err != nil {
		return l.opError("close", err)
	}
	l.unlink()
	return nil
}

// opError describes a failed operation on the listener, as the net
// package does: "accept unix /run/app.sock: accept: too many open files".
func (l *Listener) opError(op string, err error) error {
	if netfd.IsClosed(err) {
		err = net.ErrClosed
	} else if errno, ok := err.(unix.Errno); ok {
		err = os.NewSyscallError(op, errno)
	}
	return &net.OpError{Op: op, Net: "unix", Addr: l.addr, Err: err}
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
// timer.Timeout (see timer.TimeoutErrorer): "accept unix /run/app.sock:
// i/o timeout".
func (f *acceptFuture) TimeoutError(err error) error { return f.l.opError("accept", err) }

// Cancel cancels the Acceptor's future.
func (f *acceptFuture) Cancel() { f.l.acc.Accept().Cancel() }
