package broadcast

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

// tryRecv fails the test unless TryRecv returns want.
func tryRecv[T comparable](t *testing.T, r *Receiver[T], want T) {
	t.Helper()
	if v, err := r.TryRecv(); v != want || err != nil {
		t.Fatalf("TryRecv = %v, %v; want %v", v, err, want)
	}
}

// tryRecvErr fails the test unless TryRecv fails with want.
func tryRecvErr[T any](t *testing.T, r *Receiver[T], want error) {
	t.Helper()
	if v, err := r.TryRecv(); !errors.Is(err, want) {
		t.Fatalf("TryRecv = %v, %v; want %v", v, err, want)
	}
}

// missed returns the count of a *LaggedError, or fails the test.
func missed(t *testing.T, err error) uint64 {
	t.Helper()
	var lag *LaggedError
	if !errors.As(err, &lag) {
		t.Fatalf("error %v; want a *LaggedError", err)
	}
	return lag.Missed
}

func TestEveryReceiverSeesEveryValue(t *testing.T) {
	tx, a := New[int](4)
	b := tx.Subscribe()
	for i := range 3 {
		if n, err := tx.Send(i); n != 2 || err != nil {
			t.Fatalf("Send(%d) = %d, %v; want 2 receivers", i, n, err)
		}
	}
	for _, r := range []*Receiver[int]{a, b} {
		for i := range 3 {
			tryRecv(t, r, i)
		}
		tryRecvErr(t, r, ErrEmpty)
	}
}

func TestSubscribeSeesOnlyLaterValues(t *testing.T) {
	tx, a := New[string](4)
	tx.Send("before")
	b := tx.Subscribe()
	c := a.Resubscribe()
	tx.Send("after")
	tryRecv(t, a, "before")
	tryRecv(t, a, "after")
	tryRecv(t, b, "after")
	tryRecv(t, c, "after")
	tryRecvErr(t, b, ErrEmpty)
	if n := tx.ReceiverCount(); n != 3 {
		t.Errorf("ReceiverCount() = %d; want 3", n)
	}
}

// A receiver that fell behind by more than the capacity is told exactly
// how many values it missed, then reads on from the oldest value held.
func TestLagReportsExactMissed(t *testing.T) {
	tx, slow := New[int](4)
	fast := tx.Subscribe()
	for i := range 10 {
		tx.Send(i)
		tryRecv(t, fast, i)
	}
	if n := slow.Len(); n != 4 {
		t.Errorf("Len() of the lagging receiver = %d; want 4 (what it can still read)", n)
	}
	_, err := slow.TryRecv()
	if m := missed(t, err); m != 6 {
		t.Fatalf("missed %d; want 6", m)
	}
	if !errors.Is(err, ErrLagged) {
		t.Errorf("errors.Is(%v, ErrLagged) = false", err)
	}
	if got, want := err.Error(), "broadcast: receiver lagged behind by 6 values"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	for i := 6; i < 10; i++ {
		tryRecv(t, slow, i)
	}
	tryRecvErr(t, slow, ErrEmpty)

	// Lagging again, by one.
	for i := 10; i < 15; i++ {
		tx.Send(i)
	}
	_, err = slow.TryRecv()
	if m := missed(t, err); m != 1 {
		t.Fatalf("missed %d; want 1", m)
	}
	if got, want := err.Error(), "broadcast: receiver lagged behind by 1 value"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	tryRecv(t, slow, 11)
}

func TestSendWithoutReceivers(t *testing.T) {
	tx, rx := New[int](2)
	rx.Close()
	if n, err := tx.Send(1); n != 0 || !errors.Is(err, ErrNoReceivers) {
		t.Fatalf("Send with no receiver = %d, %v; want ErrNoReceivers", n, err)
	}
	r := tx.Subscribe()
	if n, err := tx.Send(2); n != 1 || err != nil {
		t.Fatalf("Send = %d, %v; want 1 receiver", n, err)
	}
	tryRecv(t, r, 2) // 1 was dropped, not kept
	tryRecvErr(t, rx, ErrClosed)
}

// Receivers read what is held after the last sender closes, then see the
// end; a clone keeps the stream open.
func TestCloseEndsStreamAfterValues(t *testing.T) {
	tx, rx := New[int](4)
	tx2 := tx.Clone()
	tx.Send(1)
	tx.Close()
	tx.Close()
	if _, err := tx.Send(9); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send on a closed handle = %v; want ErrClosed", err)
	}
	if c := tx.Clone(); c != nil {
		if _, err := c.Send(9); !errors.Is(err, ErrClosed) {
			t.Fatalf("Send on the clone of a closed handle = %v; want ErrClosed", err)
		}
	}
	tx2.Send(2)
	tryRecv(t, rx, 1)
	tryRecv(t, rx, 2)
	tryRecvErr(t, rx, ErrEmpty) // tx2 is open
	tx2.Send(3)
	tx2.Close()
	tryRecv(t, rx, 3)
	tryRecvErr(t, rx, ErrClosed)
	tryRecvErr(t, rx, ErrClosed)
}

func TestCloseWakesWaitingReceiver(t *testing.T) {
	tx, rx := New[int](1)
	w := &testfut.Waker{}
	if _, ok := rx.Recv().Poll(testfut.NewContext(w)); ok {
		t.Fatal("Recv on an empty channel was ready")
	}
	tx.Close()
	if w.Wakes() != 1 {
		t.Fatalf("Close woke the receiver %d times; want 1", w.Wakes())
	}
	if r, ok := rx.Recv().Poll(testfut.NewContext(w)); !ok || !errors.Is(r.Err, ErrClosed) {
		t.Fatalf("Recv after Close = %+v, %v; want ErrClosed", r, ok)
	}
	checkIdle(t, rx.c)
}

// A value is released once every receiver has read it, when a closing
// receiver no longer waits for it, or when it is overwritten.
func TestValueReleased(t *testing.T) {
	type big [1 << 10]byte
	tx, a := New[*big](2)
	b := tx.Subscribe()
	held := func(i int) bool {
		a.c.mu.Lock()
		defer a.c.mu.Unlock()
		return a.c.buf[i].val != nil
	}
	tx.Send(new(big)) // slot 0
	a.TryRecv()
	if !held(0) {
		t.Fatal("released while b has not read it")
	}
	b.TryRecv()
	if held(0) {
		t.Error("not released after every receiver read it")
	}

	tx.Send(new(big)) // slot 1
	a.TryRecv()
	b.Close()
	if held(1) {
		t.Error("not released when the last receiver yet to read it closed")
	}

	tx.Send(new(big)) // slot 0, then overwritten by slot 0 again
	tx.Send(new(big)) // slot 1
	tx.Send(nil)      // slot 0
	if _, err := a.TryRecv(); missed(t, err) != 1 {
		t.Fatal("want a lag of 1")
	}
	a.TryRecv() // slot 1
	if held(1) {
		t.Error("not released after the only reader read it")
	}
	a.Close()
	if held(0) || held(1) {
		t.Error("values held after every receiver closed")
	}
}

func TestLen(t *testing.T) {
	tx, rx := New[int](3)
	if rx.Len() != 0 {
		t.Fatalf("Len() = %d; want 0", rx.Len())
	}
	tx.Send(1)
	tx.Send(2)
	if rx.Len() != 2 {
		t.Fatalf("Len() = %d; want 2", rx.Len())
	}
	rx.TryRecv()
	if rx.Len() != 1 {
		t.Fatalf("Len() = %d; want 1", rx.Len())
	}
	rx.Close()
	if rx.Len() != 0 {
		t.Fatalf("Len() after Close = %d; want 0", rx.Len())
	}
}

func TestNewPanicsBelowOne(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("New(0) did not panic")
		}
	}()
	New[int](0)
}

// A Recv polled again with another waker is woken through the newest.
func TestRecvKeepsNewestWaker(t *testing.T) {
	tx, rx := New[int](1)
	w1, w2 := &testfut.Waker{}, &testfut.Waker{}
	rx.Recv().Poll(testfut.NewContext(w1))
	rx.Recv().Poll(testfut.NewContext(w2))
	tx.Send(1)
	if w1.Wakes() != 0 || w2.Wakes() != 1 {
		t.Fatalf("wakes: old %d, new %d; want 0, 1", w1.Wakes(), w2.Wakes())
	}
	if r, ok := rx.Recv().Poll(testfut.NewContext(w2)); !ok || r.Value != 1 {
		t.Fatalf("Recv = %+v, %v", r, ok)
	}
	checkIdle(t, rx.c)
}

// Recv takes a unit of the cooperative budget before it looks: a task
// whose receiver always has a value still gives way.
func TestRecvTakesBudget(t *testing.T) {
	tx, rx := New[int](1)
	tx.Send(1)
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	for i := 0; cx.Proceed(); i++ {
		if i > 1<<20 {
			t.Fatal("the budget never ran out")
		}
	}
	if _, ok := rx.Recv().Poll(cx); ok {
		t.Fatal("Recv was ready with the budget spent")
	}
	if w.Wakes() != 1 {
		t.Fatalf("Recv out of budget woke the task %d times; want 1", w.Wakes())
	}
	testfut.ResetBudget(cx)
	if r, ok := rx.Recv().Poll(cx); !ok || r.Value != 1 {
		t.Fatalf("Recv with a new budget = %+v, %v; want 1", r, ok)
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

// One send to many waiting receivers wakes each once, outside the lock;
// a receiver that takes the value inside its wake and waits again for the
// next is not woken again by the same send.
func TestFanOutWakesEachOnce(t *testing.T) {
	const n = 3*waitq.BatchSize + 5
	tx, first := New[int](4)
	rxs := []*Receiver[int]{first}
	for len(rxs) < n {
		rxs = append(rxs, tx.Subscribe())
	}
	wakers := make([]*lockCheckWaker, n)
	got := make([]int, n)
	for i, r := range rxs {
		w := &lockCheckWaker{t: t, mu: &r.c.mu}
		wakers[i] = w
		cx := testfut.NewContext(w)
		w.then = func() { // poll inline, as a task run by its waker would
			if w.wakes > 1 {
				return // the Close at the end
			}
			testfut.ResetBudget(cx)
			res, ok := r.Recv().Poll(cx)
			if !ok || res.Err != nil {
				t.Errorf("receiver %d: Recv after its wake = %+v, %v", i, res, ok)
				return
			}
			got[i]++
			if _, ok := r.Recv().Poll(cx); ok { // waits for the next value
				t.Errorf("receiver %d: a second value appeared", i)
			}
		}
		if _, ok := r.Recv().Poll(cx); ok {
			t.Fatal("Recv on an empty channel was ready")
		}
	}
	tx.Send(42)
	for i, w := range wakers {
		if w.wakes != 1 || got[i] != 1 {
			t.Errorf("receiver %d: woken %d times, got %d values; want 1, 1", i, w.wakes, got[i])
		}
	}
	if k := first.c.waiters.Len(); k != n {
		t.Errorf("%d receivers wait for the next value; want %d", k, n)
	}
	tx.Close()
	for i, w := range wakers {
		if w.wakes != 2 {
			t.Errorf("receiver %d: woken %d times in all; want 2", i, w.wakes)
		}
	}
	checkIdle(t, first.c)
}

// Tasks receive on both executors; each sees the values, then the end.
func TestRecvOnExecutors(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, first := New[int](8)
		const receivers, values = 10, 5
		var tasks []async.Future[struct{}]
		for i := range receivers {
			r := first
			if i > 0 {
				r = tx.Subscribe()
			}
			tasks = append(tasks, async.Go(func(co *async.Co) struct{} {
				for want := 0; ; want++ {
					v, err := async.Await(co, async.Future[async.Result[int]](r.Recv())).Get()
					if errors.Is(err, ErrClosed) && want == values {
						return struct{}{}
					}
					if v != want || err != nil {
						t.Errorf("receiver %d: Recv = %d, %v; want %d", i, v, err, want)
						return struct{}{}
					}
				}
			}))
		}
		tasks = append(tasks, async.Go(func(co *async.Co) struct{} {
			for v := range values {
				async.Await(co, async.Yield())
				if n, err := tx.Send(v); n != receivers || err != nil {
					t.Errorf("Send = %d, %v", n, err)
				}
			}
			tx.Close()
			return struct{}{}
		}))
		tasktest.Run(t, x, async.Future[struct{}](tasktest.All(t, tasks...)))
		checkIdle(t, first.c)
	})
}

// A goroutine blocks in RecvBlocking until a task sends; Close from
// another goroutine ends a blocked RecvBlocking.
func TestRecvBlocking(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int](2)
		other := tx.Subscribe()
		done := make(chan error)
		go func() {
			v, err := rx.RecvBlocking()
			if v != 5 || err != nil {
				t.Errorf("RecvBlocking = %d, %v; want 5", v, err)
			}
			_, err = rx.RecvBlocking()
			done <- err
		}()
		tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
			tasktest.WaitFor(co, func() bool { return queued(rx) })
			tx.Send(5)
			tasktest.WaitFor(co, func() bool { return queued(rx) })
			return struct{}{}
		}))
		other.Close()
		rx.Close() // from this goroutine: the blocked one wakes
		if err := <-done; !errors.Is(err, ErrClosed) {
			t.Fatalf("RecvBlocking after Close = %v; want ErrClosed", err)
		}
		checkIdle(t, rx.c)
	})
}
