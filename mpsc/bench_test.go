package mpsc

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/testfut"
)

func BenchmarkPingPong(b *testing.B) {
	b.ReportAllocs()
	pp := newPingPong(b.N)
	b.ResetTimer()
	n, err := executor.Run(async.Future[int](pp))
	b.StopTimer()
	if err != nil || n != b.N || pp.ping.err != nil {
		b.Fatalf("ping-pong: %d round trips, %v, %v; want %d", n, err, pp.ping.err, b.N)
	}
}

// BenchmarkSendRecv is the channel alone: one Send and one Recv polled by
// hand, with no executor, on a channel of capacity 1.
func BenchmarkSendRecv(b *testing.B) {
	b.ReportAllocs()
	tx, rx := New[int](1)
	cx := testfut.NewContext(async.NoopWaker())
	for i := range b.N {
		testfut.ResetBudget(cx)
		if err, ok := tx.Send(i).Poll(cx); !ok || err != nil {
			b.Fatalf("Send = %v, %v", err, ok)
		}
		if r, ok := rx.Recv().Poll(cx); !ok || r.Value != i {
			b.Fatalf("Recv = %+v, %v", r, ok)
		}
	}
}
