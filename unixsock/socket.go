package unixsock

import (
	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
)

// newSocket opens a non-blocking, close-on-exec Unix socket of type typ
// (SOCK_STREAM, SOCK_DGRAM).
func newSocket(typ int) (int, error) { return netfd.Socket(unix.AF_UNIX, typ, 0) }

// newPair, accept and listenBacklog are netfd's: a connected pair, the raw
// accept4(2) on Linux, and the kernel's limit on the accept queue, which
// applies to Unix sockets too.
var (
	newPair       = netfd.Socketpair
	accept        = netfd.Accept
	listenBacklog = netfd.ListenBacklog
)
