package broadcast

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// recv is rx.Recv() as an async.Future, for the combinators.
func recv[T any](rx *Receiver[T]) async.Future[async.Result[T]] { return rx.Recv() }

// A Recv that loses a Select after a value woke it takes nothing: the
// value is the next Recv's.
func TestCancelSafetyBroadcastRecvSelect(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int](4)
		other := testfut.New[async.Result[int]]()
		tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
			h := async.Spawn(co.Context(), async.Select(recv(rx), async.Future[async.Result[int]](other)))
			tasktest.WaitFor(co, func() bool { return queued(rx) })
			// The other branch is woken first, so the select polls it
			// first and cancels the Recv, which the send has woken too.
			other.Complete(async.Ok(-1))
			tx.Send(7)
			r := async.Await(co, async.Future[async.Result[async.Selected[async.Result[int]]]](h))
			if r.Err != nil || r.Value.Index != 1 {
				t.Errorf("select = %+v; want the other branch", r)
			}
			checkIdle(t, rx.c)
			if rx.Len() != 1 {
				t.Errorf("Len() after the lost Recv = %d; want 1", rx.Len())
			}
			if v, err := async.Await(co, recv(rx)).Get(); v != 7 || err != nil {
				t.Errorf("Recv after the lost Recv = %d, %v; want 7", v, err)
			}
			return struct{}{}
		}))
		testfut.AssertClean(t, other)
	})
}

// A Recv that times out takes nothing and leaves no waiter behind; one
// whose deadline comes with a value delivers that value exactly once.
func TestCancelSafetyBroadcastRecvTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int](2)
		tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
			r := async.Await(co, timer.Timeout(recv(rx), time.Second))
			if !errors.Is(r.Err, timer.ErrTimeout) {
				t.Errorf("Timeout(Recv) = %+v; want ErrTimeout", r)
			}
			checkIdle(t, rx.c)
			tx.Send(7)
			if v, err := async.Await(co, recv(rx)).Get(); v != 7 || err != nil {
				t.Errorf("Recv after the timed-out Recv = %d, %v; want 7", v, err)
			}

			// The deadline and a send at the same instant: the value goes
			// to exactly one of the timed-out Recv and the next one.
			h := async.Spawn(co.Context(), timer.Timeout(recv(rx), time.Second))
			async.Await(co, timer.Sleep(time.Second))
			tx.Send(8)
			r = async.Await(co, h).Value
			switch {
			case errors.Is(r.Err, timer.ErrTimeout):
				if v, err := rx.TryRecv(); v != 8 || err != nil {
					t.Errorf("TryRecv after the timed-out Recv = %d, %v; want 8", v, err)
				}
			case r.Err == nil && r.Value == 8:
				if _, err := rx.TryRecv(); !errors.Is(err, ErrEmpty) {
					t.Errorf("TryRecv = %v; want ErrEmpty: the value was the Recv's", err)
				}
			default:
				t.Errorf("Timeout(Recv) = %+v", r)
			}
			return struct{}{}
		}))
		checkIdle(t, rx.c)
	})
}

// A task aborted while it waits in Recv takes nothing. Sent to just
// before the abort, the value goes to exactly one of the aborted task (if
// it ran first) and the next Recv.
func TestCancelSafetyBroadcastRecvAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int](4)
		tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
			waiting := func() async.JoinHandle[async.Result[int]] {
				h := async.Spawn(co.Context(), recv(rx))
				tasktest.WaitFor(co, func() bool { return queued(rx) })
				return h
			}

			// Aborted while it waits: nothing sent yet.
			h := waiting()
			h.Abort()
			if r := async.Await(co, async.Future[async.Result[async.Result[int]]](h)); !errors.Is(r.Err, async.ErrAborted) {
				t.Errorf("aborted task = %+v; want ErrAborted", r)
			}
			checkIdle(t, rx.c)
			tx.Send(1)
			if v, err := async.Await(co, recv(rx)).Get(); v != 1 || err != nil {
				t.Errorf("Recv after the aborted one = %d, %v; want 1", v, err)
			}

			// Woken by a send, then aborted before (or after) it ran.
			h = waiting()
			tx.Send(2)
			h.Abort()
			r := async.Await(co, async.Future[async.Result[async.Result[int]]](h))
			switch {
			case errors.Is(r.Err, async.ErrAborted):
				if v, err := rx.TryRecv(); v != 2 || err != nil {
					t.Errorf("TryRecv after the aborted task = %d, %v; want 2", v, err)
				}
			case r.Err == nil && r.Value.Value == 2:
				if !x.Multi {
					t.Error("on the current-thread executor the woken task ran before the abort")
				}
				if _, err := rx.TryRecv(); !errors.Is(err, ErrEmpty) {
					t.Errorf("TryRecv = %v; want ErrEmpty: the value was the task's", err)
				}
			default:
				t.Errorf("aborted task = %+v", r)
			}
			return struct{}{}
		}))
		checkIdle(t, rx.c)
	})
}

// Polled by hand: a Recv woken by a send and then cancelled before its
// next poll (what an abort or a lost Select does) leaves the value, and a
// lag, to the next receive.
func TestCancelSafetyBroadcastRecvWokenThenCancelled(t *testing.T) {
	tx, rx := New[int](2)
	w := &testfut.Waker{}
	if _, ok := rx.Recv().Poll(testfut.NewContext(w)); ok {
		t.Fatal("Recv on an empty channel was ready")
	}
	tx.Send(5)
	if w.Wakes() != 1 {
		t.Fatalf("Send woke the receiver %d times; want 1", w.Wakes())
	}
	rx.Recv().Cancel()
	checkIdle(t, rx.c)
	tryRecv(t, rx, 5)

	rx.Recv().Poll(testfut.NewContext(w))
	for v := range 5 {
		tx.Send(v)
	}
	rx.Recv().Cancel()
	if w.Wakes() != 2 {
		t.Fatalf("wakes = %d; want 2", w.Wakes())
	}
	r, ok := rx.Recv().Poll(testfut.NewContext(w))
	if !ok || missed(t, r.Err) != 3 {
		t.Fatalf("Recv = %+v, %v; want 3 missed", r, ok)
	}
	tryRecv(t, rx, 3)
	tryRecv(t, rx, 4)
	checkIdle(t, rx.c)
}
