package dns

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// FuzzLookupHostPort checks the parsing half of LookupHostPort on any
// text: what it does before it would look anything up. Run it with
//
//	go test -run='^$' -fuzz='^FuzzLookupHostPort$' -fuzztime=5s -parallel=1 ./dns
//
// A future that would look something up is never polled, so the target
// sends nothing to the network. It checks that
//
//   - input net.SplitHostPort refuses fails on the first poll with a
//     *net.AddrError, an empty host with a *net.DNSError, and an empty port
//     or one of digits over 65535 with a *net.AddrError naming it; every
//     error quotes the input;
//   - a look-up (a future that is not ready at once) happens exactly when
//     the host is not an IP literal or localhost, or the port is not all
//     digits;
//   - an IP literal with a port of digits gives the one address
//     net.ResolveTCPAddr gives (which looks nothing up for such input),
//     IPv4-mapped as IPv4, and localhost gives 127.0.0.1 and ::1;
//   - each address it gives, written with its String, gives itself again.
//
// Intentional differences from net.ResolveTCPAddr: an empty host is an
// error, not the local system; "localhost" (in any case, with or without
// the root's dot) is 127.0.0.1 and ::1 without a look-up; a port with a
// sign ("+80") is a service name, and so is looked up, and fails; and, as
// in netip, a zone on an IPv4 address is not a literal (so it is looked
// up, and fails) while a zone on an IPv4-mapped address goes with the
// mapping.
func FuzzLookupHostPort(f *testing.F) {
	for _, s := range []string{
		"192.0.2.7:80", "[2001:db8::1]:0", "localhost:8080", "LOCALHOST.:1", "192.0.2.7", ":80",
		"192.0.2.7:", "192.0.2.7:65536", "[::1:80", "127.0.0.1:http", "db:5432", "[fe80::1%eth0]:53",
		"[::ffff:1.2.3.4%eth0]:80", "1.2.3.4%eth0:80", "1.2.3.4:+80", "1.2.3.4:00080",
		"1.2.3.4:99999999999999999999", "[1.2.3.4]:80", "[]:80", "::1:80", "a:b:c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, hostport string) {
		fut := lookupHostPort(net.DefaultResolver, hostport)
		_, looksUp := fut.(*blockingFuture[[]netip.AddrPort])
		host, port, splitErr := net.SplitHostPort(hostport)
		digits := port != "" && strings.Trim(port, "0123456789") == ""
		_, isLiteral := literal(host)

		switch {
		case splitErr != nil || host == "":
			if looksUp {
				t.Fatalf("LookupHostPort(%q) looks up malformed input", hostport)
			}
			err := pollReady(t, hostport, fut).Err
			var ae *net.AddrError
			var de *net.DNSError
			if splitErr != nil && !errors.As(err, &ae) || splitErr == nil && !errors.As(err, &de) {
				t.Errorf("LookupHostPort(%q): %#v; want a *net.AddrError, or a *net.DNSError for an empty host", hostport, err)
			}
			checkNamed(t, hostport, err)
			return
		case port == "" || digits && !fitsUint16(port):
			if looksUp {
				t.Fatalf("LookupHostPort(%q) looks up input with a malformed port", hostport)
			}
			err := pollReady(t, hostport, fut).Err
			var ae *net.AddrError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), "port") || port != "" && !strings.Contains(ae.Err, port) {
				t.Errorf("LookupHostPort(%q): %#v; want a *net.AddrError naming the port", hostport, err)
			}
			checkNamed(t, hostport, err)
			return
		}
		if want := !isLiteral || !digits; looksUp != want {
			t.Fatalf("LookupHostPort(%q): looks something up: %v; want %v", hostport, looksUp, want)
		}
		if looksUp {
			return
		}

		r := pollReady(t, hostport, fut)
		if r.Err != nil {
			t.Fatalf("LookupHostPort(%q): %v", hostport, r.Err)
		}
		if isLocalhost(host) {
			want := []netip.AddrPort{
				netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), r.Value[0].Port()),
				netip.AddrPortFrom(netip.IPv6Loopback(), r.Value[0].Port()),
			}
			if !slices.Equal(r.Value, want) {
				t.Errorf("LookupHostPort(%q) = %v; want %v", hostport, r.Value, want)
			}
		} else {
			ta, err := net.ResolveTCPAddr("tcp", hostport)
			if err != nil {
				t.Fatalf("LookupHostPort(%q) = %v; net.ResolveTCPAddr: %v", hostport, r.Value, err)
			}
			ref := ta.AddrPort()
			ref = netip.AddrPortFrom(ref.Addr().Unmap(), ref.Port())
			if !slices.Equal(r.Value, []netip.AddrPort{ref}) {
				t.Errorf("LookupHostPort(%q) = %v; net.ResolveTCPAddr gives %v", hostport, r.Value, ref)
			}
		}
		for _, ap := range r.Value {
			again := lookupHostPort(net.DefaultResolver, ap.String())
			if _, looksUp := again.(*blockingFuture[[]netip.AddrPort]); looksUp {
				t.Fatalf("LookupHostPort(%q) gives %v, whose String would be looked up", hostport, ap)
			}
			if back := pollReady(t, ap.String(), again); back.Err != nil || !slices.Equal(back.Value, []netip.AddrPort{ap}) {
				t.Errorf("LookupHostPort(%q) gives %v, whose String gives %v, %v", hostport, ap, back.Value, back.Err)
			}
		}
	})
}

func fitsUint16(s string) bool {
	_, err := strconv.ParseUint(s, 10, 16)
	return err == nil
}

// pollReady polls f, which must be ready at once, with a context that has
// no runtime: a future that is ready at once needs none.
func pollReady(t *testing.T, hostport string, f async.Future[async.Result[[]netip.AddrPort]]) async.Result[[]netip.AddrPort] {
	t.Helper()
	cx := testfut.NewContext(async.NoopWaker())
	r, ok := f.Poll(cx)
	if !ok {
		t.Fatalf("LookupHostPort(%q) is pending on its first poll", hostport)
	}
	return r
}

// checkNamed checks that err quotes hostport, as LookupHostPort's doc
// promises.
func checkNamed(t *testing.T, hostport string, err error) {
	t.Helper()
	if want := "dns: resolve " + strconv.Quote(hostport) + ": "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("LookupHostPort(%q): %v; want an error that starts %q", hostport, err, want)
	}
}
