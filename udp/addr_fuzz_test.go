package udp

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
)

// FuzzParseAddr checks parseAddr, the parser of the addresses Listen and
// Dial take, on any text, and the conversions of what it returns to the
// kernel's form and back. Run it with
//
//	go test -run='^$' -fuzz='^FuzzParseAddr$' -fuzztime=5s -parallel=1 ./udp
//
// It checks that
//
//   - an error is a *net.OpError of Net "udp" and the operation, around a
//     *net.AddrError whose Addr is the input;
//   - every input with an IP literal host (as net.ParseIP reads it, or an
//     IPv6 address with a zone; or localhost, or an empty host when
//     binding) and a port of digits up to 65535 (at least 1 unless
//     binding) is taken, and nothing else is; what is taken is the address
//     net.ResolveUDPAddr gives (which looks nothing up for such input),
//     IPv4-mapped addresses as IPv4;
//   - the address's String parses to the same address again;
//   - written into a RawAddr for a socket of its family, or, for an IPv4
//     address, of IPv6, it reads back as the same address (mapped, from
//     an IPv6 socket), with its zone as the interface index.
//
// Intentional differences from net.ResolveUDPAddr: an empty host, when
// binding, is 0.0.0.0 (IPv4 only); "localhost" is 127.0.0.1 without a
// look-up; a port is digits only (net takes "+80", and "" as 0) and no
// service name is looked up; port 0 is refused unless binding; and, as
// in netip, a zone on an IPv4 address and an empty zone are refused,
// while a zone on an IPv4-mapped address goes with the mapping. Zones
// that are interface names are not written into a RawAddr here, since
// that looks the name up among this machine's interfaces.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{
		"127.0.0.1:80", "localhost:0", ":9", "[::ffff:10.0.0.1]:1", "[::1]:443", "example.com:53",
		"10.0.0.1:65536", "[fe80::1%eth0]:53", "[fe80::1%2]:53", "[fe80::1%0]:53", "[fe80::1%007]:53",
		"[::ffff:1.2.3.4%eth0]:80", "1.2.3.4%eth0:80", "01.2.3.4:1", "1.2.3.4:+80", "1.2.3.4:0080",
		"1.2.3.4:", "[::1]80", "::1:80", "1.2.3.4", "[1.2.3.4]:80", "", "[]:80", "[::1%]:1",
		"[fe80::1%4294967296]:1", "1.2.3.4:domain",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, addr string, binding bool) {
		op := "dial"
		if binding {
			op = "listen"
		}
		ap, err := parseAddr(op, addr, binding)
		host, port, splitErr := net.SplitHostPort(addr)
		n, portErr := strconv.ParseUint(port, 10, 16)
		want := splitErr == nil && isDigits(port) && portErr == nil && (n > 0 || binding) && isLiteralHost(host, binding)

		if err != nil {
			var oe *net.OpError
			var ae *net.AddrError
			if !errors.As(err, &oe) || oe.Op != op || oe.Net != "udp" || !errors.As(err, &ae) || ae.Addr != addr {
				t.Errorf("parseAddr(%q, %q, %v): %#v; want a *net.OpError around a *net.AddrError naming the input", op, addr, binding, err)
			}
			if want {
				t.Errorf("parseAddr(%q, %q, %v) refuses a literal: %v", op, addr, binding, err)
			}
			return
		}
		if !want {
			t.Fatalf("parseAddr(%q, %q, %v) = %v; want an error", op, addr, binding, ap)
		}
		if ap.Addr().Is4In6() {
			t.Errorf("parseAddr(%q) = %v, an IPv4-mapped address", addr, ap)
		}
		if host != "" && !strings.EqualFold(host, "localhost") {
			ua, err := net.ResolveUDPAddr("udp", addr)
			if err != nil {
				t.Fatalf("parseAddr(%q) = %v; net.ResolveUDPAddr: %v", addr, ap, err)
			}
			ref := ua.AddrPort()
			if ref.Addr().Is4In6() {
				ref = netip.AddrPortFrom(ref.Addr().Unmap(), ref.Port()) // and the zone with it
			}
			if ref != ap {
				t.Errorf("parseAddr(%q) = %v; net.ResolveUDPAddr gives %v", addr, ap, ref)
			}
		}
		if again, err := parseAddr(op, ap.String(), binding); err != nil || again != ap {
			t.Errorf("parseAddr(%q) = %v, whose String parses as %v, %v", addr, ap, again, err)
		}
		checkRaw(t, ap, domain(ap))
		if ap.Addr().Is4() {
			checkRaw(t, ap, unix.AF_INET6)
		}
	})
}

// checkRaw writes ap into a RawAddr for a socket of the domain dom and
// checks that it reads back the same, its zone as an index.
func checkRaw(t *testing.T, ap netip.AddrPort, dom int) {
	t.Helper()
	zone := ap.Addr().Zone()
	index, err := strconv.ParseUint(zone, 10, 32)
	if zone != "" && err != nil {
		return // an interface name: see FuzzParseAddr
	}
	var raw netfd.RawAddr
	if err := setRaw(&raw, dom, ap); err != nil {
		t.Fatalf("setRaw(%v, domain %d): %v", ap, dom, err)
	}
	want := ap
	switch {
	case dom == unix.AF_INET6 && ap.Addr().Is4():
		want = netip.AddrPortFrom(netip.AddrFrom16(ap.Addr().As16()), ap.Port())
	case index == 0:
		want = netip.AddrPortFrom(ap.Addr().WithZone(""), ap.Port())
	default:
		want = netip.AddrPortFrom(ap.Addr().WithZone(strconv.FormatUint(index, 10)), ap.Port())
	}
	if got := rawToAddrPort(&raw); got != want {
		t.Errorf("%v, written for domain %d, reads back as %v; want %v", ap, dom, got, want)
	}
	sa, err := raw.Sockaddr()
	if err != nil {
		t.Fatalf("%v, written for domain %d: Sockaddr: %v", ap, dom, err)
	}
	if ua, ok := sockaddrToAddr(sa).(*net.UDPAddr); !ok || ua.AddrPort() != want {
		t.Errorf("%v, written for domain %d, converts to %v; want %v", ap, dom, sockaddrToAddr(sa), want)
	}
}

// isLiteralHost reports whether parseAddr should take host: an address
// net.ParseIP reads, an IPv6 address with a zone, localhost, or, when
// binding, nothing.
func isLiteralHost(host string, binding bool) bool {
	switch {
	case host == "":
		return binding
	case strings.EqualFold(host, "localhost"):
		return true
	case strings.Contains(host, "%"):
		ip, zone, _ := strings.Cut(host, "%")
		a, err := netip.ParseAddr(host)
		return err == nil && zone != "" && a.Is6() && net.ParseIP(ip) != nil
	}
	return net.ParseIP(host) != nil
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
