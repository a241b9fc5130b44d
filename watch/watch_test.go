package watch

import (
	"errors"
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/internal/waitq"
)

// pollChanged polls r's Changed once with a fresh budget.
func pollChanged[T any](r *Receiver[T], w async.Waker) (error, bool) {
	return r.Changed().Poll(testfut.NewContext(w))
}

// mustChange fails the test unless Changed is ready with nil at once.
func mustChange[T any](t *testing.T, r *Receiver[T]) {
	t.Helper()
	if err, ok := pollChanged(r, async.NoopWaker()); !ok || err != nil {
		t.Fatalf("Changed = %v, %v; want ready with nil", err, ok)
	}
}

// mustWait fails the test unless Changed is pending; it cancels it.
func mustWait[T any](t *testing.T, r *Receiver[T]) {
	t.Helper()
	if err, ok := pollChanged(r, async.NoopWaker()); ok {
		t.Fatalf("Changed = %v; want pending", err)
	}
	r.Changed().Cancel()
}

func TestChangedAfterSend(t *testing.T) {
	tx, rx := New(1)
	if v := rx.Borrow(); v != 1 {
		t.Fatalf("Borrow() = %d; want the initial 1", v)
	}
	if rx.HasChanged() {
		t.Fatal("HasChanged() before any Send")
	}
	w := &testfut.Waker{}
	if _, ok := pollChanged(rx, w); ok {
		t.Fatal("Changed before any Send was ready")
	}
	if err := tx.Send(2); err != nil {
		t.Fatal(err)
	}
	if w.Wakes() != 1 {
		t.Fatalf("Send woke the receiver %d times; want 1", w.Wakes())
	}
	if !rx.HasChanged() {
		t.Fatal("HasChanged() after a Send = false")
	}
	mustChange(t, rx)
	if v := rx.Borrow(); v != 2 {
		t.Fatalf("Borrow() = %d; want 2", v)
	}
	mustWait(t, rx)
	checkIdle(t, rx.c)
}

// Values sent between two Changed are one change, to the latest.
func TestSendsCoalesce(t *testing.T) {
	tx, rx := New("a")
	for _, v := range []string{"b", "c", "d"} {
		tx.Send(v)
	}
	mustChange(t, rx)
	if v := rx.Borrow(); v != "d" {
		t.Fatalf("Borrow() = %q; want d", v)
	}
	mustWait(t, rx)
	if v := tx.Borrow(); v != "d" {
		t.Fatalf("Sender.Borrow() = %q; want d", v)
	}
}

func TestMarkSeen(t *testing.T) {
	tx, rx := New(0)
	tx.Send(1)
	if v := rx.Borrow(); v != 1 || !rx.HasChanged() {
		t.Fatalf("Borrow() = %d, HasChanged() = %v; want 1, true: Borrow marks nothing", v, rx.HasChanged())
	}
	if v := rx.BorrowAndMarkSeen(); v != 1 {
		t.Fatalf("BorrowAndMarkSeen() = %d; want 1", v)
	}
	mustWait(t, rx)
	tx.Send(2)
	rx.MarkSeen()
	mustWait(t, rx)
	if rx.HasChanged() {
		t.Fatal("HasChanged() after MarkSeen")
	}
}

// A subscriber has seen the latest value; a clone has seen what its
// original has.
func TestSubscribeAndClone(t *testing.T) {
	tx, rx := New(0)
	tx.Send(1)
	sub := tx.Subscribe()
	clone := rx.Clone()
	if sub.HasChanged() {
		t.Error("a new subscriber has a change")
	}
	if !clone.HasChanged() {
		t.Error("the clone of a receiver with a change has none")
	}
	if n := tx.ReceiverCount(); n != 3 {
		t.Errorf("ReceiverCount() = %d; want 3", n)
	}
	rx.Close()
	closedClone := rx.Clone()
	if err, ok := pollChanged(closedClone, async.NoopWaker()); !ok || !errors.Is(err, ErrClosed) {
		t.Errorf("Changed of the clone of a closed receiver = %v, %v; want ErrClosed", err, ok)
	}
	if n := tx.ReceiverCount(); n != 2 {
		t.Errorf("ReceiverCount() = %d; want 2", n)
	}
}

func TestSendWithoutReceivers(t *testing.T) {
	tx, rx := New(0)
	rx.Close()
	if err := tx.Send(1); !errors.Is(err, ErrNoReceivers) {
		t.Fatalf("Send with no receiver = %v; want ErrNoReceivers", err)
	}
	if v := tx.Borrow(); v != 0 {
		t.Fatalf("Borrow() = %d; want 0: the failed Send must not store", v)
	}
	if old := tx.Swap(2); old != 0 {
		t.Fatalf("Swap(2) = %d; want 0", old)
	}
	late := tx.Subscribe()
	if v := late.Borrow(); v != 2 {
		t.Fatalf("a late subscriber's Borrow() = %d; want 2", v)
	}
	if v := rx.Borrow(); v != 2 {
		t.Fatalf("a closed receiver's Borrow() = %d; want 2", v)
	}
}

// After Close, a receiver sees the last value if it had not, then the
// end.
func TestCloseEndsAfterLastValue(t *testing.T) {
	tx, rx := New(0)
	seen := tx.Subscribe()
	tx.Send(5)
	seen.MarkSeen()
	tx.Close()
	tx.Close()
	mustChange(t, rx)
	if v := rx.Borrow(); v != 5 {
		t.Fatalf("Borrow() = %d; want 5", v)
	}
	for _, r := range []*Receiver[int]{rx, seen} {
		if err, ok := pollChanged(r, async.NoopWaker()); !ok || !errors.Is(err, ErrClosed) {
			t.Fatalf("Changed after Close = %v, %v; want ErrClosed", err, ok)
		}
	}
	if err := tx.Send(6); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close = %v; want ErrClosed", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Swap after Close did not panic")
		}
	}()
	tx.Swap(7)
}

func TestCloseWakesWaiters(t *testing.T) {
	tx, rx := New(0)
	other := rx.Clone()
	w := &testfut.Waker{}
	pollChanged(rx, w)
	pollChanged(other, w)
	tx.Close()
	if w.Wakes() != 2 {
		t.Fatalf("Close woke %d receivers; want 2", w.Wakes())
	}
	if err, ok := pollChanged(rx, w); !ok || !errors.Is(err, ErrClosed) {
		t.Fatalf("Changed after Close = %v, %v; want ErrClosed", err, ok)
	}
	other.Close()
	if err, ok := pollChanged(other, w); !ok || !errors.Is(err, ErrClosed) {
		t.Fatalf("Changed of a closed receiver = %v, %v; want ErrClosed", err, ok)
	}
	checkIdle(t, rx.c)
}

func TestChangedKeepsNewestWaker(t *testing.T) {
	tx, rx := New(0)
	w1, w2 := &testfut.Waker{}, &testfut.Waker{}
	pollChanged(rx, w1)
	pollChanged(rx, w2)
	tx.Send(1)
	if w1.Wakes() != 0 || w2.Wakes() != 1 {
		t.Fatalf("wakes: old %d, new %d; want 0, 1", w1.Wakes(), w2.Wakes())
	}
	mustChange(t, rx)
	checkIdle(t, rx.c)
}

// Changed takes a unit of the cooperative budget before it looks.
func TestChangedTakesBudget(t *testing.T) {
	tx, rx := New(0)
	tx.Send(1)
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	for i := 0; cx.Proceed(); i++ {
		if i > 1<<20 {
			t.Fatal("the budget never ran out")
		}
	}
	if _, ok := rx.Changed().Poll(cx); ok {
		t.Fatal("Changed was ready with the budget spent")
	}
	if w.Wakes() != 1 {
		t.Fatalf("Changed out of budget woke the task %d times; want 1", w.Wakes())
	}
	if !rx.HasChanged() {
		t.Fatal("Changed out of budget marked the change seen")
	}
	testfut.ResetBudget(cx)
	if err, ok := rx.Changed().Poll(cx); !ok || err != nil {
		t.Fatalf("Changed with a new budget = %v, %v", err, ok)
	}
}

// lockCheckWaker fails the test if it is called while the channel's lock
// is held, and then runs then.
type lockCheckWaker struct {
	t     *testing.T
	mu    *sync.Mutex
	wakes int
	then  func()
}

func (w *lockCheckWaker) Wake() {
	if !w.mu.TryLock() {
		w.t.Error("a waker was called with the channel's lock held")
	} else {
		w.mu.Unlock()
	}
	w.wakes++
	if w.then != nil {
		w.then()
	}
}

// One Send to many waiting watchers wakes each once, outside the lock; a
// watcher that sees the change inside its wake and waits again for the
// next one is not woken again by the same Send.
func TestFanOutWakesEachOnce(t *testing.T) {
	const n = 3*waitq.BatchSize + 5
	tx, first := New(0)
	rxs := []*Receiver[int]{first}
	for len(rxs) < n {
		rxs = append(rxs, tx.Subscribe())
	}
	wakers := make([]*lockCheckWaker, n)
	for i, r := range rxs {
		w := &lockCheckWaker{t: t, mu: &r.c.mu}
		wakers[i] = w
		cx := testfut.NewContext(w)
		w.then = func() { // poll inline, as a task run by its waker would
			if w.wakes > 1 {
				return // the Close at the end
			}
			testfut.ResetBudget(cx)
			if err, ok := r.Changed().Poll(cx); !ok || err != nil {
				t.Errorf("watcher %d: Changed after its wake = %v, %v", i, err, ok)
				return
			}
			if v := r.Borrow(); v != 42 {
				t.Errorf("watcher %d: Borrow() = %d; want 42", i, v)
			}
			if _, ok := r.Changed().Poll(cx); ok { // waits for the next value
				t.Errorf("watcher %d: a second change appeared", i)
			}
		}
		if _, ok := r.Changed().Poll(cx); ok {
			t.Fatal("Changed before any Send was ready")
		}
	}
	tx.Send(42)
	for i, w := range wakers {
		if w.wakes != 1 {
			t.Errorf("watcher %d: woken %d times; want 1", i, w.wakes)
		}
	}
	if k := first.c.waiters.Len(); k != n {
		t.Errorf("%d watchers wait for the next value; want %d", k, n)
	}
	tx.Close()
	for i, w := range wakers {
		if w.wakes != 2 {
			t.Errorf("watcher %d: woken %d times in all; want 2", i, w.wakes)
		}
	}
	checkIdle(t, first.c)
}

// Tasks watch on both executors: each sees values in order, the last one,
// then the end.
func TestChangedOnExecutors(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, first := New(0)
		const watchers, last = 10, 5
		var tasks []async.Future[struct{}]
		for i := range watchers {
			r := first
			if i > 0 {
				r = tx.Subscribe()
			}
			tasks = append(tasks, async.Go(func(co *async.Co) struct{} {
				prev := 0
				for async.Await(co, async.Future[error](r.Changed())) == nil {
					v := r.BorrowAndMarkSeen()
					if v <= prev {
						t.Errorf("watcher %d: %d after %d", i, v, prev)
					}
					prev = v
				}
				if prev != last {
					t.Errorf("watcher %d: last saw %d; want %d", i, prev, last)
				}
				return struct{}{}
			}))
		}
		tasks = append(tasks, async.Go(func(co *async.Co) struct{} {
			for v := 1; v <= last; v++ {
				async.Await(co, async.Yield())
				if err := tx.Send(v); err != nil {
					t.Errorf("Send: %v", err)
				}
			}
			tx.Close()
			return struct{}{}
		}))
		tasktest.Run(t, x, async.Future[struct{}](tasktest.All(t, tasks...)))
		checkIdle(t, first.c)
	})
}

// A goroutine blocks in ChangedBlocking until a task sends; Close from
// another goroutine ends a blocked ChangedBlocking.
func TestChangedBlocking(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New(0)
		done := make(chan error)
		go func() {
			if err := rx.ChangedBlocking(); err != nil || rx.Borrow() != 5 {
				t.Errorf("ChangedBlocking = %v, Borrow() = %d; want nil, 5", err, rx.Borrow())
			}
			done <- rx.ChangedBlocking()
		}()
		tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
			tasktest.WaitFor(co, func() bool { return queued(rx) })
			tx.Send(5)
			tasktest.WaitFor(co, func() bool { return queued(rx) })
			return struct{}{}
		}))
		rx.Close() // from this goroutine: the blocked one wakes
		if err := <-done; !errors.Is(err, ErrClosed) {
			t.Fatalf("ChangedBlocking after Close = %v; want ErrClosed", err)
		}
		if err := tx.Send(6); !errors.Is(err, ErrNoReceivers) {
			t.Fatalf("Send after the last receiver closed = %v; want ErrNoReceivers", err)
		}
		checkIdle(t, rx.c)
	})
}
