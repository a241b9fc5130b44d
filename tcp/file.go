package tcp

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
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

// dupOf duplicates the descriptor of x, which must implement
// syscall.Conn, checks that the copy is a TCP socket that listens, or
// does not if it is to be a connection, and makes it non-blocking.
// SyscallConn reaches the descriptor without the side effect of
// os.File.Fd, which would switch the file to blocking mode.
func dupOf(op string, x any, listener bool) (int, error) {
	sc, ok := x.(syscall.Conn)
	if !ok {
		return -1, fmt.Errorf("tcp: %s: %T has no descriptor (it does not implement syscall.Conn)", op, x)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("tcp: %s: %w", op, err)
	}
	fd := -1
	var dupErr error
	if err := rc.Control(func(sysfd uintptr) {
		// F_DUPFD_CLOEXEC sets close-on-exec in the same call, so no
		// fork can inherit the copy in between.
		fd, dupErr = unix.FcntlInt(sysfd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1, fmt.Errorf("tcp: %s: %w", op, err)
	}
	if dupErr != nil {
		return -1, fmt.Errorf("tcp: %s: fcntl F_DUPFD_CLOEXEC: %w", op, dupErr)
	}
	if err := checkSocket(fd, listener); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("tcp: %s: %w", op, err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("tcp: %s: set non-blocking: %w", op, err)
	}
	return fd, nil
}

// errNotTCP is wrapped by the errors of adopting a descriptor that is not
// a TCP socket of the right kind.
var errNotTCP = errors.New("not a TCP socket")

// checkSocket checks that fd is a stream socket (SO_TYPE) of the internet
// families (the family of its local address, which every system reports;
// SO_DOMAIN is missing on macOS), and that it listens (SO_ACCEPTCONN) if
// listener, or does not if not. A Unix stream socket, a UDP socket, a
// pipe or a file fails here with an error that says which it is.
func checkSocket(fd int, listener bool) error {
	typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return fmt.Errorf("%w: getsockopt SO_TYPE: %w", errNotTCP, err)
	}
	if typ != unix.SOCK_STREAM {
		return fmt.Errorf("%w: socket type %d is not SOCK_STREAM", errNotTCP, typ)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return fmt.Errorf("%w: getsockname: %w", errNotTCP, err)
	}
	switch sa.(type) {
	case *unix.SockaddrInet4, *unix.SockaddrInet6:
	default:
		return fmt.Errorf("%w: a stream socket of address type %T", errNotTCP, sa)
	}
	if err := checkProtocol(fd); err != nil {
		return err
	}
	acc, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	if err != nil {
		return fmt.Errorf("getsockopt SO_ACCEPTCONN: %w", err)
	}
	switch {
	case listener && acc == 0:
		return fmt.Errorf("the TCP socket is not listening")
	case !listener && acc != 0:
		return fmt.Errorf("the TCP socket is a listener, not a connection")
	}
	return nil
}
