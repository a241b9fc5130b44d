package cancel

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
)

// The cancellation-safety table of the package doc, row by row: each
// operation is cancelled the three ways (lost in a Select, timed out,
// aborted) on both executors, and each test proves what it gave up and
// what it kept.

// way is one of the three ways to cancel a future while it waits.
type way func(t *testing.T, x rttest.Executor, f async.Future[struct{}], held func() bool)

// A Cancelled future given up leaves the token's list; the token stays
// live and works for the others, and the future may wait anew.
func testCancelSafetyCancelled(t *testing.T, cancelIt way) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tok := New()
		f := tok.Cancelled()
		cancelIt(t, x, f, func() bool { return tok.hooksLen() == 1 })
		checkEmpty(t, tok, "after the cancelled wait")
		if tok.IsCancelled() {
			t.Fatal("cancelling a wait cancelled the token")
		}
		// It kept its use: polled again, it waits, and Cancel wakes it.
		w := &testfut.Waker{}
		if _, ok := f.Poll(testfut.NewContext(w)); ok {
			t.Fatal("a cancelled future polled again is ready on a live token")
		}
		tok.Cancel()
		if _, ok := f.Poll(testfut.NewContext(w)); w.Wakes() != 1 || !ok {
			t.Fatalf("the future waiting anew: woken %d times, ready %v; want 1, true", w.Wakes(), ok)
		}
	})
}

func TestCancelSafetyCancelledSelect(t *testing.T) {
	testCancelSafetyCancelled(t, tasktest.LostInSelect[struct{}])
}

func TestCancelSafetyCancelledTimeout(t *testing.T) {
	testCancelSafetyCancelled(t, tasktest.TimedOut[struct{}])
}

func TestCancelSafetyCancelledAbort(t *testing.T) {
	testCancelSafetyCancelled(t, tasktest.Aborted[struct{}])
}

// A WithToken given up cancels its inner future once and leaves the
// token's list; the token stays live.
func testCancelSafetyWithToken(t *testing.T, cancelIt way) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tok := New()
		inner := testfut.New[int]()
		f := async.Map(WithTokenValue(tok, async.Future[int](inner)), func(async.Result[int]) struct{} { return struct{}{} })
		cancelIt(t, x, f, func() bool { return tok.hooksLen() == 1 && inner.Polls() > 0 })
		checkEmpty(t, tok, "after the cancelled WithToken")
		testfut.AssertCancelled(t, inner)
		testfut.AssertClean(t, inner)
		if tok.IsCancelled() {
			t.Fatal("cancelling WithToken cancelled the token")
		}
	})
}

func TestCancelSafetyWithTokenSelect(t *testing.T) {
	testCancelSafetyWithToken(t, tasktest.LostInSelect[struct{}])
}

func TestCancelSafetyWithTokenTimeout(t *testing.T) {
	testCancelSafetyWithToken(t, tasktest.TimedOut[struct{}])
}

func TestCancelSafetyWithTokenAbort(t *testing.T) {
	testCancelSafetyWithToken(t, tasktest.Aborted[struct{}])
}

// A ContextDone given up stops its AfterFunc and drops its waker: the
// context's end, later, wakes nothing.
func testCancelSafetyContextDone(t *testing.T, cancelIt way) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ctx := newWatchedCtx()
		f := ContextDone(ctx)
		g := async.Map(async.Future[error](f), func(error) struct{} { return struct{}{} })
		cancelIt(t, x, g, func() bool { return ctx.registered() == 1 })
		if n := ctx.registered(); n != 0 {
			t.Fatalf("%d AfterFuncs left registered after the cancelled wait; want 0", n)
		}
		if f.stop != nil || f.waker != nil {
			t.Fatal("the cancelled future kept its AfterFunc or its waker")
		}
		if ctx.Err() != nil {
			t.Fatal("cancelling the wait ended the context")
		}
		ctx.cancel()
	})
}

func TestCancelSafetyContextDoneSelect(t *testing.T) {
	testCancelSafetyContextDone(t, tasktest.LostInSelect[struct{}])
}

func TestCancelSafetyContextDoneTimeout(t *testing.T) {
	testCancelSafetyContextDone(t, tasktest.TimedOut[struct{}])
}

func TestCancelSafetyContextDoneAbort(t *testing.T) {
	testCancelSafetyContextDone(t, tasktest.Aborted[struct{}])
}
