package tcp

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// FuzzResolve checks resolve, the parser of the addresses Listen and
// Connect take, on any text, for Listen and for Connect. Run it with
//
//	go test -run='^$' -fuzz='^FuzzResolve$' -fuzztime=5s -parallel=1 ./tcp
//
// It checks that
//
//   - an error names the operation and quotes the input, or, for a
//     connect to port 0, is a *net.OpError naming the address;
//   - a look-up is asked for only by Connect, and only when the host or
//     the port is not a literal, and never for an input net.SplitHostPort
//     refuses;
//   - every input with an IP literal host (as net.ParseIP reads it; or
//     localhost, or an empty host for Listen) and a port of digits up to
//     65535 is taken, and gives the address net.ResolveTCPAddr gives (which
//     looks nothing up for such input), IPv4-mapped addresses as IPv4;
//   - the endpoint is consistent: the socket address and its domain say
//     what the *net.TCPAddr says;
//   - the address's String resolves to the same endpoint again.
//
// Intentional differences from net.ResolveTCPAddr: an empty host, for
// Listen, is 0.0.0.0 (IPv4 only) rather than either family's unspecified
// address; "localhost" is 127.0.0.1 without a look-up; a port is digits
// only (net takes "+80", and "" as 0), and anything else is a service
// name for package dns to look up; zones are refused, where net keeps
// them (but a zone on an IPv4-mapped address goes with the mapping, as
// it does when net dials such an address over IPv4); and Connect refuses
// port 0 at once.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"127.0.0.1:80", "localhost:0", ":9", "[::ffff:10.0.0.1]:1", "[::1]:443", "example.com:http",
		"10.0.0.1:65536", "[fe80::1%eth0]:53", "[::ffff:1.2.3.4%eth0]:80", "1.2.3.4%eth0:80",
		"01.2.3.4:1", "1.2.3.4:+80", "1.2.3.4:0080", "1.2.3.4:", "[::1]80", "::1:80", "1.2.3.4",
		"[1.2.3.4]:80", "[localhost]:80", "", ":", "[]:80", "[::1%]:1", "\x00:\x00",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, addr string, listening bool) {
		op := "dial"
		if listening {
			op = "listen"
		}
		ep, lookup, err := resolve(op, addr, listening)
		host, port, splitErr := net.SplitHostPort(addr)
		literal := splitErr == nil && isDigits(port) && isLiteralHost(host, listening)
		if n, err := strconv.ParseUint(port, 10, 64); literal && n > 65535 || err != nil {
			literal = false
		}

		switch {
		case err != nil && lookup:
			t.Fatalf("resolve(%q, %q, %v) asks for a look-up and fails: %v", op, addr, listening, err)
		case lookup && (listening || splitErr != nil):
			t.Fatalf("resolve(%q, %q, %v) asks for a look-up", op, addr, listening)
		case lookup && literal:
			t.Fatalf("resolve(%q, %q, %v) asks for a look-up of a literal", op, addr, listening)
		case lookup:
			return
		case err != nil:
			checkResolveError(t, op, addr, err)
			zone := strings.Contains(host, "%")
			if literal && !zone && !(port0(port) && !listening) {
				t.Errorf("resolve(%q, %q, %v) refuses a literal: %v", op, addr, listening, err)
			}
			return
		case !literal:
			t.Fatalf("resolve(%q, %q, %v) takes what is not an IP literal and a port: %+v", op, addr, listening, ep.addr)
		}

		checkEndpoint(t, addr, ep)
		ap := ep.addr.AddrPort()
		if ap.Addr().Is4In6() || ap.Addr().Zone() != "" {
			t.Errorf("resolve(%q) = %v; want no IPv4-mapped address and no zone", addr, ap)
		}
		if host != "" && !strings.EqualFold(host, "localhost") {
			ta, err := net.ResolveTCPAddr("tcp", addr)
			if err != nil {
				t.Fatalf("resolve(%q) = %v; net.ResolveTCPAddr: %v", addr, ap, err)
			}
			if ref := ta.AddrPort(); netip.AddrPortFrom(ref.Addr().Unmap(), ref.Port()) != ap {
				t.Errorf("resolve(%q) = %v; net.ResolveTCPAddr gives %v", addr, ap, ref)
			}
		}
		again, lookup, err := resolve(op, ep.addr.String(), listening)
		if err != nil || lookup || again.addr.AddrPort() != ap || again.domain != ep.domain {
			t.Errorf("resolve(%q) = %v, whose String resolves to %+v, %v, %v", addr, ap, again.addr, lookup, err)
		}
	})
}

// isLiteralHost reports whether host needs no look-up: an address
// net.ParseIP reads, perhaps with a zone (which resolve refuses), or
// localhost, or, for Listen, nothing.
func isLiteralHost(host string, listening bool) bool {
	ip, zone, _ := strings.Cut(host, "%")
	switch {
	case host == "":
		return listening
	case strings.EqualFold(host, "localhost"):
		return true
	case strings.Contains(host, "%"):
		a, err := netip.ParseAddr(host)
		return err == nil && zone != "" && a.Is6()
	}
	return net.ParseIP(ip) != nil
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func port0(port string) bool { return strings.Trim(port, "0") == "" }

// checkResolveError checks that err says which operation on which input
// failed: "tcp: dial \"x\": ...", or a *net.OpError for port 0.
func checkResolveError(t *testing.T, op, addr string, err error) {
	t.Helper()
	var oe *net.OpError
	if errors.Is(err, errPortZero) {
		if !errors.As(err, &oe) || oe.Op != op || oe.Net != "tcp" || oe.Addr == nil || !strings.HasSuffix(oe.Addr.String(), ":0") {
			t.Errorf("resolve(%q, %q): %v; want a *net.OpError naming the address", op, addr, err)
		}
		return
	}
	if prefix := "tcp: " + op + " " + strconv.Quote(addr) + ": "; !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("resolve(%q, %q): %q; want it to start %q", op, addr, err, prefix)
	}
}

// checkEndpoint checks that the parts of ep agree.
func checkEndpoint(t *testing.T, addr string, ep endpoint) {
	t.Helper()
	ap := ep.addr.AddrPort()
	switch sa := ep.sa.(type) {
	case *unix.SockaddrInet4:
		if ep.domain != unix.AF_INET || !ap.Addr().Is4() || sa.Addr != ap.Addr().As4() || sa.Port != int(ap.Port()) {
			t.Errorf("resolve(%q): domain %d, %+v for %v", addr, ep.domain, sa, ap)
		}
	case *unix.SockaddrInet6:
		if ep.domain != unix.AF_INET6 || !ap.Addr().Is6() || sa.Addr != ap.Addr().As16() || sa.Port != int(ap.Port()) || sa.ZoneId != 0 {
			t.Errorf("resolve(%q): domain %d, %+v for %v", addr, ep.domain, sa, ap)
		}
	default:
		t.Errorf("resolve(%q): socket address %T", addr, ep.sa)
	}
}
