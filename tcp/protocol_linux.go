package tcp

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// checkProtocol checks SO_PROTOCOL: an internet stream socket could be
// SCTP rather than TCP (sctp(7)). Multipath TCP passes: it is TCP to the
// application, and Go's net.Listen makes MPTCP listeners by default since
// Go 1.24 where the kernel has it.
func checkProtocol(fd int) error {
	p, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_PROTOCOL)
	if err != nil {
		return fmt.Errorf("%w: getsockopt SO_PROTOCOL: %w", errNotTCP, err)
	}
	if p != unix.IPPROTO_TCP && p != unix.IPPROTO_MPTCP {
		return fmt.Errorf("%w: protocol %d is not TCP", errNotTCP, p)
	}
	return nil
}
