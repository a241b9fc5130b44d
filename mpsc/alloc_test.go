package mpsc

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// The steady state allocates nothing: sends into room, receives, a
// receiver that waits, a sender that waits for room and is granted it.
func TestSteadyStateAllocatesNothing(t *testing.T) {
	tx, rx := New[int](1)
	cx := handContext(async.NoopWaker())
	allocs := testing.AllocsPerRun(1000, func() {
		testfut.ResetBudget(cx)
		if _, ok := rx.Recv().Poll(cx); ok {
			t.Fatal("Recv on an empty channel was ready")
		}
		if err, ok := tx.Send(1).Poll(cx); !ok || err != nil {
			t.Fatalf("Send = %v, %v", err, ok)
		}
		if r, ok := rx.Recv().Poll(cx); !ok || r.Value != 1 {
			t.Fatalf("Recv = %+v, %v", r, ok)
		}
		if err := tx.TrySend(2); err != nil {
			t.Fatal(err)
		}
		f := tx.Send(3)
		if _, ok := f.Poll(cx); ok {
			t.Fatal("Send on a full channel was ready")
		}
		if v, err := rx.TryRecv(); v != 2 || err != nil {
			t.Fatalf("TryRecv = %d, %v", v, err)
		}
		if err, ok := f.Poll(cx); !ok || err != nil {
			t.Fatalf("granted Send = %v, %v", err, ok)
		}
		if v, err := rx.TryRecv(); v != 3 || err != nil {
			t.Fatalf("TryRecv = %d, %v", v, err)
		}
	})
	if allocs != 0 {
		t.Errorf("steady state allocated %v times per round; want 0", allocs)
	}
}

func TestUnboundedSteadyStateAllocatesNothing(t *testing.T) {
	tx, rx := Unbounded[int]()
	cx := handContext(async.NoopWaker())
	for i := range 100 { // grow the ring once and for all
		tx.Send(i)
	}
	for range 100 {
		rx.TryRecv()
	}
	allocs := testing.AllocsPerRun(1000, func() {
		testfut.ResetBudget(cx)
		rx.Recv().Poll(cx)
		for i := range 50 {
			tx.Send(i)
		}
		for range 50 {
			rx.Recv().Poll(cx)
		}
	})
	if allocs != 0 {
		t.Errorf("steady state allocated %v times per round; want 0", allocs)
	}
}
