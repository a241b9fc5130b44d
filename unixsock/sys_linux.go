package unixsock

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// abstractNames reports whether the system has abstract socket names,
// which live in the network namespace rather than the file system
// (unix(7)). Only Linux has them.
const abstractNames = true

// defaultBacklog is the accept queue asked for when the kernel's limit is
// not known.
const defaultBacklog = 1024

// newSocket opens a non-blocking, close-on-exec Unix socket of type typ
// (SOCK_STREAM, SOCK_DGRAM). Linux sets both flags in the socket call
// itself, so no fork between two calls can leak the descriptor into a
// child process.
func newSocket(typ int) (int, error) {
	return unix.Socket(unix.AF_UNIX, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}

// newPair opens two connected sockets of type typ, non-blocking and
// close-on-exec from the start.
func newPair(typ int) ([2]int, error) {
	return unix.Socketpair(unix.AF_UNIX, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}

// accept takes a connection off the listener's queue, non-blocking and
// close-on-exec from the start (accept4(2)). It asks for no address (the
// peer of a Unix connection is almost always unnamed), so it allocates
// nothing, and it is a raw system call: on a non-blocking listener it
// cannot block.
func accept(fd int) (int, error) {
	nfd, _, errno := unix.RawSyscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0,
		unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(nfd), nil
}

// listenBacklog is the kernel's limit on the accept queue,
// net.core.somaxconn, which applies to Unix sockets too; a larger backlog
// would be cut to it anyway.
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
