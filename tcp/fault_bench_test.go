package tcp

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/poll"
	"github.com/asyncgo/async/reactor"
)

// The benchmarks of this file time the paths that netfd's fault seam sits
// in (socket, accept, read, write, and the reactor's registrations), so
// that the seam's cost, which must be nil, shows in their numbers.

// benchAwaiter polls futures to completion without an executor: it polls,
// and turns the reactor while the future waits.
type benchAwaiter struct {
	r  *reactor.Reactor
	cx *async.Context
}

func newBenchAwaiter(b *testing.B) *benchAwaiter {
	b.Helper()
	r, err := reactor.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return &benchAwaiter{r: r, cx: testfut.ReactorContext(async.NoopWaker(), r)}
}

// await polls f until it is ready, turning the reactor between polls.
func benchAwait[T any](b *testing.B, a *benchAwaiter, f async.Future[async.Result[T]]) T {
	for {
		testfut.ResetBudget(a.cx)
		if r, ok := f.Poll(a.cx); ok {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			return r.Value
		}
		if _, err := a.r.Turn(poll.Forever); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConnWriteRead sends 64 bytes over a loopback connection and
// reads them at the other end.
func BenchmarkConnWriteRead(b *testing.B) {
	a := newBenchAwaiter(b)
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	c := benchAwait(b, a, Connect(l.Addr().String()))
	defer c.Close()
	s := benchAwait(b, a, l.Accept())
	defer s.Close()
	msg, buf := make([]byte, 64), make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		benchAwait(b, a, c.WriteAll(msg))
		for n := 0; n < len(msg); {
			n += benchAwait(b, a, s.Read(buf[n:]))
		}
	}
}

// BenchmarkConnectAcceptClose makes a loopback connection, accepts it and
// closes both ends: socket(2), connect(2), accept4(2), two registrations
// with the reactor and their removal, and the closes. The client resets
// the connection (SO_LINGER 0) so that a long run leaves no TIME_WAIT
// sockets to use up the ephemeral ports.
func BenchmarkConnectAcceptClose(b *testing.B) {
	a := newBenchAwaiter(b)
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	addr := l.Addr().String()
	b.ReportAllocs()
	for b.Loop() {
		c := benchAwait(b, a, Connect(addr))
		s := benchAwait(b, a, l.Accept())
		if err := c.SetLinger(0); err != nil {
			b.Fatal(err)
		}
		c.Close()
		s.Close()
	}
}
