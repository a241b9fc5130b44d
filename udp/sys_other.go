//go:build !linux

package udp

import (
	"errors"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// membership4 joins or leaves an IPv4 group. The BSDs and macOS name the
// interface by one of its IPv4 addresses (struct ip_mreq).
func membership4(fd int, group [4]byte, ifi *net.Interface, join bool) error {
	local, err := ipv4Of(ifi)
	if err != nil {
		return err
	}
	mreq := &unix.IPMreq{Multiaddr: group, Interface: local}
	opt, name := unix.IP_ADD_MEMBERSHIP, "setsockopt IP_ADD_MEMBERSHIP"
	if !join {
		opt, name = unix.IP_DROP_MEMBERSHIP, "setsockopt IP_DROP_MEMBERSHIP"
	}
	return os.NewSyscallError(name, unix.SetsockoptIPMreq(fd, unix.IPPROTO_IP, opt, mreq))
}

// setMulticastIf4 sets the interface IPv4 multicast leaves by, by address.
func setMulticastIf4(fd int, ifi *net.Interface) error {
	local, err := ipv4Of(ifi)
	if err != nil {
		return err
	}
	return os.NewSyscallError("setsockopt IP_MULTICAST_IF", unix.SetsockoptInet4Addr(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_IF, local))
}

// ipv4Of returns the first IPv4 address of ifi, for the systems whose
// IPv4 multicast options name an interface by its address.
func ipv4Of(ifi *net.Interface) ([4]byte, error) {
	if ifi == nil {
		return [4]byte{}, nil // INADDR_ANY: the kernel picks
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return [4]byte{}, err
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip4 := n.IP.To4(); ip4 != nil {
				return [4]byte(ip4), nil
			}
		}
	}
	return [4]byte{}, errors.New("interface " + ifi.Name + " has no IPv4 address")
}
