package tcp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
)

// endpoint is an address resolved for the socket calls.
type endpoint struct {
	domain int
	sa     unix.Sockaddr
	addr   *net.TCPAddr
}

// resolve parses "host:port" without looking anything up. host is an IP
// address, "localhost" (127.0.0.1) or, when listening, empty (every IPv4
// address); port is a number. Anything else is an error for Listen; for
// Connect it sets lookup, and the name (or service) goes to package dns.
func resolve(op, addr string, listening bool) (ep endpoint, lookup bool, err error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return endpoint{}, false, fmt.Errorf("tcp: %s %q: %w", op, addr, err)
	}
	ap, hostOK, portOK := netfd.LiteralAddrPort(host, portText, listening)
	if !portOK {
		if !listening && portText != "" {
			return endpoint{}, true, nil // perhaps a service name, such as "http"
		}
		return endpoint{}, false, fmt.Errorf("tcp: %s %q: port %q is not a number from 0 to 65535", op, addr, portText)
	}
	if !hostOK {
		if !listening && host != "" {
			return endpoint{}, true, nil
		}
		return endpoint{}, false, fmt.Errorf("tcp: %s %q: host %q is not an IP address or localhost (Listen looks no names up)", op, addr, host)
	}
	if ap.Addr().Zone() != "" {
		return endpoint{}, false, fmt.Errorf("tcp: %s %q: IPv6 zones are not supported", op, addr)
	}
	if ap.Port() == 0 && !listening {
		return endpoint{}, false, &net.OpError{Op: op, Net: "tcp", Addr: net.TCPAddrFromAddrPort(ap), Err: errPortZero}
	}
	return endpointOf(ap), false, nil
}

// errPortZero is the error of a connect to port 0, which no one listens on.
var errPortZero = errors.New("port 0 is not a port to connect to")

// endpointOf converts an address and port for the socket calls. An IPv4
// address written as IPv6 (::ffff:127.0.0.1) goes over IPv4, which works
// whether or not the host has IPv6.
func endpointOf(ap netip.AddrPort) endpoint {
	ip := ap.Addr().Unmap()
	ap = netip.AddrPortFrom(ip, ap.Port())
	if ip.Is4() {
		return endpoint{unix.AF_INET, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ip.As4()}, net.TCPAddrFromAddrPort(ap)}
	}
	return endpoint{unix.AF_INET6, &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ip.As16()}, net.TCPAddrFromAddrPort(ap)}
}

// tcpAddr converts a socket address from the kernel; nil if it is not an
// internet address.
func tcpAddr(sa unix.Sockaddr) *net.TCPAddr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return &net.TCPAddr{IP: net.IPv4(sa.Addr[0], sa.Addr[1], sa.Addr[2], sa.Addr[3]), Port: sa.Port}
	case *unix.SockaddrInet6:
		a := &net.TCPAddr{IP: append(net.IP(nil), sa.Addr[:]...), Port: sa.Port}
		if sa.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(sa.ZoneId)); err == nil {
				a.Zone = ifi.Name
			}
		}
		return a
	}
	return nil
}

// localAddr returns the address fd is bound to, or nil.
func localAddr(fd int) *net.TCPAddr {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil
	}
	return tcpAddr(sa)
}
