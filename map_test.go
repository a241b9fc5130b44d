package async_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
)

func TestMapValue(t *testing.T) {
	noLeaks(t)
	got, err := executor.Run(async.Map(async.Ready(21), func(v int) string {
		return strconv.Itoa(v * 2)
	}))
	if err != nil || got != "42" {
		t.Fatalf("Run(Map) = %q, %v; want \"42\", nil", got, err)
	}
}

func TestMapWaitsForItsFuture(t *testing.T) {
	leaf := testfut.New[int]()
	m := async.Map(leaf, func(v int) int { return v + 1 })
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	if _, ok := m.Poll(cx); ok {
		t.Fatal("Map ready before its future")
	}
	if leaf.Waker() != async.Waker(w) {
		t.Error("Map did not poll its future with the task's own waker")
	}
	leaf.Complete(1)
	if v, ok := m.Poll(cx); !ok || v != 2 {
		t.Fatalf("Map = %d, %v; want 2, true", v, ok)
	}
	testfut.AssertPolls(t, leaf, 2)
	testfut.AssertClean(t, leaf)
}

func TestMapCancelForwards(t *testing.T) {
	leaf := testfut.New[int]()
	m := async.Map(leaf, func(v int) int { return v })
	m.Poll(testfut.NewContext(&testfut.Waker{}))
	m.Cancel()
	testfut.AssertCancelled(t, leaf)
	testfut.AssertClean(t, leaf)
}

// TestMapPanicDoesNotCancelReadyFuture: when fn panics, the task cancels
// the Map; the future it mapped was ready, so it must not be cancelled.
func TestMapPanicDoesNotCancelReadyFuture(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		leaf := testfut.New[int]()
		leaf.Complete(1)
		m := async.Map(leaf, func(int) int { panic("boom") })
		res, err := executor.Run(spawnAndAwait(m), x.Options...)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if pe := (*async.PanicError)(nil); !errors.As(res.Err, &pe) || pe.Value != "boom" {
			t.Errorf("task error = %v, want a PanicError of \"boom\"", res.Err)
		}
		testfut.AssertNotCancelled(t, leaf)
		testfut.AssertClean(t, leaf)
	})
}

func TestMapPollAllocatesNothing(t *testing.T) {
	leaf := testfut.New[int]()
	m := async.Map(leaf, func(v int) int { return v })
	cx := testfut.NewContext(&testfut.Waker{})
	if allocs := testing.AllocsPerRun(1000, func() { m.Poll(cx) }); allocs != 0 {
		t.Errorf("a pending poll of Map allocated %v times, want 0", allocs)
	}
}

func TestThenChains(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		f := async.Then(async.Ready(2), func(v int) async.Future[string] {
			return async.Then(async.Yield(), func(struct{}) async.Future[string] {
				return async.Ready(strconv.Itoa(v * v))
			})
		})
		got, err := executor.Run(f, x.Options...)
		if err != nil || got != "4" {
			t.Fatalf("Run(Then) = %q, %v; want \"4\", nil", got, err)
		}
	})
}

// TestThenPollsNextAtOnce: the next future is polled in the poll in which
// the first became ready, so a chain of ready futures takes one poll.
func TestThenPollsNextAtOnce(t *testing.T) {
	next := testfut.New[int]()
	next.Complete(5)
	f := async.Then(async.Ready(1), func(int) async.Future[int] { return next })
	if v, ok := f.Poll(testfut.NewContext(&testfut.Waker{})); !ok || v != 5 {
		t.Fatalf("Then = %d, %v; want 5, true", v, ok)
	}
	testfut.AssertPolls(t, next, 1)
}

func TestThenCancelForwardsToCurrent(t *testing.T) {
	t.Run("first", func(t *testing.T) {
		first, next := testfut.New[int](), testfut.New[int]()
		f := async.Then(first, func(int) async.Future[int] { return next })
		f.Poll(testfut.NewContext(&testfut.Waker{}))
		f.Cancel()
		testfut.AssertCancelled(t, first)
		testfut.AssertPolls(t, next, 0)
		testfut.AssertNotCancelled(t, next)
	})
	t.Run("next", func(t *testing.T) {
		first, next := testfut.New[int](), testfut.New[int]()
		f := async.Then(first, func(int) async.Future[int] { return next })
		cx := testfut.NewContext(&testfut.Waker{})
		f.Poll(cx)
		first.Complete(1)
		f.Poll(cx)
		f.Cancel()
		testfut.AssertNotCancelled(t, first)
		testfut.AssertCancelled(t, next)
		testfut.AssertClean(t, first, next)
	})
}

func TestThenNilFuturePanics(t *testing.T) {
	f := async.Then(async.Ready(1), func(int) async.Future[int] { return nil })
	defer func() {
		if recover() == nil {
			t.Error("Then with a nil next future did not panic")
		}
	}()
	f.Poll(testfut.NewContext(&testfut.Waker{}))
}
