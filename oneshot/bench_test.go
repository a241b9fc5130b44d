package oneshot

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// BenchmarkSendRecv is one channel's life, polled by hand: New, a receiver
// that waits, a Send that wakes it, the value taken.
func BenchmarkSendRecv(b *testing.B) {
	b.ReportAllocs()
	cx := handContext(async.NoopWaker())
	var keep *Receiver[int] // the channel escapes, as a real one does
	b.Cleanup(func() { _ = keep })
	for i := range b.N {
		testfut.ResetBudget(cx)
		tx, rx := New[int]()
		keep = rx
		if _, ok := rx.Poll(cx); ok {
			b.Fatal("ready before Send")
		}
		if err := tx.Send(i); err != nil {
			b.Fatal(err)
		}
		if r, ok := rx.Poll(cx); !ok || r.Value != i {
			b.Fatalf("Poll = %+v, %v", r, ok)
		}
	}
}

// BenchmarkGoroutineToGoroutine is a reply across goroutines: Send on one,
// RecvBlocking on the other.
func BenchmarkGoroutineToGoroutine(b *testing.B) {
	b.ReportAllocs()
	for i := range b.N {
		tx, rx := New[int]()
		go tx.Send(i)
		if v, err := rx.RecvBlocking(); v != i || err != nil {
			b.Fatalf("RecvBlocking = %d, %v", v, err)
		}
	}
}
