package group

import (
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// In steady state a set allocates nothing besides the task itself: its
// record of a task is reused, a Next that waits queues a waiter embedded
// in the set, and a finished task is handed over without an allocation.
// The tasks here are polled by hand, so that only the set is measured.
func TestSetSteadyStateAllocatesNothing(t *testing.T) {
	var s Set[int]
	f := &readyFuture[int]{v: 1}
	cx := testfut.NewContext(async.NoopWaker())
	round := func() {
		testfut.ResetBudget(cx)
		a, b := s.c.add(f, false), s.c.add(f, false)
		if _, ok := s.Next().Poll(cx); ok {
			t.Fatal("Next was ready with no task finished")
		}
		a.Poll(cx) // wakes the Next
		b.Poll(cx)
		for range 2 {
			if r, ok := s.Next().Poll(cx); !ok || r.Value != 1 {
				t.Fatalf("Next = %+v, %v", r, ok)
			}
		}
		if r, ok := s.Next().Poll(cx); !ok || r.Err != ErrEmpty {
			t.Fatalf("Next = %+v, %v; want ErrEmpty", r, ok)
		}
	}
	round() // the first round makes the entries
	if allocs := testing.AllocsPerRun(1000, round); allocs != 0 {
		t.Errorf("a round of two tasks allocated %v times; want 0", allocs)
	}
}

// Neither does a group, nor an abort.
func TestGroupSteadyStateAllocatesNothing(t *testing.T) {
	var g Group
	ok := &readyFuture[error]{}
	fail := &readyFuture[error]{v: errBoom}
	stuck := &stuckTask{cancels: new(atomic.Int64)}
	cx := testfut.NewContext(async.NoopWaker())
	round := func() {
		testfut.ResetBudget(cx)
		g.c.mu.Lock()
		g.c.err, g.c.closed = nil, false // a fresh group, without a new one
		g.c.mu.Unlock()
		a, b, c := g.c.add(ok, true), g.c.add(fail, true), g.c.add(stuck, true)
		a.Poll(cx)
		if _, done := g.Wait().Poll(cx); done {
			t.Fatal("Wait was ready with tasks running")
		}
		c.Poll(cx) // the first poll stores its waker
		b.Poll(cx) // fails: aborts c
		c.Poll(cx) // aborted
		if stuck.cancels.Add(-1) != 0 {
			t.Fatal("the aborted task's future was not cancelled")
		}
		if err, done := g.Wait().Poll(cx); !done || err != errBoom {
			t.Fatalf("Wait = %v, %v; want errBoom", err, done)
		}
	}
	round()
	if allocs := testing.AllocsPerRun(1000, round); allocs != 0 {
		t.Errorf("a round of three tasks allocated %v times; want 0", allocs)
	}
}
