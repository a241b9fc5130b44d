package udp

import (
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// membership4 joins or leaves an IPv4 group. Linux names the interface by
// its index (struct ip_mreqn), so an interface without an IPv4 address of
// its own, or with several, still works.
func membership4(fd int, group [4]byte, ifi *net.Interface, join bool) error {
	mreq := &unix.IPMreqn{Multiaddr: group}
	if ifi != nil {
		mreq.Ifindex = int32(ifi.Index)
	}
	opt, name := unix.IP_ADD_MEMBERSHIP, "setsockopt IP_ADD_MEMBERSHIP"
	if !join {
		opt, name = unix.IP_DROP_MEMBERSHIP, "setsockopt IP_DROP_MEMBERSHIP"
	}
	return os.NewSyscallError(name, unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, opt, mreq))
}

// setMulticastIf4 sets the interface IPv4 multicast leaves by, by index.
func setMulticastIf4(fd int, ifi *net.Interface) error {
	mreq := &unix.IPMreqn{}
	if ifi != nil {
		mreq.Ifindex = int32(ifi.Index)
	}
	return os.NewSyscallError("setsockopt IP_MULTICAST_IF", unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_IF, mreq))
}
