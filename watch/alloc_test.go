package watch

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// The steady state allocates nothing: a Send, a Changed that waits and is
// woken, one that finds the change at once, the borrows, Swap and
// ChangedBlocking.
func TestSteadyStateAllocatesNothing(t *testing.T) {
	type state [3]int // several words, copied by Borrow
	tx, rx := New(state{})
	cx := testfut.NewContext(async.NoopWaker())
	tx.Send(state{1})
	rx.ChangedBlocking() // its waker is made once, on first use
	allocs := testing.AllocsPerRun(1000, func() {
		testfut.ResetBudget(cx)
		if _, ok := rx.Changed().Poll(cx); ok {
			t.Fatal("Changed with nothing new was ready")
		}
		if err := tx.Send(state{2}); err != nil {
			t.Fatal(err)
		}
		if err, ok := rx.Changed().Poll(cx); !ok || err != nil {
			t.Fatalf("Changed = %v, %v", err, ok)
		}
		if v := rx.Borrow(); v[0] != 2 {
			t.Fatalf("Borrow() = %+v", v)
		}
		tx.Swap(state{3})
		if err := rx.ChangedBlocking(); err != nil {
			t.Fatal(err)
		}
		tx.Send(state{4})
		if v := rx.BorrowAndMarkSeen(); v[0] != 4 || rx.HasChanged() {
			t.Fatalf("BorrowAndMarkSeen() = %+v", v)
		}
	})
	if allocs != 0 {
		t.Errorf("steady state allocated %v times per round; want 0", allocs)
	}
}

// A Send that wakes a hundred waiting watchers, and their Changed and
// Borrow, allocate nothing.
func TestFanOutAllocatesNothing(t *testing.T) {
	const n = 100
	tx, first := New(0)
	rxs := []*Receiver[int]{first}
	for len(rxs) < n {
		rxs = append(rxs, tx.Subscribe())
	}
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	v := 0
	allocs := testing.AllocsPerRun(100, func() {
		for _, r := range rxs {
			testfut.ResetBudget(cx)
			if _, ok := r.Changed().Poll(cx); ok {
				t.Fatal("Changed with nothing new was ready")
			}
		}
		v++
		tx.Send(v)
		for _, r := range rxs {
			testfut.ResetBudget(cx)
			if err, ok := r.Changed().Poll(cx); !ok || err != nil || r.Borrow() != v {
				t.Fatalf("Changed = %v, %v", err, ok)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("waking %d watchers allocated %v times; want 0", n, allocs)
	}
	if w.Wakes() != 101*n { // AllocsPerRun runs once more to warm up
		t.Errorf("%d wakes; want %d", w.Wakes(), 101*n)
	}
}
