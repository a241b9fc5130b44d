//go:build !linux

package netfd

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// Socket opens a non-blocking, close-on-exec socket. Not every system has
// SOCK_NONBLOCK and SOCK_CLOEXEC (macOS has neither), so the flags are set
// after the call; holding syscall.ForkLock for reading, as the net package
// does, keeps a concurrent fork from inheriting the descriptor before
// close-on-exec is set.
func Socket(domain, typ, proto int) (int, error) {
	if err := injected(SysSocket, AnyFD); err != nil {
		return -1, err
	}
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(domain, typ, proto)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	return fd, setNonblock(fd)
}

// Socketpair opens two connected Unix sockets of type typ, made
// non-blocking and close-on-exec as Socket's are.
func Socketpair(typ int) ([2]int, error) {
	if err := injected(SysSocket, AnyFD); err != nil {
		return [2]int{-1, -1}, err
	}
	syscall.ForkLock.RLock()
	fds, err := unix.Socketpair(unix.AF_UNIX, typ, 0)
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return fds, err
	}
	if err := setNonblock(fds[0]); err != nil {
		unix.Close(fds[1])
		return fds, err
	}
	if err := setNonblock(fds[1]); err != nil {
		unix.Close(fds[0])
		return fds, err
	}
	return fds, nil
}

// Accept takes a connection off a listener's queue and makes it
// non-blocking and close-on-exec, under ForkLock as Socket does.
func Accept(fd int) (int, error) {
	if err := injected(SysAccept, fd); err != nil {
		return -1, err
	}
	syscall.ForkLock.RLock()
	nfd, _, err := unix.Accept(fd)
	if err == nil {
		unix.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	return nfd, setNonblock(nfd)
}

// setNonblock makes fd non-blocking, closing it if that fails.
func setNonblock(fd int) error {
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return err
	}
	return nil
}

// ListenBacklog is the accept queue asked for; the kernel cuts it to its
// own limit (kern.ipc.somaxconn on the BSDs and macOS).
func ListenBacklog() int { return defaultBacklog }
