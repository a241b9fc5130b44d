//go:build !linux

package tcp

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// newSocket opens a non-blocking, close-on-exec TCP socket. Not every
// system has SOCK_NONBLOCK and SOCK_CLOEXEC (macOS has neither), so the
// flags are set after the call; holding syscall.ForkLock for reading, as
// the net package does, keeps a concurrent fork from inheriting the
// descriptor before close-on-exec is set.
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
	return fd, setNonblock(fd)
}

// accept takes a connection off the listener's queue and makes it
// non-blocking and close-on-exec, under ForkLock as newSocket does.
func accept(fd int) (int, error) {
	syscall.ForkLock.RLock()
	nfd, _, err := unix.Accept(fd)
	if err == nil {
		unix.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	if err := setNonblock(nfd); err != nil {
		return -1, err
	}
	return nfd, nil
}

// setNonblock makes fd non-blocking, closing it if that fails.
func setNonblock(fd int) error {
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return err
	}
	return nil
}

// listenBacklog is the accept queue asked for; the kernel cuts it to its
// own limit (kern.ipc.somaxconn on the BSDs and macOS).
func listenBacklog() int { return defaultBacklog }
