package netfd

import (
	"errors"
	"net"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/reactor"
)

// packetPair returns a Packet over one end of a Unix datagram socket pair,
// and the other end's descriptor.
func packetPair(t *testing.T) (*Packet, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.SetNonblock(fds[0], true); err != nil {
		t.Fatal(err)
	}
	p := &Packet{}
	p.Init(fds[0], testFamily)
	t.Cleanup(func() {
		p.Close()
		unix.Close(fds[1])
	})
	return p, fds[1]
}

// runPoll runs fn once as the body of a task on a new executor of x's
// kind. fn runs on a worker goroutine of a MultiThread, not the test's:
// it reports failures with t.Errorf and returns, never t.Fatal.
func runPoll(t *testing.T, x rttest.Executor, fn func(cx *async.Context)) {
	t.Helper()
	_, err := executor.Run(async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
		fn(cx)
		return struct{}{}, true
	}), x.Options...)
	if err != nil {
		t.Fatal(err)
	}
}

// TestShortDatagramKeepsReadiness: unlike a Stream, a datagram shorter
// than the buffer says nothing about what is queued behind it.
func TestShortDatagramKeepsReadiness(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		p, peer := packetPair(t)
		runPoll(t, x, func(cx *async.Context) {
			for _, m := range []string{"one", "", "three"} {
				if _, err := unix.Write(peer, []byte(m)); err != nil {
					t.Error(err)
					return
				}
			}
			buf := make([]byte, 64)
			for _, want := range []string{"one", "", "three"} {
				r, ok := p.Recv(buf).Poll(cx)
				if !ok || r.Err != nil || string(buf[:r.Value.N]) != want || r.Value.Truncated || r.Value.From != nil {
					t.Errorf("Recv: %+v, %v; want %q", r, ok, want)
				}
			}
			if _, ok := p.Recv(buf).Poll(cx); ok {
				t.Error("Recv on an empty socket is ready")
			}
			p.rd.Cancel()
		})
	})
}

func TestTruncatedDatagram(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		p, peer := packetPair(t)
		runPoll(t, x, func(cx *async.Context) {
			unix.Write(peer, []byte("0123456789"))
			unix.Write(peer, []byte("ab"))
			buf := make([]byte, 4)
			r, ok := p.RecvFrom(buf).Poll(cx)
			if !ok || r.Err != nil || r.Value.N != 4 || !r.Value.Truncated || string(buf) != "0123" {
				t.Errorf("RecvFrom of 10 bytes into 4: %+v, %v; want 4 bytes, truncated", r, ok)
			}
			r, ok = p.RecvFrom(buf).Poll(cx)
			if !ok || r.Err != nil || r.Value.N != 2 || r.Value.Truncated {
				t.Errorf("RecvFrom after a truncated datagram: %+v, %v; want the next one", r, ok)
			}
			// The sender is an unnamed socket: Linux gives no address at all.
			if from := r.Value.From; from == nil || from.Len != 0 && from.Family() != unix.AF_UNIX {
				t.Errorf("sender of a socket pair: %+v; want an empty or a Unix address", from)
			}
		})
	})
}

func TestSendAndCancelledRecv(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		p, peer := packetPair(t)
		runPoll(t, x, func(cx *async.Context) {
			r, ok := p.Send([]byte("hello")).Poll(cx)
			if !ok || r.Err != nil || r.Value != 5 {
				t.Errorf("Send: %+v, %v", r, ok)
				return
			}
			buf := make([]byte, 16)
			if n, err := unix.Read(peer, buf); err != nil || string(buf[:n]) != "hello" {
				t.Errorf("peer read %q, %v", buf[:n], err)
			}
			f := p.Recv(buf)
			if _, ok := f.Poll(cx); ok {
				t.Error("Recv on an empty socket is ready")
				return
			}
			f.Cancel()
			if p.rd.buf != nil {
				t.Error("a cancelled Recv still holds the buffer")
			}
		})
	})
}

func TestCloseFailsPacketOps(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		p, _ := packetPair(t)
		p.Close()
		runPoll(t, x, func(cx *async.Context) {
			r, ok := p.Recv(make([]byte, 4)).Poll(cx)
			if !ok || !errors.Is(r.Err, net.ErrClosed) {
				t.Errorf("Recv after Close: %+v, %v; want net.ErrClosed", r, ok)
			}
			s, ok := p.Send([]byte("x")).Poll(cx)
			if !ok || !errors.Is(s.Err, net.ErrClosed) {
				t.Errorf("Send after Close: %+v, %v; want net.ErrClosed", s, ok)
			}
		})
	})
}

// TestSocketErrorIsConsumed: a connected UDP socket gets ECONNREFUSED from
// an ICMP error (EPOLLERR); the kernel forgets the error once reported, so
// a later Recv must wait, not spin on a readiness that stuck.
func TestSocketErrorIsConsumed(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		closedPort := func() unix.Sockaddr {
			fd, _ := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
			defer unix.Close(fd)
			unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
			sa, _ := unix.Getsockname(fd)
			return sa
		}()
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
		p := &Packet{}
		p.Init(fd, testFamily)
		defer p.Close()
		var to RawAddr
		if err := to.Set(closedPort); err != nil {
			t.Fatal(err)
		}
		if err := p.Connect(&to); err != nil {
			t.Fatal(err)
		}
		ex := x.New(t)
		defer ex.Close()
		buf := make([]byte, 16)
		step := 0
		_, err = executor.BlockOn(ex, async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			switch step {
			case 0: // register, then send into the closed port
				if _, ok := p.Recv(buf).Poll(cx); ok {
					t.Error("Recv on an empty socket is ready")
					return struct{}{}, true
				}
				if r, ok := p.Send([]byte("x")).Poll(cx); !ok || r.Err != nil {
					t.Errorf("Send: %+v, %v", r, ok)
					return struct{}{}, true
				}
				step++
				return struct{}{}, false // the error wakes the Recv
			case 1:
				r, ok := p.rd.Poll(cx)
				if !ok {
					return struct{}{}, false
				}
				if !errors.Is(r.Err, unix.ECONNREFUSED) {
					t.Errorf("Recv after an ICMP error: %v; want ECONNREFUSED", r.Err)
					return struct{}{}, true
				}
				step++
				if _, ok := p.Recv(buf).Poll(cx); ok {
					t.Error("Recv after the error is ready")
					return struct{}{}, true
				}
				if p.Registered().Ready()&reactor.Error != 0 {
					t.Error("the Error readiness outlived the EAGAIN that proved it consumed")
				}
				p.rd.Cancel()
			}
			return struct{}{}, true
		}))
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestRawAddrConversions(t *testing.T) {
	for _, sa := range []unix.Sockaddr{
		&unix.SockaddrInet4{Port: 5353, Addr: [4]byte{192, 0, 2, 1}},
		&unix.SockaddrInet6{Port: 443, ZoneId: 2, Addr: [16]byte{0xfe, 0x80, 15: 1}},
		&unix.SockaddrUnix{Name: "/tmp/x.sock"},
		&unix.SockaddrUnix{Name: "@abstract"},
		&unix.SockaddrUnix{Name: ""},
	} {
		var a RawAddr
		if err := a.Set(sa); err != nil {
			t.Fatalf("Set(%+v): %v", sa, err)
		}
		back, err := a.Sockaddr()
		if err != nil {
			t.Fatalf("Sockaddr of %+v: %v", sa, err)
		}
		if !sockaddrEqual(sa, back) {
			t.Errorf("round trip of %+v gave %+v", sa, back)
		}
	}
	var a RawAddr
	a.SetInet4([4]byte{10, 0, 0, 1}, 0x1234)
	if b := (*[2]byte)(unsafe.Pointer(&a.Inet4().Port)); b[0] != 0x12 || b[1] != 0x34 {
		t.Errorf("port in memory is %x; want network byte order 12 34", b[:])
	}
	if a.Inet6() != nil {
		t.Error("an IPv4 address read as IPv6")
	}
	var long [200]byte
	for i := range long {
		long[i] = 'a'
	}
	if err := a.Set(&unix.SockaddrUnix{Name: string(long[:])}); err == nil {
		t.Error("a Unix name longer than sun_path was accepted")
	}
	if _, err := (&RawAddr{}).Sockaddr(); err == nil {
		t.Error("an empty address converted")
	}
}

func sockaddrEqual(a, b unix.Sockaddr) bool {
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
