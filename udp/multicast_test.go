package udp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// loopback returns the loopback interface, or skips t.
func loopback(t *testing.T) *net.Interface {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Skipf("cannot list interfaces: %v", err)
	}
	for i := range ifs {
		if ifs[i].Flags&net.FlagLoopback != 0 && ifs[i].Flags&net.FlagUp != 0 {
			return &ifs[i]
		}
	}
	t.Skip("no loopback interface is up")
	return nil
}

// errNoMulticast is what testMulticast reports when the group's datagram
// could not be sent or did not arrive.
var errNoMulticast = errors.New("no multicast")

// testMulticast binds a receiver to the wildcard address, joins group on
// the loopback interface, sends the group a datagram from a second
// socket whose multicast interface is loopback, and expects it. It then
// leaves the group. A loopback interface without the MULTICAST flag (as in
// some containers) may carry no multicast at all: then the test is skipped,
// naming the reason.
func testMulticast(t *testing.T, x rttest.Executor, wildcard string, group netip.Addr) {
	fdcheck.Check(t)
	lo := loopback(t)
	recv := bind(t, wildcard)
	send := bind(t, wildcard)
	var skip error
	run(t, x, func(co *async.Co) error {
		defer closeAll(recv, send)
		if err := recv.JoinGroup(group, lo); err != nil {
			return err
		}
		if err := send.SetMulticastInterface(lo); err != nil {
			return err
		}
		if err := send.SetMulticastLoopback(true); err != nil {
			return err
		}
		to := netip.AddrPortFrom(group, addrOf(recv).Port())
		if group.Is6() && group.IsLinkLocalMulticast() {
			to = netip.AddrPortFrom(group.WithZone(lo.Name), to.Port())
		}
		if _, err := async.Await(co, send.SendTo([]byte("to the group"), to)).Get(); err != nil {
			if lo.Flags&net.FlagMulticast == 0 && errors.Is(err, syscall.ENETUNREACH) {
				skip = fmt.Errorf("%w: sending to %v: %v", errNoMulticast, to, err)
				return nil
			}
			return err
		}
		buf := make([]byte, 64)
		d, err := async.Get(co, timer.Timeout(recv.RecvFrom(buf), 2*time.Second))
		if errors.Is(err, timer.ErrTimeout) && lo.Flags&net.FlagMulticast == 0 {
			skip = fmt.Errorf("%w: nothing arrived at %v within 2s", errNoMulticast, to)
			return nil
		}
		if err != nil {
			return err
		}
		if string(buf[:d.N]) != "to the group" || d.Addr.Port() != addrOf(send).Port() {
			return fmt.Errorf("received %q from %v; want \"to the group\" from port %d", buf[:d.N], d.Addr, addrOf(send).Port())
		}
		return recv.LeaveGroup(group, lo)
	})
	if skip != nil {
		t.Skipf("the loopback interface %s lacks the MULTICAST flag (flags %v) and carried no multicast: %v", lo.Name, lo.Flags, skip)
	}
}

func TestMulticastIPv4(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		testMulticast(t, x, "0.0.0.0:0", netip.MustParseAddr("239.255.42.99"))
	})
}

func TestMulticastIPv6(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		c := bindIPv6(t, "[::1]:0")
		c.Close()
		testMulticast(t, x, "[::]:0", netip.MustParseAddr("ff02::4242"))
	})
}

func TestMulticastErrors(t *testing.T) {
	c := bind(t, "127.0.0.1:0")
	defer c.Close()
	if err := c.JoinGroup(netip.MustParseAddr("127.0.0.1"), nil); err == nil {
		t.Error("joined a unicast address")
	}
	err := c.JoinGroup(netip.MustParseAddr("ff02::1"), nil)
	var oe *net.OpError
	if !errors.Is(err, errFamily) || !errors.As(err, &oe) || oe.Net != "udp" {
		t.Errorf("IPv6 group on an IPv4 socket: %v; want an OpError for errFamily", err)
	}
}
