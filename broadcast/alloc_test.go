package broadcast

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// The steady state allocates nothing: a send, a receive that waits and is
// woken, a receive of a value already there, TryRecv, RecvBlocking.
func TestSteadyStateAllocatesNothing(t *testing.T) {
	tx, rx := New[int](4)
	cx := testfut.NewContext(async.NoopWaker())
	tx.Send(0)
	rx.RecvBlocking() // its waker is made once, on first use
	allocs := testing.AllocsPerRun(1000, func() {
		testfut.ResetBudget(cx)
		if _, ok := rx.Recv().Poll(cx); ok {
			t.Fatal("Recv on an empty channel was ready")
		}
		if n, err := tx.Send(1); n != 1 || err != nil {
			t.Fatalf("Send = %d, %v", n, err)
		}
		if r, ok := rx.Recv().Poll(cx); !ok || r.Value != 1 {
			t.Fatalf("Recv = %+v, %v", r, ok)
		}
		tx.Send(2)
		tx.Send(3)
		if v, err := rx.TryRecv(); v != 2 || err != nil {
			t.Fatalf("TryRecv = %d, %v", v, err)
		}
		if v, err := rx.RecvBlocking(); v != 3 || err != nil {
			t.Fatalf("RecvBlocking = %d, %v", v, err)
		}
	})
	if allocs != 0 {
		t.Errorf("steady state allocated %v times per round; want 0", allocs)
	}
}

// A send that wakes a hundred waiting receivers, and their receives,
// allocate nothing.
func TestFanOutAllocatesNothing(t *testing.T) {
	const n = 100
	tx, first := New[int](4)
	rxs := []*Receiver[int]{first}
	for len(rxs) < n {
		rxs = append(rxs, tx.Subscribe())
	}
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	allocs := testing.AllocsPerRun(100, func() {
		for _, r := range rxs {
			testfut.ResetBudget(cx)
			if _, ok := r.Recv().Poll(cx); ok {
				t.Fatal("Recv on an empty channel was ready")
			}
		}
		tx.Send(1)
		for _, r := range rxs {
			testfut.ResetBudget(cx)
			if res, ok := r.Recv().Poll(cx); !ok || res.Value != 1 {
				t.Fatalf("Recv = %+v, %v", res, ok)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("a fan-out to %d receivers allocated %v times; want 0", n, allocs)
	}
	if w.Wakes() != 101*n { // AllocsPerRun runs once more to warm up
		t.Errorf("%d wakes; want %d", w.Wakes(), 101*n)
	}
}
