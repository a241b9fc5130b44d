package testfut

import (
	"slices"
	"sync"
	"testing"
)

func TestFuturePendingKeepsWaker(t *testing.T) {
	f := New[int]()
	var w Waker
	if _, ok := f.Poll(NewContext(&w)); ok {
		t.Fatal("a future not completed was ready")
	}
	if f.Waker() != &w {
		t.Errorf("kept waker %v, want %v", f.Waker(), &w)
	}
	AssertPolls(t, f, 1)
	AssertNotCancelled(t, f)
	if f.Wakers() != 1 {
		t.Errorf("Wakers() = %d, want 1", f.Wakers())
	}
}

func TestFutureCompleteWakesAndIsReady(t *testing.T) {
	f := New[string]()
	var w Waker
	cx := NewContext(&w)
	f.Poll(cx)
	f.Complete("done")
	if w.Wakes() != 1 {
		t.Errorf("Complete woke the waker %d times, want 1", w.Wakes())
	}
	v, ok := f.Poll(cx)
	if !ok || v != "done" {
		t.Fatalf("Poll after Complete = %q, %v; want \"done\", true", v, ok)
	}
	if f.Waker() != nil {
		t.Error("a ready future still keeps its waker")
	}
	AssertPolls(t, f, 2)
	AssertClean(t, f)
}

func TestFutureCompleteBeforePollWakesNothing(t *testing.T) {
	f := New[int]()
	f.Complete(7)
	var w Waker
	if v, ok := f.Poll(NewContext(&w)); !ok || v != 7 {
		t.Fatalf("Poll = %d, %v; want 7, true", v, ok)
	}
	if w.Wakes() != 0 {
		t.Errorf("waker woken %d times, want 0", w.Wakes())
	}
}

func TestFutureCancelDropsWaker(t *testing.T) {
	f := New[int]()
	var w Waker
	f.Poll(NewContext(&w))
	f.Cancel()
	AssertCancelled(t, f)
	AssertClean(t, f)
}

func TestFutureCountsWakerChanges(t *testing.T) {
	f := New[int]()
	var w1, w2 Waker
	f.Poll(NewContext(&w1))
	f.Poll(NewContext(&w1))
	f.Poll(NewContext(&w2))
	if f.Wakers() != 2 {
		t.Errorf("Wakers() = %d, want 2", f.Wakers())
	}
	if f.Waker() != &w2 {
		t.Error("the future did not keep the latest waker")
	}
}

func TestFutureWakeKept(t *testing.T) {
	f := New[int]()
	if f.WakeKept() {
		t.Error("WakeKept before any poll reported a waker")
	}
	var w Waker
	f.Poll(NewContext(&w))
	if !f.WakeKept() || w.Wakes() != 1 {
		t.Errorf("WakeKept did not wake the kept waker (wakes = %d)", w.Wakes())
	}
}

func TestFutureRecordsViolations(t *testing.T) {
	f := New[int]()
	f.Name = "leaf"
	cx := NewContext(&Waker{})
	f.Complete(1)
	f.Poll(cx)
	f.Poll(cx)
	f.Cancel()
	g := New[int]()
	g.Cancel()
	g.Cancel()
	g.Poll(cx)
	want := []string{"leaf: Poll after Poll returned ready", "leaf: Cancel after Poll returned ready"}
	if got := f.Violations(); !slices.Equal(got, want) {
		t.Errorf("violations = %q, want %q", got, want)
	}
	want = []string{"testfut.Future: Cancel called twice", "testfut.Future: Poll after Cancel"}
	if got := g.Violations(); !slices.Equal(got, want) {
		t.Errorf("violations = %q, want %q", got, want)
	}
}

func TestFutureCompleteTwicePanics(t *testing.T) {
	f := New[int]()
	f.Complete(1)
	defer func() {
		if recover() == nil {
			t.Error("a second Complete did not panic")
		}
	}()
	f.Complete(2)
}

// TestFutureCompleteFromOtherGoroutines races Complete, on other
// goroutines, against polls on this one: every future ends ready with its
// value, and each is woken or seen complete.
func TestFutureCompleteFromOtherGoroutines(t *testing.T) {
	const n = 1000
	fs := make([]*Future[int], n)
	for i := range fs {
		fs[i] = New[int]()
	}
	var w Waker
	cx := NewContext(&w)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < n; i += 4 {
				fs[i].Complete(i)
			}
		})
	}
	for i, f := range fs {
		for {
			if v, ok := f.Poll(cx); ok {
				if v != i {
					t.Errorf("future %d = %d", i, v)
				}
				break
			}
		}
	}
	wg.Wait()
	for _, f := range fs {
		AssertClean(t, f)
	}
}
