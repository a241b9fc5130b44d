package oneshot

// The cooperative budget: the Receiver and the Sender's Closed future are
// ready without waiting once the other side is done, so each takes a unit
// of the task's budget and gives way when it is spent.

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

func TestBudgetReadyFuturesGiveWay(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func() async.Future[struct{}]
	}{
		{"Receiver with a value sent", func() async.Future[struct{}] {
			tx, rx := New[int]()
			tx.Send(1)
			return async.Map[async.Result[int]](rx, func(async.Result[int]) struct{} { return struct{}{} })
		}},
		{"Sender.Closed with the receiver gone", func() async.Future[struct{}] {
			tx, rx := New[int]()
			rx.Cancel()
			return tx.Closed()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &countWaker{}
			cx := handContext(w)
			for cx.Proceed() {
			}
			f := tc.f()
			if _, ok := f.Poll(cx); ok {
				t.Fatal("ready with the budget spent")
			}
			if w.wakes() != 1 {
				t.Fatalf("pending for the budget with %d wakes, want 1", w.wakes())
			}
			testfut.ResetBudget(cx)
			if _, ok := f.Poll(cx); !ok {
				t.Fatal("pending with a new budget")
			}
		})
	}
}
