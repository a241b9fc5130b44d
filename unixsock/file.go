package unixsock

import (
	"errors"
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
)

// FromConn returns a Conn over a duplicate of nc's descriptor, for a Unix
// stream connection made by the net package (or anything else
// implementing syscall.Conn) that is to be served by the runtime. nc stays
// open and the caller's to close; closing either does not close the
// other, though both are the same connection, so stop using nc. The
// duplicate is made non-blocking, a mode it shares with nc's descriptor.
func FromConn(nc net.Conn) (*Conn, error) {
	fd, err := dupOf("from conn", nc, false)
	if err != nil {
		return nil, err
	}
	return newConn(fd), nil
}

// FileConn is FromConn for a connection held as an *os.File, such as one
// inherited from a parent process. f stays open and the caller's to
// close. Its descriptor is made non-blocking, which an *os.File that was
// not so already would then see as EAGAIN on its own reads.
func FileConn(f *os.File) (*Conn, error) {
	fd, err := dupOf("file conn", f, false)
	if err != nil {
		return nil, err
	}
	return newConn(fd), nil
}

// FromListener returns a Listener over a duplicate of nl's descriptor,
// such as that of a net.Listen("unix", ...) listener, to take its
// connections with the runtime. nl stays open and the caller's to close;
// both take connections from the same queue. Closing the Listener does
// not remove the socket file: the listener that made it does that.
func FromListener(nl net.Listener) (*Listener, error) {
	fd, err := dupOf("from listener", nl, true)
	if err != nil {
		return nil, err
	}
	return adoptListener(fd), nil
}

// FileListener is FromListener for a listening socket held as an
// *os.File, such as one a service manager passes to a process it starts
// (socket activation). f stays open and the caller's to close; the socket
// file, if any, is left in place by Close.
func FileListener(f *os.File) (*Listener, error) {
	fd, err := dupOf("file listener", f, true)
	if err != nil {
		return nil, err
	}
	return adoptListener(fd), nil
}

// adoptListener wraps a listening socket this package did not bind: its
// address is asked of the kernel, and no file is noted for Close to
// remove.
func adoptListener(fd int) *Listener {
	l := &Listener{addr: &net.UnixAddr{Net: "unix"}}
	if sa, err := unix.Getsockname(fd); err == nil {
		if a := sockAddr(sa, "unix"); a != nil {
			l.addr = a
		}
	}
	l.acc.Init(fd, accept)
	l.fut.l = l
	return l
}

// errNotUnix is wrapped by the errors of adopting a descriptor that is not
// a Unix stream socket of the right kind.
var errNotUnix = errors.New("not a Unix stream socket")

// dupOf duplicates the descriptor of x (see netfd.Dup) and checks that
// the copy is a Unix stream socket that listens, or does not if it is to
// be a connection.
func dupOf(op string, x any, listener bool) (int, error) {
	fd, err := netfd.Dup(x, func(fd int) error {
		return netfd.CheckStream(fd, listener, "Unix", isUnix, errNotUnix)
	})
	if err != nil {
		return -1, fmt.Errorf("unixsock: %s: %w", op, err)
	}
	return fd, nil
}

func isUnix(sa unix.Sockaddr) bool {
	_, ok := sa.(*unix.SockaddrUnix)
	return ok
}
