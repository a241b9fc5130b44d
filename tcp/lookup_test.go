package tcp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// lookupResult is what dns.LookupHostPort's future is ready with.
type lookupResult = async.Result[[]netip.AddrPort]

// fakeConnect is Connect with lookup in place of dns.LookupHostPort.
func fakeConnect(addr string, lookup func(string) async.Future[lookupResult]) async.Future[async.Result[*Conn]] {
	return &connectFuture{addr: addr, lookup: lookup}
}

// answer returns a lookup that is ready with addrs (or err), recording
// the names asked for.
func answer(asked *[]string, addrs []netip.AddrPort, err error) func(string) async.Future[lookupResult] {
	return func(hostport string) async.Future[lookupResult] {
		*asked = append(*asked, hostport)
		return async.Ready(lookupResult{Value: addrs, Err: err})
	}
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) netip.AddrPort {
	t.Helper()
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return addrPort(l)
}

// addrPort is l's address as a netip.AddrPort, IPv4 in 4 bytes.
func addrPort(l *Listener) netip.AddrPort {
	ap := l.Addr().(*net.TCPAddr).AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// TestConnectTriesEachAddress gets two addresses for a name, the first
// refusing: the second connects.
func TestConnectTriesEachAddress(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		refused := closedPort(t)
		good := addrPort(l)
		var asked []string
		run(t, x, func(co *async.Co) error {
			lookup := answer(&asked, []netip.AddrPort{refused, good}, nil)
			c, err := async.Await(co, fakeConnect("db.example:5432", lookup)).Get()
			if err != nil {
				return err
			}
			defer c.Close()
			if c.RemoteAddr().String() != good.String() {
				return fmt.Errorf("connected to %v, want %v", c.RemoteAddr(), good)
			}
			s, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return err
			}
			return s.Close()
		})
		if len(asked) != 1 || asked[0] != "db.example:5432" {
			t.Errorf("looked up %q, want [db.example:5432]", asked)
		}
	})
}

// TestConnectLastErrorWins fails on every address: the error is the last
// one's, naming it.
func TestConnectLastErrorWins(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		first, last := closedPort(t), closedPort(t)
		var asked []string
		run(t, x, func(co *async.Co) error {
			lookup := answer(&asked, []netip.AddrPort{first, last}, nil)
			_, err := async.Await(co, fakeConnect("db.example:5432", lookup)).Get()
			var oe *net.OpError
			if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &oe) || oe.Addr.String() != last.String() {
				return fmt.Errorf("connect with every address refusing: %v; want ECONNREFUSED from %v", err, last)
			}
			return noSources(co)
		})
	})
}

// TestConnectLookupFails passes the lookup's error on.
func TestConnectLookupFails(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		dnsErr := &net.DNSError{Err: "no such host", Name: "nowhere.example", IsNotFound: true}
		var asked []string
		run(t, x, func(co *async.Co) error {
			for _, tc := range []struct {
				addrs []netip.AddrPort
				err   error
			}{{nil, dnsErr}, {nil, nil}} {
				_, err := async.Await(co, fakeConnect("nowhere.example:80", answer(&asked, tc.addrs, tc.err))).Get()
				if err == nil || !strings.Contains(err.Error(), "nowhere.example") {
					return fmt.Errorf("connect to a name that does not resolve: %v; want an error naming it", err)
				}
				if tc.err != nil && !errors.Is(err, tc.err) {
					return fmt.Errorf("connect to a name that does not resolve: %v; want the lookup's error", err)
				}
			}
			return nil
		})
	})
}

// TestConnectLiteralsNeedNoLookup connects to IP literals and localhost
// without a lookup, and sends a service name to the lookup.
func TestConnectLiteralsNeedNoLookup(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		port := l.Addr().(*net.TCPAddr).Port
		var asked []string
		run(t, x, func(co *async.Co) error {
			for _, addr := range []string{fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf("localhost:%d", port), fmt.Sprintf("LocalHost:%d", port)} {
				c, err := async.Await(co, fakeConnect(addr, answer(&asked, nil, errors.New("looked up")))).Get()
				if err != nil {
					return fmt.Errorf("connect to %s: %v", addr, err)
				}
				c.Close()
				s, err := async.Await(co, l.Accept()).Get()
				if err != nil {
					return err
				}
				s.Close()
			}
			if len(asked) != 0 {
				return fmt.Errorf("looked up %q", asked)
			}
			async.Await(co, fakeConnect("127.0.0.1:http", answer(&asked, nil, errors.New("looked up"))))
			if len(asked) != 1 || asked[0] != "127.0.0.1:http" {
				return fmt.Errorf("a service name was looked up as %q; want [127.0.0.1:http]", asked)
			}
			return nil
		})
	})
}

// TestConnectCancelsLookup times out a Connect whose lookup never
// answers: the lookup is cancelled.
func TestConnectCancelsLookup(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		slow := testfut.New[lookupResult]()
		run(t, x, func(co *async.Co) error {
			f := fakeConnect("slow.example:80", func(string) async.Future[lookupResult] { return slow })
			r := async.Await(co, timer.Timeout(f, 10*time.Millisecond))
			if !errors.Is(r.Err, timer.ErrTimeout) {
				return fmt.Errorf("connect with a lookup that never answers: %+v; want a timeout", r)
			}
			return nil
		})
		testfut.AssertCancelled(t, slow)
	})
}

// TestConnectByName resolves a real name through package dns, with the
// system's resolver: this host's name, which /etc/hosts usually maps to
// one of its addresses. The listener listens on every IPv4 address.
func TestConnectByName(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Skip(err)
	}
	addrs, err := net.DefaultResolver.LookupNetIP(t.Context(), "ip4", host)
	if err != nil || len(addrs) == 0 {
		t.Skipf("this host's name %q does not resolve to IPv4: %v", host, err)
	}
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := Listen(":0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		addr := net.JoinHostPort(host, fmt.Sprint(l.Addr().(*net.TCPAddr).Port))
		run(t, x, func(co *async.Co) error {
			c, err := async.Get(co, timer.Timeout(Connect(addr), 10*time.Second))
			if err != nil {
				return fmt.Errorf("connect to %s: %v", addr, err)
			}
			defer c.Close()
			s, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return err
			}
			defer s.Close()
			return echoPair(co, c, s)
		})
	})
}

// echoPair sends a message from c to s and back.
func echoPair(co *async.Co, c, s *Conn) error {
	if _, err := async.Await(co, c.WriteAll([]byte("ping"))).Get(); err != nil {
		return err
	}
	buf := make([]byte, 4)
	n, err := async.Await(co, s.Read(buf)).Get()
	if err != nil || string(buf[:n]) != "ping" {
		return fmt.Errorf("read %q, %v; want ping", buf[:n], err)
	}
	return nil
}
