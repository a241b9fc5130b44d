package cancel

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// isClosed reports whether ch is closed, without blocking.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestCancelReachesTheSubtree(t *testing.T) {
	root := New()
	a, b := root.Child(), root.Child()
	aa := a.Child()
	done := aa.Done()
	if root.IsCancelled() || a.IsCancelled() || aa.IsCancelled() || isClosed(done) {
		t.Fatal("a token is cancelled before any Cancel")
	}
	root.Cancel()
	for name, tok := range map[string]*Token{"root": root, "a": a, "b": b, "aa": aa} {
		if !tok.IsCancelled() {
			t.Errorf("%s not cancelled with the root", name)
		}
		if !isClosed(tok.Done()) {
			t.Errorf("%s's Done not closed", name)
		}
		checkEmpty(t, tok, name)
	}
	if !isClosed(done) {
		t.Error("Done made before Cancel was not closed")
	}
}

func TestCancelChildLeavesParent(t *testing.T) {
	root := New()
	a := root.Child()
	aa := a.Child()
	b := root.Child()
	a.Cancel()
	if root.IsCancelled() || b.IsCancelled() {
		t.Fatal("cancelling a child cancelled its parent or a sibling")
	}
	if !aa.IsCancelled() {
		t.Fatal("the child's child was not cancelled")
	}
	if n := root.hooksLen(); n != 1 {
		t.Fatalf("root's list holds %d entries after a child was cancelled; want 1 (b)", n)
	}
	b.Cancel()
	checkEmpty(t, root, "root")
	root.Cancel() // cancelling the children did not take root's own cancellation away
	if !root.IsCancelled() {
		t.Fatal("root not cancelled")
	}
}

func TestChildOfCancelledToken(t *testing.T) {
	root := New()
	root.Cancel()
	c := root.Child()
	if !c.IsCancelled() || !isClosed(c.Done()) {
		t.Fatal("a child of a cancelled token is live")
	}
	checkEmpty(t, root, "root")
	c.Cancel() // nothing to do, nothing to leave
}

func TestZeroTokenIsLive(t *testing.T) {
	var tok Token
	c := tok.Child()
	tok.Cancel()
	if !c.IsCancelled() {
		t.Fatal("the child of a zero Token was not cancelled with it")
	}
}

func TestCancelIsIdempotent(t *testing.T) {
	tok := New()
	calls := 0
	tok.AfterFunc(func() { calls++ })
	tok.Cancel()
	tok.Cancel()
	if calls != 1 {
		t.Fatalf("callback ran %d times; want 1", calls)
	}
}

func TestDoneIsOneChannel(t *testing.T) {
	tok := New()
	d := tok.Done()
	if tok.Done() != d {
		t.Fatal("Done returned two channels")
	}
	tok.Cancel()
	if !isClosed(d) {
		t.Fatal("Done not closed by Cancel")
	}
	late := New()
	late.Cancel()
	if !isClosed(late.Done()) {
		t.Fatal("Done made after Cancel is not closed")
	}
}

func TestAfterFunc(t *testing.T) {
	tok := New()
	var ran []string
	tok.AfterFunc(func() { ran = append(ran, "a") })
	stopB := tok.AfterFunc(func() { ran = append(ran, "b") })
	stopC := tok.AfterFunc(func() { ran = append(ran, "c") })
	if !stopB() {
		t.Fatal("stop of a callback not yet run = false")
	}
	if stopB() {
		t.Fatal("second stop = true")
	}
	tok.Cancel()
	if len(ran) != 2 || ran[0] != "a" || ran[1] != "c" {
		t.Fatalf("callbacks ran %q; want [a c]", ran)
	}
	if stopC() {
		t.Fatal("stop of a callback that ran = true")
	}
	// On a cancelled token: at once, before AfterFunc returns.
	stop := tok.AfterFunc(func() { ran = append(ran, "late") })
	if len(ran) != 3 || ran[2] != "late" {
		t.Fatalf("callback on a cancelled token: ran %q", ran)
	}
	if stop() {
		t.Fatal("stop of a callback run at registration = true")
	}
}

// A callback runs with no lock held: it may use its token and the parent.
func TestCallbackMayUseTheToken(t *testing.T) {
	root := New()
	child := root.Child()
	var inner atomic.Bool
	child.AfterFunc(func() {
		if !child.IsCancelled() {
			t.Error("callback runs before the token is cancelled")
		}
		child.Child().Cancel()
		child.AfterFunc(func() { inner.Store(true) })
		child.Done()
		root.Child().Cancel()
		child.Cancel() // re-entrant: nothing to do
	})
	root.Cancel()
	if !inner.Load() {
		t.Fatal("AfterFunc inside a callback did not run at once")
	}
	checkEmpty(t, root, "root")
}

func TestCancelledWakesOnce(t *testing.T) {
	tok := New()
	f := tok.Cancelled()
	w := &testfut.Waker{}
	if _, ok := f.Poll(testfut.NewContext(w)); ok {
		t.Fatal("Cancelled of a live token is ready")
	}
	if n := tok.hooksLen(); n != 1 {
		t.Fatalf("%d waiters after a pending poll; want 1", n)
	}
	// A spurious poll with the same waker does not queue it twice.
	if _, ok := f.Poll(testfut.NewContext(w)); ok {
		t.Fatal("Cancelled of a live token is ready")
	}
	if n := tok.hooksLen(); n != 1 {
		t.Fatalf("%d waiters after a second poll; want 1", n)
	}
	tok.Cancel()
	if w.Wakes() != 1 {
		t.Fatalf("Cancel woke the waiter %d times; want 1", w.Wakes())
	}
	if _, ok := f.Poll(testfut.NewContext(w)); !ok {
		t.Fatal("Cancelled not ready after Cancel")
	}
	if _, ok := f.Poll(testfut.NewContext(w)); !ok {
		t.Fatal("Cancelled polled again after ready is not ready")
	}
}

// A future polled again with another waker (its task moved to another
// worker, or a combinator's branch) is woken through the newest.
func TestCancelledKeepsNewestWaker(t *testing.T) {
	tok := New()
	f := tok.Cancelled()
	old, newest := &testfut.Waker{}, &testfut.Waker{}
	f.Poll(testfut.NewContext(old))
	f.Poll(testfut.NewContext(newest))
	tok.Cancel()
	if old.Wakes() != 0 || newest.Wakes() != 1 {
		t.Fatalf("wakes: old %d, newest %d; want 0, 1", old.Wakes(), newest.Wakes())
	}
}

// A future whose token is cancelled while Cancel is still going through
// the list leaves it ready and unlinks itself; the canceller then does not
// wake it.
func TestCancelledReadyBeforeItsTurn(t *testing.T) {
	tok := New()
	var f *CancelledFuture
	w := &testfut.Waker{}
	tok.AfterFunc(func() {
		if _, ok := f.Poll(testfut.NewContext(w)); !ok {
			t.Error("Cancelled not ready inside a callback of the cancelled token")
		}
	})
	f = tok.Cancelled()
	f.Poll(testfut.NewContext(w))
	tok.Cancel()
	if w.Wakes() != 0 {
		t.Fatalf("a future already ready was woken %d times", w.Wakes())
	}
	checkEmpty(t, tok, "token")
}

func TestCancelledTakesBudget(t *testing.T) {
	tok := New()
	tok.Cancel()
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	ready := 0
	for range async.Budget + 1 {
		if _, ok := tok.Cancelled().Poll(cx); ok {
			ready++
		}
	}
	if ready != async.Budget {
		t.Fatalf("%d polls of a cancelled token were ready in one budget; want %d", ready, async.Budget)
	}
	if w.Wakes() != 1 {
		t.Fatalf("the poll over budget woke the task %d times; want 1", w.Wakes())
	}
}

// Cancel racing with registrations runs every callback exactly once, and
// every child and waiter ends up cancelled.
func TestCancelRacesRegistration(t *testing.T) {
	for range 200 {
		tok := New()
		var ran atomic.Int64
		var wg sync.WaitGroup
		const n = 8
		children := make([]*Token, n)
		for i := range n {
			wg.Go(func() {
				tok.AfterFunc(func() { ran.Add(1) })
				children[i] = tok.Child()
			})
		}
		wg.Go(tok.Cancel)
		wg.Wait()
		if ran.Load() != n {
			t.Fatalf("%d callbacks ran; want %d", ran.Load(), n)
		}
		for i, c := range children {
			if !c.IsCancelled() {
				t.Fatalf("child %d not cancelled", i)
			}
		}
		checkEmpty(t, tok, "token")
	}
}

// A callback that panics does not keep the rest of the list from running:
// the waiters are woken and the children cancelled before the panic
// reaches Cancel's caller.
func TestCancelAfterPanickingCallback(t *testing.T) {
	tok := New()
	w := &testfut.Waker{}
	tok.AfterFunc(func() { panic("first") })
	tok.AfterFunc(func() { panic("second") })
	f := tok.Cancelled()
	f.Poll(testfut.NewContext(w))
	child := tok.Child()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Cancel swallowed the callback's panic")
			}
		}()
		tok.Cancel()
	}()
	if w.Wakes() != 1 || !child.IsCancelled() {
		t.Fatalf("after panicking callbacks: waiter woken %d times, child cancelled %v; want 1, true",
			w.Wakes(), child.IsCancelled())
	}
	checkEmpty(t, tok, "token")
}
