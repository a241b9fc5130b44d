package udp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

func TestEcho(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		a, b := bind(t, "127.0.0.1:0"), bind(t, "localhost:0")
		run(t, x, func(co *async.Co) error {
			defer closeAll(a, b)
			if _, err := async.Await(co, a.SendTo([]byte("ping"), addrOf(b))).Get(); err != nil {
				return err
			}
			buf := make([]byte, 64)
			d, err := async.Await(co, b.RecvFrom(buf)).Get()
			if err != nil {
				return err
			}
			if string(buf[:d.N]) != "ping" || d.Addr != addrOf(a) || d.Truncated {
				return fmt.Errorf("b received %q from %v (truncated %v); want \"ping\" from %v", buf[:d.N], d.Addr, d.Truncated, addrOf(a))
			}
			if _, err := async.Await(co, b.SendTo(buf[:d.N], d.Addr)).Get(); err != nil {
				return err
			}
			d, err = async.Await(co, a.RecvFrom(buf)).Get()
			if err != nil {
				return err
			}
			if string(buf[:d.N]) != "ping" || d.Addr != addrOf(b) {
				return fmt.Errorf("a received %q from %v; want \"ping\" from %v", buf[:d.N], d.Addr, addrOf(b))
			}
			return nil
		})
	})
}

// TestManySenders has tasks on the executor and goroutines using the net
// package send to one receiver, which echoes each datagram to its sender;
// each sender waits for the echo before sending the next, so no datagram
// is dropped for want of buffer. Every datagram must come from the address
// of the sender it names.
func TestManySenders(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		const tasks, goroutines, each = 3, 2, 100
		recv := bind(t, "127.0.0.1:0")
		to := addrOf(recv)
		senders := make([]*Conn, tasks)
		for i := range senders {
			senders[i] = bind(t, "127.0.0.1:0")
		}
		netSenders := make([]*net.UDPConn, goroutines)
		for i := range netSenders {
			c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(to))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			netSenders[i] = c
		}
		want := map[int]netip.AddrPort{}
		for i, s := range senders {
			want[i] = addrOf(s)
		}
		for i, c := range netSenders {
			want[tasks+i] = c.LocalAddr().(*net.UDPAddr).AddrPort()
		}

		var wg sync.WaitGroup
		errs := make(chan error, goroutines)
		for i, c := range netSenders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- netSender(c, tasks+i, each)
			}()
		}
		run(t, x, func(co *async.Co) error {
			defer closeAll(recv)
			defer closeAll(senders...)
			var handles []async.JoinHandle[error]
			for i, s := range senders {
				handles = append(handles, async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
					return taskSender(co, s, i, each, to)
				})))
			}
			buf := make([]byte, 64)
			for range (tasks + goroutines) * each {
				d, err := async.Await(co, recv.RecvFrom(buf)).Get()
				if err != nil {
					return err
				}
				var id, seq int
				if _, err := fmt.Sscanf(string(buf[:d.N]), "%d:%d", &id, &seq); err != nil {
					return fmt.Errorf("datagram %q: %v", buf[:d.N], err)
				}
				if d.Addr != want[id] {
					return fmt.Errorf("datagram %q came from %v; sender %d is %v", buf[:d.N], d.Addr, id, want[id])
				}
				if _, err := async.Await(co, recv.SendTo(buf[:d.N], d.Addr)).Get(); err != nil {
					return err
				}
			}
			for _, h := range handles {
				if err := async.Await(co, h).Value; err != nil {
					return err
				}
			}
			return nil
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
}

// taskSender sends n datagrams "id:seq" to to, each after the echo of
// the last.
func taskSender(co *async.Co, c *Conn, id, n int, to netip.AddrPort) error {
	buf := make([]byte, 64)
	for seq := range n {
		msg := fmt.Sprintf("%d:%d", id, seq)
		if _, err := async.Await(co, c.SendTo([]byte(msg), to)).Get(); err != nil {
			return err
		}
		d, err := async.Await(co, c.RecvFrom(buf)).Get()
		if err != nil {
			return err
		}
		if string(buf[:d.N]) != msg || d.Addr != to {
			return fmt.Errorf("sender %d: echo %q from %v; want %q from %v", id, buf[:d.N], d.Addr, msg, to)
		}
	}
	return nil
}

// netSender is taskSender on an ordinary goroutine, with the net package.
func netSender(c *net.UDPConn, id, n int) error {
	buf := make([]byte, 64)
	for seq := range n {
		msg := fmt.Sprintf("%d:%d", id, seq)
		if _, err := c.Write([]byte(msg)); err != nil {
			return err
		}
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		k, err := c.Read(buf)
		if err != nil {
			return fmt.Errorf("net sender %d: %v", id, err)
		}
		if string(buf[:k]) != msg {
			return fmt.Errorf("net sender %d: echo %q; want %q", id, buf[:k], msg)
		}
	}
	return nil
}

// TestConnectedIgnoresOthers: the kernel passes a connected socket only
// the datagrams of its peer.
func TestConnectedIgnoresOthers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		peer, stranger := bind(t, "127.0.0.1:0"), bind(t, "127.0.0.1:0")
		c, err := Dial(addrOf(peer).String())
		if err != nil {
			t.Fatal(err)
		}
		if got := c.RemoteAddr().(*net.UDPAddr).AddrPort(); got != addrOf(peer) {
			t.Errorf("RemoteAddr %v; want %v", got, addrOf(peer))
		}
		run(t, x, func(co *async.Co) error {
			defer closeAll(c, peer, stranger)
			if _, err := async.Await(co, stranger.SendTo([]byte("stranger"), addrOf(c))).Get(); err != nil {
				return err
			}
			if _, err := async.Await(co, peer.SendTo([]byte("peer"), addrOf(c))).Get(); err != nil {
				return err
			}
			buf := make([]byte, 64)
			d, err := async.Await(co, c.Recv(buf)).Get()
			if err != nil {
				return err
			}
			if string(buf[:d.N]) != "peer" || d.Addr.IsValid() {
				return fmt.Errorf("Recv: %q from %v; want \"peer\" and no address", buf[:d.N], d.Addr)
			}
			if _, err := async.Await(co, c.Send([]byte("reply"))).Get(); err != nil {
				return err
			}
			d, err = async.Await(co, peer.RecvFrom(buf)).Get()
			if err != nil || string(buf[:d.N]) != "reply" || d.Addr != addrOf(c) {
				return fmt.Errorf("peer got %q from %v, %v; want \"reply\" from %v", buf[:d.N], d.Addr, err, addrOf(c))
			}
			return nil
		})
	})
}

// closedPort returns the address of a port nothing listens on (it was
// bound a moment ago; nothing else on this host should take it at once).
func closedPort(t *testing.T) netip.AddrPort {
	t.Helper()
	c := bind(t, "127.0.0.1:0")
	ap := addrOf(c)
	c.Close()
	return ap
}

// TestConnectionRefused: a datagram to a closed port makes the kernel
// answer with ICMP, which the next Recv reports; the socket then goes on
// working, and a Recv waits again (without spinning: the timeout fires).
func TestConnectionRefused(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		c, err := Dial(closedPort(t).String())
		if err != nil {
			t.Fatal(err)
		}
		live := bind(t, "127.0.0.1:0")
		run(t, x, func(co *async.Co) error {
			defer closeAll(c, live)
			buf := make([]byte, 64)
			if _, err := async.Await(co, c.Send([]byte("anyone?"))).Get(); err != nil {
				return err
			}
			_, err := async.Get(co, timer.Timeout(c.Recv(buf), 10*time.Second))
			var oe *net.OpError
			if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &oe) || oe.Net != "udp" || oe.Op != "read" {
				return fmt.Errorf("Recv after sending to a closed port: %v; want a read udp OpError for ECONNREFUSED", err)
			}
			// The timeout names the receive and the socket's two ends, as
			// the net package's errors do.
			_, err = async.Get(co, timer.Timeout(c.Recv(buf), 50*time.Millisecond))
			var ne net.Error
			want := "read udp " + c.LocalAddr().String() + "->" + c.RemoteAddr().String() + ": i/o timeout"
			if !errors.Is(err, timer.ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) ||
				!errors.As(err, &ne) || !ne.Timeout() || err.Error() != want {
				return fmt.Errorf("Recv after the error: %v; want a timeout, %q", err, want)
			}
			// Still usable: connect it to a live socket and talk.
			if err := c.Connect(addrOf(live)); err != nil {
				return err
			}
			if _, err := async.Await(co, live.SendTo([]byte("hi"), addrOf(c))).Get(); err != nil {
				return err
			}
			d, err := async.Get(co, timer.Timeout(c.Recv(buf), 10*time.Second))
			if err != nil || string(buf[:d.N]) != "hi" {
				return fmt.Errorf("Recv after reconnecting: %q, %v; want \"hi\"", buf[:d.N], err)
			}
			return nil
		})
	})
}

func TestTruncation(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		a, b := bind(t, "127.0.0.1:0"), bind(t, "127.0.0.1:0")
		run(t, x, func(co *async.Co) error {
			defer closeAll(a, b)
			for _, m := range []string{"a datagram of thirty-two bytes..", "short"} {
				if _, err := async.Await(co, a.SendTo([]byte(m), addrOf(b))).Get(); err != nil {
					return err
				}
			}
			buf := make([]byte, 8)
			d, err := async.Await(co, b.RecvFrom(buf)).Get()
			if err != nil || d.N != 8 || !d.Truncated || string(buf) != "a datagr" || d.Addr != addrOf(a) {
				return fmt.Errorf("RecvFrom of 32 bytes into 8: %+v, %v; want 8 bytes, truncated, from %v", d, err, addrOf(a))
			}
			d, err = async.Await(co, b.RecvFrom(buf)).Get()
			if err != nil || d.N != 5 || d.Truncated {
				return fmt.Errorf("RecvFrom after a truncated datagram: %+v, %v; want \"short\"", d, err)
			}
			return nil
		})
	})
}

// TestCloseWakesRecvFrom closes a socket from another goroutine while a
// task waits on it: the task wakes with net.ErrClosed. Whether the close
// comes before or during the wait, the outcome must be the same.
func TestCloseWakesRecvFrom(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		c := bind(t, "127.0.0.1:0")
		run(t, x, func(co *async.Co) error {
			done := make(chan struct{})
			go func() {
				defer close(done)
				time.Sleep(20 * time.Millisecond)
				c.Close()
			}()
			_, err := async.Await(co, c.RecvFrom(make([]byte, 8))).Get()
			<-done
			var oe *net.OpError
			if !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) || oe.Net != "udp" {
				return fmt.Errorf("RecvFrom on a closed socket: %v; want an OpError wrapping net.ErrClosed", err)
			}
			if err := c.Close(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("second Close: %v; want net.ErrClosed", err)
			}
			_, err = async.Await(co, c.SendTo([]byte("x"), netip.MustParseAddrPort("127.0.0.1:9"))).Get()
			if !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("SendTo after Close: %v; want net.ErrClosed", err)
			}
			return nil
		})
	})
}

// countWaker counts its wakes.
type countWaker struct {
	mu sync.Mutex
	n  int
}

func (w *countWaker) Wake() { w.mu.Lock(); w.n++; w.mu.Unlock() }

func (w *countWaker) count() int { w.mu.Lock(); defer w.mu.Unlock(); return w.n }

// TestCancelledRecvFromLeavesNoWaker polls a RecvFrom with a waker of its
// own, cancels it, then sends the socket a datagram: the cancelled
// future's waker must not be woken, and the datagram is there for the
// next RecvFrom.
func TestCancelledRecvFromLeavesNoWaker(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		a, b := bind(t, "127.0.0.1:0"), bind(t, "127.0.0.1:0")
		w := &countWaker{}
		run(t, x, func(co *async.Co) error {
			defer closeAll(a, b)
			buf := make([]byte, 8)
			var scratch async.Context
			f := b.RecvFrom(buf)
			if _, ok := async.PollWith(co.Context(), &scratch, w, f); ok {
				return errors.New("RecvFrom on an empty socket is ready")
			}
			f.Cancel()
			if _, err := async.Await(co, a.SendTo([]byte("late"), addrOf(b))).Get(); err != nil {
				return err
			}
			// Let the reactor see the datagram's event.
			async.Await(co, timer.Sleep(20*time.Millisecond))
			if n := w.count(); n != 0 {
				return fmt.Errorf("the cancelled RecvFrom's waker was woken %d times", n)
			}
			d, err := async.Await(co, b.RecvFrom(buf)).Get()
			if err != nil || string(buf[:d.N]) != "late" {
				return fmt.Errorf("RecvFrom after the cancel: %q, %v", buf[:d.N], err)
			}
			return nil
		})
	})
}

func TestBroadcastOption(t *testing.T) {
	fdcheck.Check(t)
	c := bind(t, "127.0.0.1:0")
	defer c.Close()
	for _, on := range []bool{true, false, true} {
		if err := c.SetBroadcast(on); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Broadcast(); err != nil || got != on {
			t.Errorf("Broadcast after SetBroadcast(%v): %v, %v", on, got, err)
		}
	}
	if err := c.SetReadBuffer(1 << 16); err != nil {
		t.Error(err)
	}
	if err := c.SetWriteBuffer(1 << 16); err != nil {
		t.Error(err)
	}
	c.Close()
	if err := c.SetBroadcast(true); !errors.Is(err, net.ErrClosed) {
		t.Errorf("SetBroadcast after Close: %v; want net.ErrClosed", err)
	}
}

// bindIPv6 binds to addr on IPv6 loopback, or skips t if the host has no
// IPv6 loopback.
func bindIPv6(t *testing.T, addr string) *Conn {
	t.Helper()
	c, err := Bind(addr)
	if errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIPv6(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		a := bindIPv6(t, "[::1]:0")
		b := bindIPv6(t, "[::1]:0")
		v4 := bind(t, "127.0.0.1:0")
		run(t, x, func(co *async.Co) error {
			defer closeAll(a, b, v4)
			if !addrOf(a).Addr().Is6() || addrOf(a).Addr() != netip.IPv6Loopback() {
				return fmt.Errorf("LocalAddr %v; want [::1]:port", addrOf(a))
			}
			if _, err := async.Await(co, a.SendTo([]byte("six"), addrOf(b))).Get(); err != nil {
				return err
			}
			buf := make([]byte, 16)
			d, err := async.Await(co, b.RecvFrom(buf)).Get()
			if err != nil || string(buf[:d.N]) != "six" || d.Addr != addrOf(a) {
				return fmt.Errorf("RecvFrom: %q from %v, %v; want \"six\" from %v", buf[:d.N], d.Addr, err, addrOf(a))
			}
			// An IPv4 socket cannot reach an IPv6 address: a clear error,
			// naming the destination.
			_, err = async.Await(co, v4.SendTo([]byte("x"), addrOf(b))).Get()
			var oe *net.OpError
			if !errors.Is(err, errFamily) || !errors.As(err, &oe) || oe.Addr.String() != addrOf(b).String() {
				return fmt.Errorf("SendTo an IPv6 address from an IPv4 socket: %v", err)
			}
			return nil
		})
	})
}

func TestAddressErrors(t *testing.T) {
	fdcheck.Check(t)
	for _, tc := range []struct {
		op   func(string) (*Conn, error)
		addr string
	}{
		{Bind, "no-port"},
		{Bind, "example.com:53"},
		{Bind, "127.0.0.1:70000"},
		{Dial, "127.0.0.1:0"},
		{Dial, ":53"},
		{Bind, "192.0.2.250:0"}, // not this host's
	} {
		c, err := tc.op(tc.addr)
		var oe *net.OpError
		if err == nil || !errors.As(err, &oe) || oe.Net != "udp" {
			t.Errorf("%q: %v, %v; want an OpError with Net udp", tc.addr, c, err)
			if c != nil {
				c.Close()
			}
			continue
		}
		t.Logf("%q: %v", tc.addr, err)
	}
}

// TestSendWhileReceiving has one task receive on a socket while another
// sends from it, to a goroutine that echoes with the net package: the
// receive waits in the reactor's reader slot while the sends go through
// the writer's.
func TestSendWhileReceiving(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		const n, window = 200, 16
		var received atomic.Int32
		c := bind(t, "127.0.0.1:0")
		peer, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		echoed := make(chan error, 1)
		go func() {
			buf := make([]byte, 64)
			for range n {
				k, from, err := peer.ReadFromUDPAddrPort(buf)
				if err == nil {
					_, err = peer.WriteToUDPAddrPort(buf[:k], from)
				}
				if err != nil {
					echoed <- err
					return
				}
			}
			echoed <- nil
		}()
		to := peer.LocalAddr().(*net.UDPAddr).AddrPort()
		run(t, x, func(co *async.Co) error {
			defer closeAll(c)
			recv := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				buf := make([]byte, 64)
				seen := make(map[string]bool)
				for range n {
					d, err := async.Await(co, c.RecvFrom(buf)).Get()
					if err != nil {
						return err
					}
					if d.Addr != to || seen[string(buf[:d.N])] {
						return fmt.Errorf("received %q from %v; want a new echo from %v", buf[:d.N], d.Addr, to)
					}
					seen[string(buf[:d.N])] = true
					received.Add(1)
				}
				return nil
			}))
			// The sender is a task, not this main future: a BlockOn future
			// that keeps yielding is polled again without the reactor turning.
			send := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				for i := range n {
					// Keep at most window datagrams in flight, so that none
					// is dropped for want of buffer on a busy machine.
					for i-int(received.Load()) >= window {
						async.Await(co, async.Yield())
					}
					if _, err := async.Await(co, c.SendTo(fmt.Appendf(nil, "%d", i), to)).Get(); err != nil {
						return err
					}
				}
				return nil
			}))
			if err := async.Await(co, send).Value; err != nil {
				return err
			}
			return async.Await(co, recv).Value
		})
		if err := <-echoed; err != nil {
			t.Fatal(err)
		}
	})
}
