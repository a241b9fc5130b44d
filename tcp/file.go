package tcp

import (
	"errors"
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
)

// FromConn returns a Conn over a duplicate of nc's descriptor, for a
// connection made by the net package (or anything else implementing
// syscall.Conn) that is to be served by the runtime. nc stays open and
// the caller's to close; closing either does not close the other, though
// both are the same connection. Reading or writing through both at once
// interleaves unpredictably, so stop using nc.
//
// The descriptor must be a TCP socket, IPv4 or IPv6, and not a listener;
// anything else is an error. The duplicate is made non-blocking, and that
// mode is shared with nc's descriptor (as with net.FileConn); the net
// package's own connections are non-blocking already.
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
// not made so already would then see as EAGAIN on its own reads.
func FileConn(f *os.File) (*Conn, error) {
	fd, err := dupOf("file conn", f, false)
	if err != nil {
		return nil, err
	}
	return newConn(fd), nil
}

// FromListener returns a Listener over a duplicate of nl's descriptor,
// such as that of a net.Listen("tcp", ...) listener, to take its
// connections with the runtime. nl stays open and the caller's to close;
// both take connections from the same queue.
func FromListener(nl net.Listener) (*Listener, error) {
	fd, err := dupOf("from listener", nl, true)
	if err != nil {
		return nil, err
	}
	return newListener(fd), nil
}

// FileListener is FromListener for a listening socket held as an
// *os.File, such as one inherited from a parent process (socket
// activation). f stays open and the caller's to close; see FileConn about
// the non-blocking mode.
func FileListener(f *os.File) (*Listener, error) {
	fd, err := dupOf("file listener", f, true)
	if err != nil {
		return nil, err
	}
	return newListener(fd), nil
}

// dupOf duplicates the descriptor of x (see netfd.Dup) and checks that
// the copy is a TCP socket that listens, or does not if it is to be a
// connection.
func dupOf(op string, x any, listener bool) (int, error) {
	fd, err := netfd.Dup(x, func(fd int) error { return checkSocket(fd, listener) })
	if err != nil {
		return -1, fmt.Errorf("tcp: %s: %w", op, err)
	}
	return fd, nil
}

// errNotTCP is wrapped by the errors of adopting a descriptor that is not
// a TCP socket of the right kind.
var errNotTCP = errors.New("not a TCP socket")

// checkSocket checks that fd is a stream socket of the internet families
// (the family of its local address, which every system reports; SO_DOMAIN
// is missing on macOS), listening if listener, and TCP where the system
// says (SO_PROTOCOL). A Unix stream socket, a UDP socket, a pipe or a file
// fails here with an error that says which it is.
func checkSocket(fd int, listener bool) error {
	if err := netfd.CheckStream(fd, listener, "TCP", isInet, errNotTCP); err != nil {
		return err
	}
	return checkProtocol(fd)
}

func isInet(sa unix.Sockaddr) bool {
	switch sa.(type) {
	case *unix.SockaddrInet4, *unix.SockaddrInet6:
		return true
	}
	return false
}
