package waitq

import (
	"sync"
	"testing"

	"github.com/asyncgo/async/internal/testfut"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// order returns the Data of l's waiters, front to back, and checks the
// back links and the count on the way.
func order(t *testing.T, l *List[int]) []int {
	t.Helper()
	var got []int
	var prev *Node[int]
	for w := l.head; w != nil; w = w.next {
		if w.prev != prev {
			t.Fatalf("waiter %d: prev link broken", w.Data)
		}
		got = append(got, w.Data)
		prev = w
	}
	if l.tail != prev || l.Len() != len(got) || l.Empty() != (len(got) == 0) {
		t.Fatalf("tail, Len or Empty out of step with %v", got)
	}
	return got
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestListOrder(t *testing.T) {
	ws := make([]Node[int], 5)
	wakers := make([]testfut.Waker, 5)
	var l List[int]
	for i := range ws {
		ws[i].Data = i
		l.PushBack(&ws[i], &wakers[i])
	}
	if got := order(t, &l); !equal(got, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("after PushBack: %v", got)
	}
	// Leave from the middle, the back and the front.
	for _, i := range []int{2, 4, 0} {
		if !l.Contains(&ws[i]) {
			t.Fatalf("waiter %d not contained before Remove", i)
		}
		if w := l.Remove(&ws[i]); w != &wakers[i] {
			t.Fatalf("Remove(%d) returned the waker %v", i, w)
		}
		if l.Contains(&ws[i]) || ws[i].Waker() != nil {
			t.Fatalf("waiter %d still contained, or still holds its waker", i)
		}
	}
	if got := order(t, &l); !equal(got, []int{1, 3}) {
		t.Fatalf("after Remove: %v", got)
	}
	if l.Leave(&ws[2]) != nil {
		t.Fatal("Leave of a waiter in no list returned a waker")
	}
	ws[3].SetWaker(&wakers[0])
	w, waker := l.PopFront()
	if w != &ws[1] || waker != &wakers[1] {
		t.Fatal("PopFront did not return the oldest waiter with its waker")
	}
	if waker := l.Leave(&ws[3]); waker != &wakers[0] {
		t.Fatal("Leave did not return the newest waker SetWaker stored")
	}
	if w, waker := l.PopFront(); w != nil || waker != nil || order(t, &l) != nil {
		t.Fatal("PopFront of an empty list returned a waiter")
	}
}

func TestListMoveTo(t *testing.T) {
	ws := make([]Node[int], 5)
	var a, b List[int]
	for i := range ws {
		ws[i].Data = i
		if i < 2 {
			a.PushBack(&ws[i], nil)
		} else {
			b.PushBack(&ws[i], nil)
		}
	}
	b.MoveTo(&a)
	if got := order(t, &a); !equal(got, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("after MoveTo: %v", got)
	}
	if order(t, &b) != nil {
		t.Fatal("MoveTo left waiters behind")
	}
	b.MoveTo(&a) // moving an empty list changes nothing
	a.MoveTo(&b) // nor does moving to an empty one
	if got := order(t, &b); !equal(got, []int{0, 1, 2, 3, 4}) || order(t, &a) != nil {
		t.Fatalf("after MoveTo to an empty list: %v", got)
	}
}

func TestBatch(t *testing.T) {
	var ws [BatchSize]testfut.Waker
	var b Batch
	b.Add(nil) // a waiter queued before its first poll: nothing to call
	for i := range ws {
		if b.Full() {
			t.Fatalf("full after %d wakers", i)
		}
		b.Add(&ws[i])
	}
	if !b.Full() {
		t.Fatal("not full with BatchSize wakers")
	}
	b.Wake()
	for i := range ws {
		if n := ws[i].Wakes(); n != 1 {
			t.Fatalf("waker %d woken %d times", i, n)
		}
	}
	if b.Full() {
		t.Fatal("still full after Wake")
	}
	b.Wake() // an emptied batch wakes nobody again
	if n := ws[0].Wakes(); n != 1 {
		t.Fatalf("waker 0 woken %d times", n)
	}
}

// WakeBelowUnlock wakes exactly the prefix below limit, over several
// batches, and leaves the mutex unlocked.
func TestWakeBelowUnlock(t *testing.T) {
	const ready = 2*BatchSize + 3
	ws := make([]Node[uint64], ready+4)
	wakers := make([]testfut.Waker, len(ws))
	var l List[uint64]
	for i := range ws {
		ws[i].Data = uint64(i)
		l.PushBack(&ws[i], &wakers[i])
	}
	var mu sync.Mutex
	mu.Lock()
	WakeBelowUnlock(&mu, &l, ready)
	if !mu.TryLock() {
		t.Fatal("the mutex is still held")
	}
	defer mu.Unlock()
	for i := range ws {
		want := 0
		if i < ready {
			want = 1
		}
		if n := wakers[i].Wakes(); n != want {
			t.Fatalf("waiter %d woken %d times, want %d", i, n, want)
		}
		if l.Contains(&ws[i]) != (i >= ready) {
			t.Fatalf("waiter %d: in the list is %v", i, l.Contains(&ws[i]))
		}
	}
	if l.Len() != len(ws)-ready {
		t.Fatalf("Len = %d, want %d", l.Len(), len(ws)-ready)
	}
}
