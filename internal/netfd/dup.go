package netfd

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// Dup duplicates the descriptor of x, which must implement syscall.Conn
// (a net package connection or listener, an *os.File), calls check on the
// copy, and makes it non-blocking: a socket someone else opened, handed
// to the runtime. x keeps its own descriptor. The non-blocking mode is
// shared with x's descriptor, as with net.FileConn.
//
// SyscallConn reaches the descriptor without the side effect of
// os.File.Fd, which would switch the file to blocking mode. Errors are
// not prefixed: the caller names the operation.
func Dup(x any, check func(fd int) error) (int, error) {
	sc, ok := x.(syscall.Conn)
	if !ok {
		return -1, fmt.Errorf("%T has no descriptor (it does not implement syscall.Conn)", x)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var dupErr error
	if err := rc.Control(func(sysfd uintptr) {
		// F_DUPFD_CLOEXEC sets close-on-exec in the same call, so no
		// fork can inherit the copy in between.
		fd, dupErr = unix.FcntlInt(sysfd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1, err
	}
	if dupErr != nil {
		return -1, fmt.Errorf("fcntl F_DUPFD_CLOEXEC: %w", dupErr)
	}
	if err := check(fd); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("set non-blocking: %w", err)
	}
	return fd, nil
}

// CheckStream checks that fd is a stream socket (SO_TYPE) whose local
// address the kernel reports with a family that family accepts, and that
// it listens (SO_ACCEPTCONN) if listener, or does not if not. netName
// ("TCP", "Unix") names the kind in the errors, which wrap notKind.
func CheckStream(fd int, listener bool, netName string, family func(unix.Sockaddr) bool, notKind error) error {
	typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return fmt.Errorf("%w: getsockopt SO_TYPE: %w", notKind, err)
	}
	if typ != unix.SOCK_STREAM {
		return fmt.Errorf("%w: socket type %d is not SOCK_STREAM", notKind, typ)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return fmt.Errorf("%w: getsockname: %w", notKind, err)
	}
	if !family(sa) {
		return fmt.Errorf("%w: a stream socket of address type %T", notKind, sa)
	}
	acc, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	if err != nil {
		return fmt.Errorf("getsockopt SO_ACCEPTCONN: %w", err)
	}
	switch {
	case listener && acc == 0:
		return fmt.Errorf("the %s socket is not listening", netName)
	case !listener && acc != 0:
		return fmt.Errorf("the %s socket is a listener, not a connection", netName)
	}
	return nil
}
