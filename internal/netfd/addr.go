package netfd

import (
	"net/netip"
	"strconv"
	"strings"
)

// LiteralAddrPort parses host and port, as net.SplitHostPort split them
// from "host:port", without looking anything up: host is an IP address
// (an IPv4 address written as IPv6, ::ffff:127.0.0.1, comes back as IPv4,
// which works whether or not the host has IPv6), "localhost" (127.0.0.1),
// or, if emptyIsAny, empty for every IPv4 address; port is a number from
// 0 to 65535. hostOK and portOK report which parts parsed, so that the
// caller can look a name up or say what is wrong in its own words.
func LiteralAddrPort(host, port string, emptyIsAny bool) (ap netip.AddrPort, hostOK, portOK bool) {
	p, err := strconv.ParseUint(port, 10, 16)
	portOK = err == nil
	ipText := host
	switch {
	case strings.EqualFold(host, "localhost"):
		ipText = "127.0.0.1"
	case host == "" && emptyIsAny:
		ipText = "0.0.0.0"
	}
	ip, err := netip.ParseAddr(ipText)
	hostOK = err == nil
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	return netip.AddrPortFrom(ip, uint16(p)), hostOK, portOK
}
