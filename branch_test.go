package async_test

// Tests of the wake bookkeeping that Join and Select share (branch.go),
// and the helpers the combinator tests use.

import (
	"fmt"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// noLeaks fails the test if it leaves goroutines behind. The root package
// has no TestMain of the combinators' own, so each test asks for it.
func noLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

// leaves returns n pending testfut futures named "leaf 0", "leaf 1", ...
func leaves[T any](n int) []*testfut.Future[T] {
	ls := make([]*testfut.Future[T], n)
	for i := range ls {
		ls[i] = testfut.New[T]()
		ls[i].Name = fmt.Sprintf("leaf %d", i)
	}
	return ls
}

// spawnAndAwait returns a future that spawns f as a task on its first
// poll and is ready with the task's result, so that a test run by
// executor.Run sees what a JoinHandle reports (a panic, an abort).
func spawnAndAwait[T any](f async.Future[T]) async.Future[async.Result[T]] {
	var h *async.JoinHandle[T]
	return async.PollFunc[async.Result[T]](func(cx *async.Context) (async.Result[T], bool) {
		if h == nil {
			spawned := async.Spawn(cx, f)
			h = &spawned
		}
		return h.Poll(cx)
	})
}

// selfWaking is pending forever and wakes its waker at every poll, like a
// future whose resource is always busy.
type selfWaking struct{ polls int }

func (s *selfWaking) Poll(cx *async.Context) (int, bool) {
	s.polls++
	cx.Waker().Wake()
	return 0, false
}

func (s *selfWaking) Cancel() {}

func TestBranchWakeBeforeFirstPollIsNotLost(t *testing.T) {
	ls := leaves[int](3)
	ls[1].Complete(10) // before the join was ever polled
	j := async.JoinAll(ls...)
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	if _, ok := j.Poll(cx); ok {
		t.Fatal("join ready with two children pending")
	}
	ls[0].Complete(0)
	ls[2].Complete(20)
	if w.Wakes() != 2 {
		t.Errorf("parent woken %d times, want 2", w.Wakes())
	}
	got, ok := j.Poll(cx)
	if !ok || fmt.Sprint(got) != "[0 10 20]" {
		t.Fatalf("join = %v, %v; want [0 10 20], true", got, ok)
	}
	testfut.AssertPolls(t, ls[1], 1)
	testfut.AssertPolls(t, ls[0], 2)
	testfut.AssertClean(t, ls[0], ls[1], ls[2])
}

func TestBranchRepeatedWakesQueueOnce(t *testing.T) {
	ls := leaves[int](2)
	j := async.JoinAll(ls...)
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	j.Poll(cx)
	for range 5 {
		ls[0].WakeKept()
	}
	if w.Wakes() != 1 {
		t.Errorf("five wakes of one child woke the parent %d times, want 1", w.Wakes())
	}
	j.Poll(cx)
	testfut.AssertPolls(t, ls[0], 2)
	testfut.AssertPolls(t, ls[1], 1)
}

// TestBranchFollowsNewParentWaker: the task polling a combinator may
// change its waker; a child's wake must reach the latest one.
func TestBranchFollowsNewParentWaker(t *testing.T) {
	ls := leaves[int](2)
	s := async.Select(ls...)
	w1, w2 := &testfut.Waker{}, &testfut.Waker{}
	s.Poll(testfut.NewContext(w1))
	s.Poll(testfut.NewContext(w2))
	ls[1].Complete(1)
	if w1.Wakes() != 0 || w2.Wakes() != 1 {
		t.Errorf("wakes: old waker %d, new waker %d; want 0, 1", w1.Wakes(), w2.Wakes())
	}
}

// TestBranchSelfWakingChildYields: a child that wakes itself while it is
// polled is polled once per poll of the combinator, which then returns
// pending and wakes its task, instead of spinning inside one poll.
func TestBranchSelfWakingChildYields(t *testing.T) {
	busy := &selfWaking{}
	other := testfut.New[int]()
	j := async.Join2[int, int](busy, other)
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	for i := 1; i <= 3; i++ {
		if _, ok := j.Poll(cx); ok {
			t.Fatal("join ready with both children pending")
		}
		if busy.polls != i || w.Wakes() != i {
			t.Fatalf("after %d polls: child polled %d times, parent woken %d times", i, busy.polls, w.Wakes())
		}
	}
	testfut.AssertPolls(t, other, 1)
}

// budgetUser calls Proceed n times per poll and records the first failure.
type budgetUser struct {
	n      int
	polls  int
	denied int // the poll at which Proceed first said no, or 0
}

func (b *budgetUser) Poll(cx *async.Context) (int, bool) {
	b.polls++
	for range b.n {
		if !cx.Proceed() && b.denied == 0 {
			b.denied = b.polls
		}
	}
	cx.Waker().Wake()
	return 0, false
}

func (b *budgetUser) Cancel() {}

// TestBranchChildSharesTaskBudget: a child is polled with the budget of the
// poll in progress, refilled at each poll of the task, and what it spends
// is spent for the task. A Context kept from the first poll would keep its
// budget forever, and a leaf would be refused for good once it ran out.
func TestBranchChildSharesTaskBudget(t *testing.T) {
	child := &budgetUser{n: async.Budget / 2}
	j := async.JoinAll(child)
	cx := testfut.NewContext(&testfut.Waker{})
	for range 10 {
		testfut.ResetBudget(cx) // as Task.Run does
		j.Poll(cx)
	}
	if child.denied != 0 {
		t.Errorf("the child was refused budget at its poll %d of a fresh task budget", child.denied)
	}
	// Without a refill, two polls of the child spend the whole budget,
	// for the task too, and the third is refused.
	testfut.ResetBudget(cx)
	j.Poll(cx)
	j.Poll(cx)
	if cx.Proceed() {
		t.Error("the task still had budget after its child spent it all")
	}
	j.Poll(cx)
	if child.denied != 13 {
		t.Errorf("child first refused at poll %d, want 13", child.denied)
	}
}

// TestBranchConcurrentWakesAndPolls races wakes from many goroutines
// against polls: under -race this checks the stack's and the parent's
// synchronisation, and every value arrives.
func TestBranchConcurrentWakesAndPolls(t *testing.T) {
	noLeaks(t)
	const n = 2000
	ls := leaves[int](n)
	j := async.JoinAll(ls...)
	wake := make(chan struct{}, 1)
	w := async.WakerFunc(func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	cx := testfut.NewContext(w)
	j.Poll(cx)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < n; i += 4 {
				ls[i].WakeKept() // a spurious wake first
				ls[i].Complete(i)
			}
		})
	}
	var got []int
	for {
		v, ok := j.Poll(cx)
		if ok {
			got = v
			break
		}
		<-wake
	}
	wg.Wait()
	for i, v := range got {
		if v != i {
			t.Fatalf("value %d = %d", i, v)
		}
	}
	for _, l := range ls {
		testfut.AssertPollsAtMost(t, l, 3)
		testfut.AssertClean(t, l)
	}
}

func TestBranchWakeAllocatesNothing(t *testing.T) {
	ls := leaves[int](2)
	j := async.JoinAll(ls...)
	cx := testfut.NewContext(&testfut.Waker{})
	j.Poll(cx)
	w := ls[0].Waker()
	allocs := testing.AllocsPerRun(1000, func() {
		w.Wake()
		j.Poll(cx)
	})
	if allocs != 0 {
		t.Errorf("a wake and a poll allocated %v times, want 0", allocs)
	}
}
