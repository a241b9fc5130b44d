package udp

import (
	"fmt"
	"net"
	"net/netip"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
)

// pingPong is a round trip between two sockets as a state machine, so
// that nothing but the sockets' own futures is polled: a sends to b, b
// echoes to the sender, a receives. It stops after n round trips.
type pingPong struct {
	a, b  *Conn
	to    netip.AddrPort // b's address
	msg   []byte
	bufA  []byte
	bufB  []byte
	from  netip.AddrPort
	n     int
	state int
}

func (p *pingPong) Poll(cx *async.Context) (error, bool) {
	for p.n > 0 {
		switch p.state {
		case 0:
			r, ok := p.a.SendTo(p.msg, p.to).Poll(cx)
			if !ok {
				return nil, false
			}
			if r.Err != nil {
				return r.Err, true
			}
			p.state = 1
		case 1:
			r, ok := p.b.RecvFrom(p.bufB).Poll(cx)
			if !ok {
				return nil, false
			}
			if r.Err != nil {
				return r.Err, true
			}
			p.from = r.Value.Addr
			p.state = 2
		case 2:
			r, ok := p.b.SendTo(p.bufB[:len(p.msg)], p.from).Poll(cx)
			if !ok {
				return nil, false
			}
			if r.Err != nil {
				return r.Err, true
			}
			p.state = 3
		case 3:
			r, ok := p.a.RecvFrom(p.bufA).Poll(cx)
			if !ok {
				return nil, false
			}
			if r.Err != nil {
				return r.Err, true
			}
			if r.Value.N != len(p.msg) {
				return fmt.Errorf("echo of %d bytes came back with %d", len(p.msg), r.Value.N), true
			}
			p.state = 0
			p.n--
		}
	}
	return nil, true
}

func (p *pingPong) Cancel() {}

// newPingPong binds the two sockets of a pingPong; the caller closes them.
func newPingPong(tb testing.TB) *pingPong {
	a, err := Bind("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	b, err := Bind("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return &pingPong{a: a, b: b, to: addrOf(b), msg: make([]byte, 64), bufA: make([]byte, 1500), bufB: make([]byte, 1500)}
}

// TestRoundTripAllocatesNothing checks the promise of the package: once
// the sockets are registered, sending and receiving with addresses
// allocate nothing.
func TestRoundTripAllocatesNothing(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		p := newPingPong(t)
		run(t, x, func(co *async.Co) error {
			defer closeAll(p.a, p.b)
			p.n = 10 // registers both sockets
			if err := async.Await(co, async.Future[error](p)); err != nil {
				return err
			}
			allocs := testing.AllocsPerRun(200, func() {
				p.n = 1
				if err := async.Await(co, async.Future[error](p)); err != nil {
					t.Error(err)
				}
			})
			if allocs != 0 {
				return fmt.Errorf("a round trip allocates %v times; want 0", allocs)
			}
			return nil
		})
	})
}

// BenchmarkRoundTrip is a 64-byte SendTo, RecvFrom, SendTo back and
// RecvFrom between two sockets on loopback, on one executor.
func BenchmarkRoundTrip(b *testing.B) {
	p := newPingPong(b)
	defer closeAll(p.a, p.b)
	ex, err := executor.NewCurrentThread()
	if err != nil {
		b.Fatal(err)
	}
	defer ex.Close()
	p.n = 10
	if err, _ := executor.BlockOn(ex, async.Future[error](p)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	p.n = b.N
	if err, runErr := executor.BlockOn(ex, async.Future[error](p)); err != nil || runErr != nil {
		b.Fatal(err, runErr)
	}
}

// BenchmarkRoundTripNet is the same round trip with the net package on one
// goroutine, for comparison.
func BenchmarkRoundTripNet(b *testing.B) {
	a, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	to := c.LocalAddr().(*net.UDPAddr).AddrPort()
	msg, bufA, bufC := make([]byte, 64), make([]byte, 1500), make([]byte, 1500)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := a.WriteToUDPAddrPort(msg, to); err != nil {
			b.Fatal(err)
		}
		n, from, err := c.ReadFromUDPAddrPort(bufC)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.WriteToUDPAddrPort(bufC[:n], from); err != nil {
			b.Fatal(err)
		}
		if _, _, err := a.ReadFromUDPAddrPort(bufA); err != nil {
			b.Fatal(err)
		}
	}
}
