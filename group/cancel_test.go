package group

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// A Next woken by a finishing task, then cancelled before it could take
// the result, loses nothing: the next Next takes it.
func TestCancelSafetySetNextWokenThenCancelled(t *testing.T) {
	var s Set[int]
	f := testfut.New[int]()
	e := s.c.add(f, false)
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	if _, ok := s.Next().Poll(cx); ok {
		t.Fatal("Next was ready with no task finished")
	}
	task := testfut.NewContext(async.NoopWaker())
	if _, ok := e.Poll(task); ok {
		t.Fatal("the task finished before its future")
	}
	f.Complete(4)
	if _, ok := e.Poll(task); !ok {
		t.Fatal("the task did not finish with its future")
	}
	if w.Wakes() != 1 {
		t.Fatalf("the finished task woke Next %d times; want once", w.Wakes())
	}
	s.Next().Cancel()
	if s.Len() != 1 {
		t.Fatalf("Len after a cancelled Next = %d; want 1", s.Len())
	}
	testfut.ResetBudget(cx)
	if r, ok := s.Next().Poll(cx); !ok || r.Value != 4 || r.Err != nil {
		t.Fatalf("Next after a cancelled Next = %+v, %v; want 4", r, ok)
	}
	checkIdle(t, &s.c)
}

// A Next that loses a Select leaves no waiter, and the task that finishes
// afterwards is reported by the next Next.
func TestCancelSafetySetNextSelect(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		f := testfut.New[int]()
		run(t, x, async.Go(func(co *async.Co) struct{} {
			s.Spawn(co.Context(), f)
			sel := async.Await(co, async.Select2(async.Future[async.Result[int]](s.Next()), async.Ready(struct{}{})))
			if sel.Index != 1 {
				t.Errorf("Select2 = %+v; want the ready branch", sel)
			}
			if n := s.c.waiting(); n != 0 {
				t.Errorf("%d waiters after the lost Next; want 0", n)
			}
			f.Complete(7)
			if r := async.Await(co, s.Next()); r.Value != 7 || r.Err != nil {
				t.Errorf("Next after a lost Next = %+v; want 7", r)
			}
			return struct{}{}
		}))
		checkIdle(t, &s.c)
	})
}

// A Next that times out at the very moment the task finishes (both at one
// second on the paused clock) either returns the result or leaves it for
// the next Next: it is reported exactly once.
func TestCancelSafetySetNextTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		got := run(t, x, async.Go(func(co *async.Co) []int {
			s.Spawn(co.Context(), sleepThen(time.Second, 9))
			s.Spawn(co.Context(), sleepThen(3*time.Second, 10))
			var got []int
			r := async.Await(co, timer.Timeout(s.Next(), time.Second))
			if r.Err == nil {
				got = append(got, r.Value)
			} else if !errors.Is(r.Err, timer.ErrTimeout) {
				t.Errorf("Timeout(Next) = %+v", r)
			}
			// Certainly times out: the other task ends at three seconds.
			r = async.Await(co, timer.Timeout(s.Next(), time.Second/2))
			if r.Err == nil && r.Value == 10 {
				t.Errorf("Timeout(Next) = %+v; want ErrTimeout or 9", r)
			} else if r.Err == nil {
				got = append(got, r.Value)
			}
			for {
				r := async.Await(co, s.Next())
				if r.Err != nil {
					return got
				}
				got = append(got, r.Value)
			}
		}))
		if len(got) != 2 || got[0] != 9 || got[1] != 10 {
			t.Errorf("results = %v; want [9 10], each once", got)
		}
		checkIdle(t, &s.c)
	})
}

// A task aborted while it waits in Next leaves no waiter; the task that
// finishes afterwards is reported to the next Next.
func TestCancelSafetySetNextAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		f := testfut.New[int]()
		run(t, x, async.Go(func(co *async.Co) struct{} {
			s.Spawn(co.Context(), f)
			h := async.Spawn(co.Context(), async.Future[async.Result[int]](s.Next()))
			async.Await(co, until(func() bool { return s.c.waiting() == 1 }))
			h.Abort()
			if r := async.Await(co, h); !errors.Is(r.Err, async.ErrAborted) {
				t.Errorf("the aborted Next's task = %+v; want ErrAborted", r)
			}
			if n := s.c.waiting(); n != 0 {
				t.Errorf("%d waiters after the aborted Next; want 0", n)
			}
			f.Complete(3)
			if r := async.Await(co, s.Next()); r.Value != 3 || r.Err != nil {
				t.Errorf("Next after an aborted Next = %+v; want 3", r)
			}
			return struct{}{}
		}))
		checkIdle(t, &s.c)
	})
}

// A Wait that times out leaves the tasks running; the results it had not
// dropped wait for Next.
func TestCancelSafetySetWaitTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		f := testfut.New[int]()
		run(t, x, async.Go(func(co *async.Co) struct{} {
			s.Spawn(co.Context(), async.Ready(1)) // dropped by the Wait
			s.Spawn(co.Context(), f)
			r := async.Await(co, timer.TimeoutValue(async.Future[error](s.Wait()), time.Second))
			if !errors.Is(r.Err, timer.ErrTimeout) {
				t.Errorf("Timeout(Wait) = %+v; want ErrTimeout", r)
			}
			if n := s.Len(); n != 1 {
				t.Errorf("Len after the Wait timed out = %d; want 1", n)
			}
			testfut.AssertNotCancelled(t, f)
			f.Complete(2)
			if r := async.Await(co, s.Next()); r.Value != 2 || r.Err != nil {
				t.Errorf("Next after a timed-out Wait = %+v; want 2", r)
			}
			return struct{}{}
		}))
		checkIdle(t, &s.c)
	})
}

// A task aborted while it waits in Wait leaves the set running.
func TestCancelSafetySetWaitAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		f := testfut.New[int]()
		run(t, x, async.Go(func(co *async.Co) struct{} {
			s.Spawn(co.Context(), f)
			h := async.Spawn(co.Context(), async.Future[error](s.Wait()))
			async.Await(co, until(func() bool { return s.c.waiting() == 1 }))
			h.Abort()
			async.Await(co, h)
			if n := s.c.waiting(); n != 0 {
				t.Errorf("%d waiters after the aborted Wait; want 0", n)
			}
			testfut.AssertNotCancelled(t, f)
			f.Complete(5)
			if r := async.Await(co, s.Next()); r.Value != 5 || r.Err != nil {
				t.Errorf("Next after an aborted Wait = %+v; want 5", r)
			}
			return struct{}{}
		}))
		checkIdle(t, &s.c)
	})
}

// A Shutdown that loses a Select after its first poll has closed the set
// and aborted its tasks; a result it did not drop waits for Next.
func TestCancelSafetySetShutdownSelect(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		f := testfut.New[int]()
		run(t, x, async.Go(func(co *async.Co) struct{} {
			s.Spawn(co.Context(), f)
			async.Await(co, until(func() bool { return f.Waker() != nil }))
			sel := async.Await(co, async.Select2(async.Future[struct{}](s.Shutdown()), async.Ready(1)))
			if !s.c.isClosed() {
				t.Error("the set is not closed after a lost Shutdown")
			}
			if sel.Index == 1 {
				// The Shutdown lost (on the multi-thread executor the abort
				// may have ended the task in time for it to win): the
				// task's result waits for Next.
				if r := async.Await(co, s.Next()); !errors.Is(r.Err, async.ErrAborted) {
					t.Errorf("Next after a lost Shutdown = %+v; want ErrAborted", r)
				}
			} else if !x.Multi {
				t.Errorf("Select2 = %+v; want the ready branch to win on one goroutine", sel)
			}
			if r := async.Await(co, s.Next()); !errors.Is(r.Err, ErrEmpty) {
				t.Errorf("Next = %+v; want ErrEmpty", r)
			}
			return struct{}{}
		}))
		testfut.AssertCancelled(t, f)
		checkIdle(t, &s.c)
	})
}

// A task aborted while it waits in Shutdown: the set stays closed, its
// task is aborted, and its result is reported once. The set's task aborts
// the Shutdown's task from its own Cancel, so that the abort comes while
// the Shutdown waits for it.
func TestCancelSafetySetShutdownAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		var shutter atomic.Pointer[async.JoinHandle[struct{}]]
		f := &cancelHook[int]{Future: testfut.New[int](), hook: func() {
			if h := shutter.Load(); h != nil {
				h.Abort()
			}
		}}
		run(t, x, async.Go(func(co *async.Co) struct{} {
			s.Spawn(co.Context(), f)
			async.Await(co, until(func() bool { return f.Waker() != nil }))
			h := async.Spawn(co.Context(), async.Future[struct{}](s.Shutdown()))
			shutter.Store(&h)
			r := async.Await(co, h)
			switch {
			case errors.Is(r.Err, async.ErrAborted):
				if r := async.Await(co, s.Next()); !errors.Is(r.Err, async.ErrAborted) {
					t.Errorf("Next after an aborted Shutdown = %+v; want ErrAborted", r)
				}
			case x.Multi && r.Err == nil:
				// On another worker, the Shutdown saw the task end before
				// the abort reached it, and dropped the result.
			default:
				t.Errorf("the aborted Shutdown's task = %+v; want ErrAborted", r)
			}
			if !s.c.isClosed() {
				t.Error("the set is not closed after an aborted Shutdown")
			}
			if r := async.Await(co, s.Next()); !errors.Is(r.Err, ErrEmpty) {
				t.Errorf("Next = %+v; want ErrEmpty", r)
			}
			return struct{}{}
		}))
		testfut.AssertCancelled(t, f)
		checkIdle(t, &s.c)
	})
}

// cancelHook is a testfut.Future whose Cancel calls hook first.
type cancelHook[T any] struct {
	*testfut.Future[T]
	hook func()
}

func (f *cancelHook[T]) Cancel() {
	f.hook()
	f.Future.Cancel()
}

// A Group's Wait that times out leaves the group running; the next Wait
// reports the first error.
func TestCancelSafetyGroupWaitTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var g Group
		f := testfut.New[error]()
		err := run(t, x, async.Go(func(co *async.Co) error {
			g.Spawn(co.Context(), f)
			r := async.Await(co, timer.TimeoutValue(async.Future[error](g.Wait()), time.Second))
			if !errors.Is(r.Err, timer.ErrTimeout) {
				t.Errorf("Timeout(Wait) = %+v; want ErrTimeout", r)
			}
			if g.Len() != 1 || g.c.waiting() != 0 {
				t.Errorf("after the timed-out Wait: Len %d, %d waiters; want 1, 0", g.Len(), g.c.waiting())
			}
			testfut.AssertNotCancelled(t, f)
			f.Complete(errBoom)
			return async.Await(co, g.Wait())
		}))
		if !errors.Is(err, errBoom) {
			t.Errorf("Wait = %v; want errBoom", err)
		}
		checkIdle(t, &g.c)
	})
}

// A task aborted while it waits in a Group's Wait leaves the group
// running.
func TestCancelSafetyGroupWaitAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var g Group
		f := testfut.New[error]()
		err := run(t, x, async.Go(func(co *async.Co) error {
			g.Spawn(co.Context(), f)
			h := async.Spawn(co.Context(), async.Future[error](g.Wait()))
			async.Await(co, until(func() bool { return g.c.waiting() == 1 }))
			h.Abort()
			if r := async.Await(co, h); !errors.Is(r.Err, async.ErrAborted) {
				t.Errorf("the aborted Wait's task = %+v; want ErrAborted", r)
			}
			testfut.AssertNotCancelled(t, f)
			f.Complete(nil)
			return async.Await(co, g.Wait())
		}))
		if err != nil {
			t.Errorf("Wait = %v; want nil", err)
		}
		checkIdle(t, &g.c)
	})
}
