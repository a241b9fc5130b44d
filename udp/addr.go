package udp

import (
	"errors"
	"net"
	"net/netip"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
)

// family describes this package's sockets to netfd: the Net of their
// errors and the form of their addresses.
var family = &netfd.Family{Net: "udp", Addr: sockaddrToAddr}

// parseAddr parses "host:port", where host is an IP address (with a zone,
// for a link-local IPv6 address), "localhost" (127.0.0.1) or, when binding,
// empty (every IPv4 address); port 0 is allowed only when binding. Names
// are not looked up, since a lookup would block.
func parseAddr(op, addr string, binding bool) (netip.AddrPort, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		msg := err.Error()
		if ae, ok := err.(*net.AddrError); ok {
			msg = ae.Err
		}
		return netip.AddrPort{}, addrError(op, addr, msg)
	}
	ap, hostOK, portOK := netfd.LiteralAddrPort(host, portText, binding)
	if !portOK || ap.Port() == 0 && !binding {
		return netip.AddrPort{}, addrError(op, addr, "port "+strconv.Quote(portText)+" is not a number from 1 to 65535")
	}
	if !hostOK {
		return netip.AddrPort{}, addrError(op, addr, "host "+strconv.Quote(host)+" is not an IP address or localhost (names are not looked up)")
	}
	return ap, nil
}

func addrError(op, addr, msg string) error {
	return &net.OpError{Op: op, Net: "udp", Err: &net.AddrError{Err: msg, Addr: addr}}
}

// domain is the address family of a socket for ap.
func domain(ap netip.AddrPort) int {
	if ap.Addr().Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// errFamily is the cause of a send to an IPv6 address from an IPv4
// socket, which has no way to reach it.
var errFamily = errors.New("IPv6 destination on an IPv4 socket")

// setRaw writes ap into raw in the form a socket of address family dom
// wants: an IPv4 destination of an IPv6 socket is mapped (::ffff:a.b.c.d),
// as the kernel expects. It allocates nothing unless ap has a zone that is
// an interface name rather than an index.
func setRaw(raw *netfd.RawAddr, dom int, ap netip.AddrPort) error {
	ip := ap.Addr()
	if !ip.IsValid() {
		return errors.New("no address")
	}
	if dom == unix.AF_INET {
		if ip.Is4In6() {
			ip = ip.Unmap()
		}
		if !ip.Is4() {
			return errFamily
		}
		raw.SetInet4(ip.As4(), ap.Port())
		return nil
	}
	scope, err := zoneIndex(ip.Zone())
	if err != nil {
		return err
	}
	raw.SetInet6(ip.As16(), ap.Port(), scope)
	return nil
}

// zoneIndex converts an IPv6 zone, an interface index or name, to the
// index the kernel wants. A name costs a look-up of the interfaces.
func zoneIndex(zone string) (uint32, error) {
	if zone == "" {
		return 0, nil
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n), nil
	}
	ifi, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, err
	}
	return uint32(ifi.Index), nil
}

// rawToAddrPort reads an internet address the kernel wrote. It allocates
// nothing, except for the zone of an IPv6 address with a scope (a
// link-local sender), which is written as the interface's index. An
// IPv4 sender seen by an IPv6 socket stays mapped (::ffff:a.b.c.d), so
// that a reply sent to it goes back the same way.
func rawToAddrPort(raw *netfd.RawAddr) netip.AddrPort {
	if sa := raw.Inet4(); sa != nil {
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), netfd.Port(&sa.Port))
	}
	if sa := raw.Inet6(); sa != nil {
		ip := netip.AddrFrom16(sa.Addr)
		if sa.Scope_id != 0 {
			ip = ip.WithZone(strconv.FormatUint(uint64(sa.Scope_id), 10))
		}
		return netip.AddrPortFrom(ip, netfd.Port(&sa.Port))
	}
	return netip.AddrPort{}
}

// sockaddrToAddr converts the kernel's address for LocalAddr, RemoteAddr
// and errors; nil (an untyped nil, so that the interface is nil) if it is
// not an internet address.
func sockaddrToAddr(sa unix.Sockaddr) net.Addr {
	var raw netfd.RawAddr
	if raw.Set(sa) != nil {
		return nil
	}
	ap := rawToAddrPort(&raw)
	if !ap.IsValid() {
		return nil
	}
	return net.UDPAddrFromAddrPort(ap)
}
