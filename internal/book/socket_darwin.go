package book

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// newSocket opens a non-blocking, close-on-exec TCP socket. macOS has no
// SOCK_NONBLOCK or SOCK_CLOEXEC, so the flags are set after the socket call;
// holding syscall.ForkLock for reading, as the net package does, keeps a
// concurrent fork from inheriting the descriptor before close-on-exec is set.
func newSocket(domain int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(domain, unix.SOCK_STREAM, unix.IPPROTO_TCP)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}
