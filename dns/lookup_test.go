package dns_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/dns"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// patience bounds real time: far above what a correct run needs, so only a
// hang reaches it.
const patience = 10 * time.Second

// pollOnce polls f once with a waker that does nothing, outside any
// executor: what needs no goroutine must be ready at once.
func pollOnce[T any](f async.Future[T]) (T, bool) {
	cx := testfut.NewContext(async.NoopWaker())
	return f.Poll(cx)
}

// run awaits f on a new executor of x's kind, bounded by patience.
func run[T any](t *testing.T, x rttest.Executor, f async.Future[async.Result[T]]) async.Result[T] {
	t.Helper()
	r, err := executor.Run(timer.Timeout(f, patience), x.Options...)
	if err != nil {
		t.Fatalf("executor: %v", err)
	}
	if errors.Is(r.Err, timer.ErrTimeout) {
		t.Fatalf("no answer within %v", patience)
	}
	return r
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

func TestLiteralIsReadyAtOnce(t *testing.T) {
	for host, want := range map[string][]netip.Addr{
		"192.0.2.7":        addrs("192.0.2.7"),
		"2001:db8::1":      addrs("2001:db8::1"),
		"::ffff:192.0.2.7": addrs("192.0.2.7"),
		"fe80::1%eth0":     addrs("fe80::1%eth0"),
		"localhost":        addrs("127.0.0.1", "::1"),
		"LocalHost.":       addrs("127.0.0.1", "::1"),
	} {
		r, ok := pollOnce(dns.Lookup(host))
		if !ok {
			t.Errorf("Lookup(%q) is pending on its first poll", host)
			continue
		}
		if r.Err != nil || !slices.Equal(r.Value, want) {
			t.Errorf("Lookup(%q) = %v, %v; want %v", host, r.Value, r.Err, want)
		}
	}
}

func TestLookupEmptyHost(t *testing.T) {
	r, ok := pollOnce(dns.Lookup(""))
	var de *net.DNSError
	if !ok || !errors.As(r.Err, &de) || !de.IsNotFound {
		t.Fatalf("Lookup(\"\") = %v, %v, ready %v; want a not-found *net.DNSError at once", r.Value, r.Err, ok)
	}
}

func TestLookupAsksTheServer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		srv := startFakeDNS(t, map[string][]netip.Addr{
			"svc.example.test": addrs("192.0.2.1", "192.0.2.2", "2001:db8::5"),
		}, false)
		r := dns.NewResolver(srv.resolver())
		got := run(t, x, r.Lookup("svc.example.test"))
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		slices.SortFunc(got.Value, netip.Addr.Compare) // the resolver orders them by RFC 6724
		if want := addrs("192.0.2.1", "192.0.2.2", "2001:db8::5"); !slices.Equal(got.Value, want) {
			t.Fatalf("Lookup = %v; want %v", got.Value, want)
		}
	})
}

func TestLookupUnknownName(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		srv := startFakeDNS(t, nil, false)
		got := run(t, x, dns.NewResolver(srv.resolver()).Lookup("nothing.example.test"))
		var de *net.DNSError
		if !errors.As(got.Err, &de) || !de.IsNotFound || !strings.Contains(got.Err.Error(), "nothing.example.test") {
			t.Fatalf("Lookup of an unknown name: %v, %v; want a not-found *net.DNSError naming it", got.Value, got.Err)
		}
	})
}

// A lookup that a timeout cancels returns at once, and its goroutine (and
// the resolver's, through the Dial that closes on cancel) ends.
func TestLookupCancelledByTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		srv := startFakeDNS(t, nil, true)
		ignore := goleak.IgnoreCurrent()
		r := dns.NewResolver(srv.resolver())
		start := time.Now()
		res, err := executor.Run(timer.Timeout(r.Lookup("slow.example.test"), 50*time.Millisecond), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(res.Err, timer.ErrTimeout) {
			t.Fatalf("Lookup against a silent server: %v, %v; want timer.ErrTimeout", res.Value, res.Err)
		}
		// The resolver's own timeout is 5 s: a cancel that did not reach it
		// would take that long.
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("cancelled lookup took %v", d)
		}
		goleak.VerifyNone(t, ignore)
	})
}

// Many lookups at once on one executor: each goroutine wakes its own task,
// whether it finishes before or after the task's poll returns.
func TestManyConcurrentLookups(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		srv := startFakeDNS(t, map[string][]netip.Addr{"svc.example.test": addrs("192.0.2.1")}, false)
		r := dns.NewResolver(srv.resolver())
		const n = 20
		main := async.Go(func(co *async.Co) error {
			hs := make([]async.JoinHandle[async.Result[[]netip.Addr]], n)
			for i := range hs {
				host := "svc.example.test"
				if i%2 == 1 {
					host = "192.0.2.9" // ready at once, mixed in
				}
				hs[i] = async.Spawn(co.Context(), r.Lookup(host))
			}
			for i, h := range hs {
				res := async.Await(co, h)
				if res.Err != nil || res.Value.Err != nil || len(res.Value.Value) != 1 {
					return fmt.Errorf("lookup %d: %v, %v, %v", i, res.Value.Value, res.Value.Err, res.Err)
				}
			}
			return nil
		})
		res, err := executor.Run(timer.TimeoutValue(main, patience), x.Options...)
		if err != nil || res.Err != nil || res.Value != nil {
			t.Fatal(err, res.Err, res.Value)
		}
	})
}

// The default resolver reads /etc/hosts before asking any server: a name
// found there (other than localhost, which needs no lookup) takes the
// goroutine path without a network.
func TestDefaultResolverFromHostsFile(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		name, want := hostsName(t)
		got := run(t, x, dns.Lookup(name))
		if got.Err != nil || !slices.Contains(got.Value, want) {
			t.Fatalf("Lookup(%q) = %v, %v; want it to contain %v (from /etc/hosts)", name, got.Value, got.Err, want)
		}
	})
}

// hostsName returns a name that /etc/hosts maps to a loopback address.
func hostsName(t *testing.T) (string, netip.Addr) {
	t.Helper()
	f, err := os.Open("/etc/hosts")
	if err != nil {
		t.Skip("no /etc/hosts")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		ip, err := netip.ParseAddr(fields[0])
		if err != nil || !ip.IsLoopback() || !ip.Is4() {
			continue
		}
		for _, name := range fields[1:] {
			if !strings.EqualFold(name, "localhost") {
				return name, ip
			}
		}
	}
	t.Skip("/etc/hosts names no loopback host besides localhost")
	return "", netip.Addr{}
}
