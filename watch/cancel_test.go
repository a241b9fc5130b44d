package watch

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

// changed is rx.Changed() as an async.Future, for the combinators.
func changed[T any](rx *Receiver[T]) async.Future[error] { return rx.Changed() }

// A Changed that loses a Select after a Send woke it marks nothing seen:
// the next Changed is ready with the change at once.
func TestCancelSafetyWatchChangedSelect(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New(0)
		other := testfut.New[error]()
		tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
			h := async.Spawn(co.Context(), async.Select(changed(rx), async.Future[error](other)))
			tasktest.WaitFor(co, func() bool { return queued(rx) })
			// The other branch is woken first, so the select polls it
			// first and cancels the Changed, which the Send has woken too.
			other.Complete(nil)
			tx.Send(7)
			r := async.Await(co, async.Future[async.Result[async.Selected[error]]](h))
			if r.Err != nil || r.Value.Index != 1 {
				t.Errorf("select = %+v; want the other branch", r)
			}
			checkIdle(t, rx.c)
			if !rx.HasChanged() {
				t.Error("the lost Changed marked the change seen")
			}
			if err := async.Await(co, changed(rx)); err != nil || rx.Borrow() != 7 {
				t.Errorf("Changed after the lost one = %v, Borrow() = %d; want nil, 7", err, rx.Borrow())
			}
			return struct{}{}
		}))
		testfut.AssertClean(t, other)
	})
}

// A Changed that times out marks nothing seen and leaves no waiter
// behind; one whose deadline comes with a Send delivers that change
// exactly once.
func TestCancelSafetyWatchChangedTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New(0)
		tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
			r := async.Await(co, timer.TimeoutValue(changed(rx), time.Second))
			if !errors.Is(r.Err, timer.ErrTimeout) {
				t.Errorf("Timeout(Changed) = %+v; want ErrTimeout", r)
			}
			checkIdle(t, rx.c)
			tx.Send(7)
			if err := async.Await(co, changed(rx)); err != nil || rx.Borrow() != 7 {
				t.Errorf("Changed after the timed-out one = %v, Borrow() = %d; want nil, 7", err, rx.Borrow())
			}

			// The deadline and a Send at the same instant.
			h := async.Spawn(co.Context(), timer.TimeoutValue(changed(rx), time.Second))
			async.Await(co, timer.Sleep(time.Second))
			tx.Send(8)
			r = async.Await(co, async.Future[async.Result[async.Result[error]]](h)).Value
			switch {
			case errors.Is(r.Err, timer.ErrTimeout):
				if !rx.HasChanged() {
					t.Error("the timed-out Changed marked the change seen")
				}
			case r.Err == nil && r.Value == nil:
				if rx.HasChanged() {
					t.Error("the change was seen, yet HasChanged() is true")
				}
			default:
				t.Errorf("Timeout(Changed) = %+v", r)
			}
			return struct{}{}
		}))
		checkIdle(t, rx.c)
	})
}

// A task aborted while it waits in Changed marks nothing seen. Woken by a
// Send just before the abort, the change is seen by exactly one of the
// aborted task (if it ran first) and the next Changed.
func TestCancelSafetyWatchChangedAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New(0)
		tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
			waiting := func() async.JoinHandle[error] {
				h := async.Spawn(co.Context(), changed(rx))
				tasktest.WaitFor(co, func() bool { return queued(rx) })
				return h
			}

			// Aborted while it waits: nothing sent yet.
			h := waiting()
			h.Abort()
			if r := async.Await(co, async.Future[async.Result[error]](h)); !errors.Is(r.Err, async.ErrAborted) {
				t.Errorf("aborted task = %+v; want ErrAborted", r)
			}
			checkIdle(t, rx.c)
			tx.Send(1)
			if err := async.Await(co, changed(rx)); err != nil || rx.Borrow() != 1 {
				t.Errorf("Changed after the aborted one = %v, Borrow() = %d; want nil, 1", err, rx.Borrow())
			}

			// Woken by a Send, then aborted before (or after) it ran.
			h = waiting()
			tx.Send(2)
			h.Abort()
			r := async.Await(co, async.Future[async.Result[error]](h))
			switch {
			case errors.Is(r.Err, async.ErrAborted):
				if !rx.HasChanged() {
					t.Error("the aborted Changed marked the change seen")
				}
			case r.Err == nil && r.Value == nil:
				if !x.Multi {
					t.Error("on the current-thread executor the woken task ran before the abort")
				}
				if rx.HasChanged() {
					t.Error("the task saw the change, yet HasChanged() is true")
				}
			default:
				t.Errorf("aborted task = %+v", r)
			}
			return struct{}{}
		}))
		checkIdle(t, rx.c)
	})
}

// Polled by hand: a Changed woken by a Send and cancelled before its next
// poll (what an abort or a lost Select does) leaves the change to the next
// Changed.
func TestCancelSafetyWatchChangedWokenThenCancelled(t *testing.T) {
	tx, rx := New(0)
	w := &testfut.Waker{}
	if _, ok := pollChanged(rx, w); ok {
		t.Fatal("Changed before any Send was ready")
	}
	tx.Send(5)
	if w.Wakes() != 1 {
		t.Fatalf("Send woke the receiver %d times; want 1", w.Wakes())
	}
	rx.Changed().Cancel()
	checkIdle(t, rx.c)
	mustChange(t, rx)
	if v := rx.Borrow(); v != 5 {
		t.Fatalf("Borrow() = %d; want 5", v)
	}

	// Cancelled with the sender closed meanwhile: the last change first,
	// then the end.
	pollChanged(rx, w)
	tx.Send(6)
	tx.Close()
	rx.Changed().Cancel()
	mustChange(t, rx)
	if err, ok := pollChanged(rx, w); !ok || !errors.Is(err, ErrClosed) {
		t.Fatalf("Changed = %v, %v; want ErrClosed", err, ok)
	}
}
