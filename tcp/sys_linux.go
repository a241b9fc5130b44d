package tcp

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// newSocket opens a non-blocking, close-on-exec TCP socket. Linux sets both
// flags in the socket call itself, so no fork between two calls can leak the
// descriptor into a child process.
func newSocket(domain int) (int, error) {
	return unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
}

// accept takes a connection off the listener's queue, non-blocking and
// close-on-exec from the start (accept4(2)). It asks for no address, so it
// allocates nothing, and it is a raw system call, since on a non-blocking
// listener it cannot block.
func accept(fd int) (int, error) {
	nfd, _, errno := unix.RawSyscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0,
		unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(nfd), nil
}

// listenBacklog is the kernel's limit on the accept queue,
// net.core.somaxconn; a larger backlog would be cut to it anyway.
func listenBacklog() int {
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
