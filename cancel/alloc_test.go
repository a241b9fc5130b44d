package cancel

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// Waiting allocates nothing in the steady state: a future kept and polled
// in each round, given up, polled again; WithToken's polls; and the wake
// of many waiters by Cancel (only the new token is allocated).
func TestWaitingAllocatesNothing(t *testing.T) {
	tok := New()
	f := tok.Cancelled()
	w := WithTokenValue(tok, async.Pending[int]())
	cx := testfut.NewContext(async.NoopWaker())
	allocs := testing.AllocsPerRun(1000, func() {
		testfut.ResetBudget(cx)
		if _, ok := f.Poll(cx); ok {
			t.Fatal("Cancelled of a live token is ready")
		}
		f.Poll(cx)
		f.Cancel()
		if _, ok := w.Poll(cx); ok {
			t.Fatal("WithToken of a live token and a pending future is ready")
		}
		_ = tok.IsCancelled()
	})
	if allocs != 0 {
		t.Errorf("waiting allocated %v times per round; want 0", allocs)
	}
	w.Cancel()
	checkEmpty(t, tok, "token")
}

func TestCancelWakingAllocatesOnlyTheToken(t *testing.T) {
	fs := make([]CancelledFuture, 100)
	cx := testfut.NewContext(async.NoopWaker())
	allocs := testing.AllocsPerRun(100, func() {
		wakeAll(New(), fs, cx)
	})
	if allocs != 1 {
		t.Errorf("Cancel of 100 waiters allocated %v times; want 1, the token", allocs)
	}
}

// wakeAll makes every future of fs wait on tok, cancels tok and polls them
// all to the end. The futures are reused, pointed at each new token.
func wakeAll(tok *Token, fs []CancelledFuture, cx *async.Context) {
	for i := range fs {
		fs[i].t = tok
		testfut.ResetBudget(cx)
		if _, ok := fs[i].Poll(cx); ok {
			panic("cancel: a live token's future is ready")
		}
	}
	tok.Cancel()
	for i := range fs {
		testfut.ResetBudget(cx)
		if _, ok := fs[i].Poll(cx); !ok {
			panic("cancel: a cancelled token's future is pending")
		}
	}
}
