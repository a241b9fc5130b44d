package udp

import (
	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
)

// newSocket opens a non-blocking, close-on-exec UDP socket.
func newSocket(domain int) (int, error) {
	return netfd.Socket(domain, unix.SOCK_DGRAM, unix.IPPROTO_UDP)
}
