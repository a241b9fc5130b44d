package netfd

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The fuzz targets of the addresses netfd reads: host and port text, in
// LiteralAddrPort, and the socket addresses the kernel writes, in RawAddr.
// Run them with
//
//	go test -run='^$' -fuzz='^FuzzLiteralAddrPort$' -fuzztime=5s -parallel=1 ./internal/netfd
//	go test -run='^$' -fuzz='^FuzzRawAddr$' -fuzztime=5s -parallel=1 ./internal/netfd

// FuzzLiteralAddrPort checks LiteralAddrPort against the standard
// library, on any host and port:
//
//   - portOK exactly when netip.ParseAddrPort takes the port, and then the
//     port is its;
//   - hostOK exactly for localhost, for an empty host when emptyIsAny, and
//     for what netip.ParseAddr takes; every address net.ParseIP takes is
//     taken, and for those net.ResolveTCPAddr (which looks nothing up for
//     an IP literal and a numeric port) gives the same address;
//   - the address is never an IPv4-mapped IPv6 one, keeps the host's zone
//     (except on a mapped address, where the zone goes with the mapping, as
//     it does when the net package dials such an address over IPv4), and
//     comes back the same from its String through netip.ParseAddrPort.
//
// Intentional differences from net.ResolveTCPAddr: an empty host is
// 0.0.0.0 (IPv4 only) rather than the unspecified address of either
// family; "localhost" is 127.0.0.1 without a look-up; and a port is digits
// only, where net takes a sign ("+80") and an empty port as 0. As in
// netip, and unlike net, a zone on an IPv4 address or an empty zone
// ("fe80::1%") is refused.
func FuzzLiteralAddrPort(f *testing.F) {
	for _, s := range [][2]string{
		{"127.0.0.1", "80"}, {"LocalHost", "0"}, {"", "9"}, {"::ffff:10.0.0.1", "1"},
		{"::1", "443"}, {"example.com", "http"}, {"10.0.0.1", "65536"}, {"fe80::1%eth0", "53"},
		{"::ffff:1.2.3.4%eth0", "80"}, {"1.2.3.4%eth0", "80"}, {"fe80::1%", "1"}, {"01.2.3.4", "1"},
		{"1.2.3.4", "+80"}, {"1.2.3.4", "0080"}, {"1.2.3.4", ""}, {"[::1]", "80"}, {"::1", "-0"},
	} {
		f.Add(s[0], s[1], false)
		f.Add(s[0], s[1], true)
	}
	f.Fuzz(func(t *testing.T, host, port string, emptyIsAny bool) {
		ap, hostOK, portOK := LiteralAddrPort(host, port, emptyIsAny)

		ref, err := netip.ParseAddrPort("0.0.0.0:" + port)
		if portOK != (err == nil) || portOK && ap.Port() != ref.Port() {
			t.Errorf("LiteralAddrPort(%q, %q): port %d, portOK %v; netip reads %d, %v", host, port, ap.Port(), portOK, ref.Port(), err)
		}

		var wantHost netip.Addr
		switch {
		case strings.EqualFold(host, "localhost"):
			wantHost = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		case host == "" && emptyIsAny:
			wantHost = netip.IPv4Unspecified()
		default:
			wantHost, _ = netip.ParseAddr(host)
			if wantHost.Is4In6() {
				wantHost = wantHost.Unmap() // and the zone with it
			}
		}
		if hostOK != wantHost.IsValid() || hostOK && ap.Addr() != wantHost {
			t.Errorf("LiteralAddrPort(%q, %q, %v): %v, hostOK %v; want %v", host, port, emptyIsAny, ap.Addr(), hostOK, wantHost)
		}
		if net.ParseIP(host) != nil && !hostOK {
			t.Errorf("LiteralAddrPort(%q, %q): host refused, but net.ParseIP takes it", host, port)
		}
		if !hostOK || !portOK {
			return
		}

		if ap.Addr().Is4In6() {
			t.Errorf("LiteralAddrPort(%q, %q) = %v, an IPv4-mapped address", host, port, ap)
		}
		if back, err := netip.ParseAddrPort(ap.String()); err != nil || back != ap {
			t.Errorf("LiteralAddrPort(%q, %q) = %v, which netip.ParseAddrPort reads back as %v, %v", host, port, ap, back, err)
		}
		// net.ResolveTCPAddr looks nothing up for an IP literal and a
		// port of digits; "localhost" and "" are not literals to it. It
		// takes "host:port", which cannot hold every zone netip takes:
		// one with a "]" ("::%]") comes back from JoinHostPort as
		// "[::%]]:0", which SplitHostPort refuses. tcp and udp split
		// their input with SplitHostPort, so no such host reaches
		// LiteralAddrPort from them.
		hp := net.JoinHostPort(host, port)
		if h, p, err := net.SplitHostPort(hp); err == nil && h == host && p == port &&
			host != "" && !strings.EqualFold(host, "localhost") && isDigits(port) {
			ta, err := net.ResolveTCPAddr("tcp", hp)
			if err != nil {
				t.Fatalf("LiteralAddrPort(%q, %q) = %v; net.ResolveTCPAddr(%q): %v", host, port, ap, hp, err)
			}
			if ref := ta.AddrPort(); netip.AddrPortFrom(ref.Addr().Unmap(), ref.Port()) != ap {
				t.Errorf("LiteralAddrPort(%q, %q) = %v; net.ResolveTCPAddr gives %v", host, port, ap, ref)
			}
		}
	})
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// FuzzRawAddr fills a RawAddr with any bytes and length, as recvfrom(2)
// or a broken kernel might, and checks that reading it never panics nor
// reads past the length, and that an address it reads converts to
// x/sys/unix's form and back to the same address: internet addresses
// field for field, Unix names byte for byte (except one of all 108 bytes
// of sun_path, which Set refuses, as x/sys/unix does, since it leaves no
// room for the terminating NUL).
func FuzzRawAddr(f *testing.F) {
	var a RawAddr
	add := func(n uint32) {
		f.Add(unsafe.Slice((*byte)(unsafe.Pointer(&a.Any)), unsafe.Sizeof(a.Any)), n)
	}
	a.SetInet4([4]byte{127, 0, 0, 1}, 80)
	add(a.Len)
	add(a.Len - 1)
	a.SetInet6([16]byte{0xfe, 0x80, 15: 1}, 443, 2)
	add(a.Len)
	add(1 << 31)
	a.setUnix("/tmp/sock")
	add(a.Len)
	add(a.Len - 3)
	a.setUnix("@abstract\x00name")
	add(a.Len)
	add(2)
	add(0)
	f.Fuzz(func(t *testing.T, raw []byte, n uint32) {
		var a RawAddr
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&a.Any)), unsafe.Sizeof(a.Any)), raw)
		a.Len = n
		// Bytes past the length must not matter: set them all and read
		// again.
		b := a
		used := min(int(n), int(unsafe.Sizeof(b.Any)))
		tail := unsafe.Slice((*byte)(unsafe.Pointer(&b.Any)), unsafe.Sizeof(b.Any))[used:]
		for i := range tail {
			tail[i] = 0xa5
		}

		sa, err := a.Sockaddr()
		saB, errB := b.Sockaddr()
		if (err == nil) != (errB == nil) || err == nil && !sameSockaddr(sa, saB) {
			t.Fatalf("bytes past the length %d changed the address: %#v, %v and %#v, %v", n, sa, err, saB, errB)
		}
		if err != nil {
			if f := a.Family(); f == unix.AF_UNIX {
				t.Fatalf("a Unix address of %d bytes is refused: %v", n, err)
			}
			return
		}
		if in4 := a.Inet4(); in4 != nil && a.Inet6() != nil {
			t.Fatalf("address of family %d is both IPv4 and IPv6", a.Family())
		}

		var back RawAddr
		if err := back.Set(sa); err != nil {
			if u, ok := sa.(*unix.SockaddrUnix); ok && len(u.Name) >= len(unix.RawSockaddrUnix{}.Path) && strings.Contains(err.Error(), "longer than") {
				return // all of sun_path: see the doc comment
			}
			t.Fatalf("Set(%#v), from the bytes of a RawAddr: %v", sa, err)
		}
		sa2, err := back.Sockaddr()
		if err != nil || !sameSockaddr(sa, sa2) {
			t.Fatalf("%#v comes back from Set and Sockaddr as %#v, %v", sa, sa2, err)
		}
	})
}

// sameSockaddr reports whether a and b, of x/sys/unix's forms, are the
// same address.
func sameSockaddr(a, b unix.Sockaddr) bool {
	switch a := a.(type) {
	case *unix.SockaddrInet4:
		b, ok := b.(*unix.SockaddrInet4)
		return ok && a.Port == b.Port && a.Addr == b.Addr
	case *unix.SockaddrInet6:
		b, ok := b.(*unix.SockaddrInet6)
		return ok && a.Port == b.Port && a.Addr == b.Addr && a.ZoneId == b.ZoneId
	case *unix.SockaddrUnix:
		b, ok := b.(*unix.SockaddrUnix)
		return ok && a.Name == b.Name
	}
	return false
}
