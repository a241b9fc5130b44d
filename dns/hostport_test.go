package dns_test

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/asyncgo/async/dns"
	"github.com/asyncgo/async/internal/rttest"
)

func addrPorts(port uint16, ss ...string) []netip.AddrPort {
	out := make([]netip.AddrPort, len(ss))
	for i, a := range addrs(ss...) {
		out[i] = netip.AddrPortFrom(a, port)
	}
	return out
}

func TestHostPortLiteralIsReadyAtOnce(t *testing.T) {
	for in, want := range map[string][]netip.AddrPort{
		"192.0.2.7:80":    addrPorts(80, "192.0.2.7"),
		"[2001:db8::1]:0": addrPorts(0, "2001:db8::1"),
		"localhost:8080":  addrPorts(8080, "127.0.0.1", "::1"),
	} {
		r, ok := pollOnce(dns.LookupHostPort(in))
		if !ok {
			t.Errorf("LookupHostPort(%q) is pending on its first poll", in)
			continue
		}
		if r.Err != nil || !slices.Equal(r.Value, want) {
			t.Errorf("LookupHostPort(%q) = %v, %v; want %v", in, r.Value, r.Err, want)
		}
	}
}

// Malformed input fails on the first poll, naming the input.
func TestHostPortMalformed(t *testing.T) {
	for _, in := range []string{"192.0.2.7", ":80", "192.0.2.7:", "192.0.2.7:65536", "[::1:80"} {
		r, ok := pollOnce(dns.LookupHostPort(in))
		if !ok || r.Err == nil || !strings.Contains(r.Err.Error(), in) {
			t.Errorf("LookupHostPort(%q) = %v, %v, ready %v; want an error naming the input at once", in, r.Value, r.Err, ok)
		}
	}
	var ae *net.AddrError
	if r, _ := pollOnce(dns.LookupHostPort("192.0.2.7")); !errors.As(r.Err, &ae) {
		t.Errorf("missing port: %v is not a *net.AddrError", r.Err)
	}
}

func TestHostPortServiceName(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		got := run(t, x, dns.LookupHostPort("127.0.0.1:http"))
		if want := addrPorts(80, "127.0.0.1"); got.Err != nil || !slices.Equal(got.Value, want) {
			t.Fatalf("LookupHostPort(127.0.0.1:http) = %v, %v; want %v", got.Value, got.Err, want)
		}
		in := "127.0.0.1:no-such-service"
		got = run(t, x, dns.LookupHostPort(in))
		if got.Err == nil || !strings.Contains(got.Err.Error(), in) {
			t.Fatalf("LookupHostPort(%q) = %v, %v; want an error naming it", in, got.Value, got.Err)
		}
	})
}

func TestHostPortAsksTheServer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		srv := startFakeDNS(t, map[string][]netip.Addr{"svc.example.test": addrs("192.0.2.1")}, false)
		r := dns.NewResolver(srv.resolver())
		got := run(t, x, r.LookupHostPort("svc.example.test:https"))
		if want := addrPorts(443, "192.0.2.1"); got.Err != nil || !slices.Equal(got.Value, want) {
			t.Fatalf("LookupHostPort = %v, %v; want %v", got.Value, got.Err, want)
		}
		in := "gone.example.test:80"
		got = run(t, x, r.LookupHostPort(in))
		var de *net.DNSError
		if !errors.As(got.Err, &de) || !de.IsNotFound || !strings.Contains(got.Err.Error(), in) {
			t.Fatalf("LookupHostPort(%q) = %v, %v; want a not-found *net.DNSError naming it", in, got.Value, got.Err)
		}
	})
}
