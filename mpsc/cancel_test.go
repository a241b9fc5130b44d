package mpsc

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

func TestCancelQueuedSend(t *testing.T) {
	tx, rx := New[int](1)
	tx.TrySend(0)
	w := &countWaker{}
	f := tx.Send(1)
	if _, ok := f.Poll(handContext(w)); ok {
		t.Fatal("Send on a full channel was ready")
	}
	f.Cancel()
	checkIdle(t, rx.c)
	if f.w.Waker() != nil {
		t.Error("the cancelled waiter still holds its waker")
	}
	if v, err := rx.TryRecv(); v != 0 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 0", v, err)
	}
	if w.wakes() != 0 {
		t.Errorf("the cancelled sender was woken %d times", w.wakes())
	}
	if _, err := rx.TryRecv(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("TryRecv = %v; want ErrEmpty: the cancelled value must not be sent", err)
	}
	// The handle is free for the next Send.
	if err, ok := tx.Send(2).Poll(handContext(w)); !ok || err != nil {
		t.Fatalf("Send after a cancelled Send = %v, %v", err, ok)
	}
}

// A sender that was granted a slot and woken, then cancelled before it
// could fill the slot, passes slot and wake to the next waiter.
func TestCancelledGrantPassesWake(t *testing.T) {
	tx, rx := New[int](1)
	tx.TrySend(0)
	a, b := tx.Clone(), tx.Clone()
	wa, wb := &countWaker{}, &countWaker{}
	if _, ok := a.Send(1).Poll(handContext(wa)); ok {
		t.Fatal("Send on a full channel was ready")
	}
	if _, ok := b.Send(2).Poll(handContext(wb)); ok {
		t.Fatal("Send on a full channel was ready")
	}
	if v, err := rx.TryRecv(); v != 0 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 0", v, err)
	}
	if wa.wakes() != 1 || wb.wakes() != 0 {
		t.Fatalf("after a receive: wakes a=%d b=%d; want 1, 0", wa.wakes(), wb.wakes())
	}
	a.send.Cancel() // woken, but cancelled before its poll
	if wb.wakes() != 1 {
		t.Fatalf("the cancelled grant did not wake the next sender (b woken %d times)", wb.wakes())
	}
	if err, ok := b.send.Poll(handContext(wb)); !ok || err != nil {
		t.Fatalf("b's Send after the passed grant = %v, %v; want ready", err, ok)
	}
	if v, err := rx.TryRecv(); v != 2 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 2 (a's value must not be sent)", v, err)
	}
	checkIdle(t, rx.c)
}

// A cancelled grant with nobody behind it frees the slot.
func TestCancelledGrantFreesSlot(t *testing.T) {
	tx, rx := New[int](1)
	tx.TrySend(0)
	f := tx.Send(1)
	f.Poll(handContext(async.NoopWaker()))
	rx.TryRecv()
	f.Cancel()
	checkIdle(t, rx.c)
	if err := tx.TrySend(3); err != nil {
		t.Fatalf("TrySend after a cancelled grant = %v; want the slot free", err)
	}
}

// A Recv that loses a timeout releases its waker; the next value is not
// lost.
func TestRecvTimeoutReleasesWaker(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int](1)
		ex := newExecutor(t, x, executor.WithPausedClock())
		r := blockOn(t, ex, timer.Timeout(rx.Recv(), time.Second))
		if !errors.Is(r.Err, timer.ErrTimeout) {
			t.Fatalf("Timeout(Recv) = %+v; want ErrTimeout", r)
		}
		checkIdle(t, rx.c)
		if err := tx.TrySend(7); err != nil {
			t.Fatal(err)
		}
		r2 := blockOn(t, ex, async.Future[async.Result[int]](rx.Recv()))
		if r2.Value != 7 || r2.Err != nil {
			t.Fatalf("Recv after a timed-out Recv = %+v; want 7", r2)
		}
	})
}

// A value that arrives between a Recv's wake and its cancellation stays
// buffered for the next Recv.
func TestCancelledRecvKeepsValue(t *testing.T) {
	tx, rx := New[int](1)
	w := &countWaker{}
	if _, ok := rx.Recv().Poll(handContext(w)); ok {
		t.Fatal("Recv on an empty channel was ready")
	}
	tx.TrySend(5)
	if w.wakes() != 1 {
		t.Fatalf("Send woke the receiver %d times; want 1", w.wakes())
	}
	rx.Recv().Cancel()
	if rx.Len() != 1 {
		t.Fatalf("Len() = %d after a cancelled Recv; want 1", rx.Len())
	}
	if v, err := rx.TryRecv(); v != 5 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 5", v, err)
	}
	checkIdle(t, rx.c)
}

// Cancelling a task that waits in Send (abort, or shutdown) leaves no
// waiter behind.
func TestAbortedSenderLeavesQueue(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int](1)
		tx.TrySend(0)
		sender := tx.Clone()
		f := sender.Send(1)
		stuck := task(await(func() async.Future[error] { return f }, nil))
		stuck.cancel = f.Cancel
		ex := newExecutor(t, x)
		var h async.JoinHandle[struct{}]
		// The controller is a task, not the future given to BlockOn, so its
		// Yield lets the other task run.
		blockOn(t, ex, async.Future[struct{}](all(t, task(
			func(cx *async.Context) bool {
				h = async.Spawn(cx, async.Future[struct{}](stuck))
				return true
			},
			await(func() async.Future[struct{}] { return async.Yield() }, nil),
			// On the multi-thread executor the stuck task may not have
			// run yet.
			until(func() bool { return rx.c.waiting() == 1 }),
			func(*async.Context) bool {
				if rx.c.waiting() != 1 {
					t.Errorf("%d senders waiting; want 1", rx.c.waiting())
				}
				h.Abort()
				return true
			},
			await(func() async.Future[async.Result[struct{}]] { return h }, func(r async.Result[struct{}]) {
				if !errors.Is(r.Err, async.ErrAborted) {
					t.Errorf("aborted task = %v; want ErrAborted", r.Err)
				}
			}),
		))))
		checkIdle(t, rx.c)
	})
}

// On an executor: a task granted a slot and aborted before it ran again
// passes the slot, and the wake, to the sender behind it.
func TestAbortAfterGrantPassesSlot(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[string](1)
		tx.TrySend("first")
		sender := func(v string) *steps {
			s := tx.Clone()
			f := s.Send(v)
			st := task(await(func() async.Future[error] { return f }, func(err error) {
				if err != nil {
					t.Errorf("Send(%q): %v", v, err)
				}
			}))
			st.cancel = f.Cancel
			return st
		}
		a, b := sender("a"), sender("b")
		var ha, hb async.JoinHandle[struct{}]
		var got []string
		recv := func() func(cx *async.Context) bool {
			return await(func() async.Future[async.Result[string]] { return rx.Recv() },
				func(r async.Result[string]) { got = append(got, r.Value) })
		}
		// a queues first, then b: on the multi-thread executor the two
		// tasks could run at once on two workers, so b is spawned only
		// once a waits, and the grant goes to a.
		controller := task(
			func(cx *async.Context) bool {
				ha = async.Spawn(cx, async.Future[struct{}](a))
				return true
			},
			until(func() bool { return rx.c.waiting() == 1 }),
			func(cx *async.Context) bool {
				hb = async.Spawn(cx, async.Future[struct{}](b))
				return true
			},
			await(func() async.Future[struct{}] { return async.Yield() }, nil),
			until(func() bool { return rx.c.waiting() == 2 }),
			recv(), // grants a's Send the slot and wakes it
			do(func() { ha.Abort() }),
			await(func() async.Future[async.Result[struct{}]] { return ha }, func(r async.Result[struct{}]) {
				if !errors.Is(r.Err, async.ErrAborted) {
					t.Errorf("aborted sender = %v; want ErrAborted", r.Err)
				}
			}),
			recv(),
			await(func() async.Future[async.Result[struct{}]] { return hb }, func(r async.Result[struct{}]) {
				if r.Err != nil {
					t.Errorf("sender b: %v", r.Err)
				}
			}),
		)
		runTasks(t, x, controller)
		if len(got) != 2 || got[0] != "first" || got[1] != "b" {
			t.Errorf("received %q; want [first b]", got)
		}
		if b.polls != 2 {
			t.Errorf("sender b polled %d times; want 2 (queued, then woken by a's passed grant)", b.polls)
		}
		checkIdle(t, rx.c)
	})
}
