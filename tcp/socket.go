package tcp

import (
	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
)

// newSocket opens a non-blocking, close-on-exec TCP socket.
func newSocket(domain int) (int, error) {
	return netfd.Socket(domain, unix.SOCK_STREAM, unix.IPPROTO_TCP)
}

// accept and listenBacklog are netfd's: the raw accept4(2) on Linux, and
// the kernel's limit on the accept queue.
var (
	accept        = netfd.Accept
	listenBacklog = netfd.ListenBacklog
)
