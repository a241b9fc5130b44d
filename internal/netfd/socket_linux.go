package netfd

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Socket opens a non-blocking, close-on-exec socket. Linux sets both flags
// in the socket call itself, so no fork between two calls can leak the
// descriptor into a child process.
func Socket(domain, typ, proto int) (int, error) {
	if err := injected(SysSocket, AnyFD); err != nil {
		return -1, err
	}
	return unix.Socket(domain, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}

// Socketpair opens two connected Unix sockets of type typ, non-blocking
// and close-on-exec as Socket's.
func Socketpair(typ int) ([2]int, error) {
	if err := injected(SysSocket, AnyFD); err != nil {
		return [2]int{-1, -1}, err
	}
	return unix.Socketpair(unix.AF_UNIX, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}

// Accept takes a connection off a listener's queue, non-blocking and
// close-on-exec from the start (accept4(2)). It asks for no address, so it
// allocates nothing; a connection learns its peer's address from the
// kernel if someone wants it. It is a raw system call: on a non-blocking
// listener it cannot block.
func Accept(fd int) (int, error) {
	if err := injected(SysAccept, fd); err != nil {
		return -1, err
	}
	nfd, _, errno := unix.RawSyscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0,
		unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(nfd), nil
}

// ListenBacklog is the kernel's limit on an accept queue,
// net.core.somaxconn; a larger backlog would be cut to it anyway.
func ListenBacklog() int {
	b, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	if err != nil {
		return defaultBacklog
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 {
		return defaultBacklog
	}
	return n
}
