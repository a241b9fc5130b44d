package async_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

func TestJoin2Values(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		got, err := executor.Run(async.Join2(async.Ready(1), async.Map(async.Yield(), func(struct{}) string { return "b" })), x.Options...)
		if err != nil || got != (async.Tuple2[int, string]{V1: 1, V2: "b"}) {
			t.Fatalf("Run(Join2) = %+v, %v", got, err)
		}
	})
}

func TestJoin3Values(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		a, b, c := testfut.New[int](), testfut.New[string](), testfut.New[bool]()
		go func() { c.Complete(true); a.Complete(1); b.Complete("b") }()
		got, err := executor.Run(async.Join3[int, string, bool](a, b, c), x.Options...)
		want := async.Tuple3[int, string, bool]{V1: 1, V2: "b", V3: true}
		if err != nil || got != want {
			t.Fatalf("Run(Join3) = %+v, %v; want %+v", got, err, want)
		}
		testfut.AssertClean(t, a, b, c)
	})
}

// TestJoinPollsOnlyTheWokenChild: each child has its own waker, so a wake
// re-polls that child alone.
func TestJoinPollsOnlyTheWokenChild(t *testing.T) {
	a, b := testfut.New[int](), testfut.New[int]()
	j := async.Join2[int, int](a, b)
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	j.Poll(cx)
	if a.Waker() == b.Waker() || a.Waker() == async.Waker(w) {
		t.Fatal("the children were not given wakers of their own")
	}
	b.Complete(2)
	if _, ok := j.Poll(cx); ok {
		t.Fatal("join ready with a child pending")
	}
	testfut.AssertPolls(t, a, 1)
	testfut.AssertPolls(t, b, 2)
	a.Complete(1)
	if v, ok := j.Poll(cx); !ok || v != (async.Tuple2[int, int]{V1: 1, V2: 2}) {
		t.Fatalf("join = %+v, %v", v, ok)
	}
	testfut.AssertPolls(t, a, 2)
	testfut.AssertPolls(t, b, 2)
	testfut.AssertClean(t, a, b)
}

func TestJoinAllKeepsInputOrder(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		ls := leaves[int](5)
		go func() {
			for i := len(ls) - 1; i >= 0; i-- {
				ls[i].Complete(i * 10)
			}
		}()
		got, err := executor.Run(async.JoinAll(ls...), x.Options...)
		if err != nil || !slices.Equal(got, []int{0, 10, 20, 30, 40}) {
			t.Fatalf("Run(JoinAll) = %v, %v", got, err)
		}
	})
}

// TestJoinAllOfHandles: JoinAll and Race take a slice of JoinHandles, a
// struct type, as it is.
func TestJoinAllOfHandles(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		got, err := executor.Run(async.Go(func(co *async.Co) []int {
			spawn := func(i int) async.JoinHandle[int] {
				return async.Spawn(co.Context(), async.Map(timer.Sleep(time.Duration(4-i)*time.Millisecond),
					func(struct{}) int { return i * i }))
			}
			hs := make([]async.JoinHandle[int], 4)
			for i := range hs {
				hs[i] = spawn(i)
			}
			racers := []async.JoinHandle[int]{spawn(1), spawn(2)}
			if v, err := async.Get(co, async.Race(racers...)); v != 4 || err != nil {
				t.Errorf("Race(handles...) = %v, %v; want 4", v, err)
			}
			var out []int
			for _, r := range async.Await(co, async.JoinAll(hs...)) {
				v, err := r.Get()
				if err != nil {
					t.Errorf("a joined task: %v", err)
				}
				out = append(out, v)
			}
			return out
		}), x.With(executor.WithPausedClock())...)
		if err != nil || !slices.Equal(got, []int{0, 1, 4, 9}) {
			t.Fatalf("Run(JoinAll(handles...)) = %v, %v; want [0 1 4 9]", got, err)
		}
	})
}

func TestJoinAllOfNothing(t *testing.T) {
	got, ok := async.JoinAll[async.Future[int]]().Poll(testfut.NewContext(&testfut.Waker{}))
	if !ok || len(got) != 0 {
		t.Fatalf("JoinAll(nil) = %v, %v; want [], true", got, ok)
	}
}

func TestJoinAllDoesNotChangeItsArgument(t *testing.T) {
	fs := []async.Future[int]{async.Ready(1), async.Ready(2)}
	async.JoinAll(fs...).Poll(testfut.NewContext(&testfut.Waker{}))
	if fs[0] == nil || fs[1] == nil {
		t.Error("JoinAll cleared the caller's slice")
	}
}

// TestJoinAllTenThousand completes 10,000 futures from several goroutines
// in random order while an executor polls their JoinAll. The goroutines
// complete in batches and wait for the join to be polled between batches,
// so the join is polled hundreds of times. Every child is still polled at
// most twice (its first poll and the one after its wake): a poll of the
// join costs O(woken), not O(children).
func TestJoinAllTenThousand(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		const n, workers, batch = 10_000, 4, 25
		ls := leaves[int](n)
		order := rand.Perm(n)
		var parentPolls atomic.Int64
		var wg sync.WaitGroup
		for g := range workers {
			wg.Go(func() {
				awaitPoll(&parentPolls, 0)
				for k := g; k < n; k += workers * batch {
					seen := parentPolls.Load()
					for i := k; i < min(k+workers*batch, n); i += workers {
						ls[order[i]].Complete(order[i])
					}
					// Every child was polled once before seen could be read
					// (the first poll had ended), so each completion wakes its
					// branch, or finds it queued for a poll under way: a poll
					// ends after seen either way.
					awaitPoll(&parentPolls, seen)
				}
			})
		}
		join := async.JoinAll(ls...)
		// A poll is counted when it ends. Counted at its start, a worker could
		// read the count during the first poll and complete only children that
		// poll had not reached yet: they are ready when it gets to them, so no
		// wake comes and no further poll either, and the worker would wait for
		// ever.
		main := async.PollFunc[[]int](func(cx *async.Context) ([]int, bool) {
			v, ok := join.Poll(cx)
			parentPolls.Add(1)
			return v, ok
		})
		got, err := executor.Run(main, x.Options...)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("value %d = %d", i, v)
			}
		}
		total := 0
		for _, l := range ls {
			testfut.AssertPollsAtMost(t, l, 2)
			testfut.AssertClean(t, l)
			total += l.Polls()
		}
		t.Logf("join polled %d times; children polled %d times in all", parentPolls.Load(), total)
	})
}

// awaitPoll waits until the join was polled more than seen times.
func awaitPoll(polls *atomic.Int64, seen int64) {
	for polls.Load() <= seen {
		runtime.Gosched()
	}
}

func TestJoinAllCancelCancelsPendingOnly(t *testing.T) {
	ls := leaves[int](4)
	j := async.JoinAll(ls...)
	cx := testfut.NewContext(&testfut.Waker{})
	j.Poll(cx)
	ls[1].Complete(1)
	ls[3].Complete(3)
	j.Poll(cx)
	j.Cancel()
	testfut.AssertCancelled(t, ls[0])
	testfut.AssertCancelled(t, ls[2])
	testfut.AssertNotCancelled(t, ls[1])
	testfut.AssertNotCancelled(t, ls[3])
	for _, l := range ls {
		testfut.AssertClean(t, l)
	}
}

func TestJoin3CancelCancelsPendingOnly(t *testing.T) {
	a, b, c := testfut.New[int](), testfut.New[int](), testfut.New[int]()
	j := async.Join3[int, int, int](a, b, c)
	cx := testfut.NewContext(&testfut.Waker{})
	b.Complete(2)
	j.Poll(cx)
	j.Cancel()
	testfut.AssertCancelled(t, a)
	testfut.AssertNotCancelled(t, b)
	testfut.AssertCancelled(t, c)
	testfut.AssertClean(t, a, b, c)
}

// TestJoinChildPanicCancelsTheOthers: the task reports the panic, and the
// executor cancels the join, which cancels its pending children once.
func TestJoinChildPanicCancelsTheOthers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		leaf := testfut.New[int]()
		bomb := async.PollFunc[int](func(*async.Context) (int, bool) { panic("boom") })
		res, err := executor.Run(spawnAndAwait(async.Join2[int, int](leaf, bomb)), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
		if pe := (*async.PanicError)(nil); !errors.As(res.Err, &pe) {
			t.Errorf("task error = %v, want a PanicError", res.Err)
		}
		testfut.AssertCancelled(t, leaf)
		testfut.AssertClean(t, leaf)
	})
}

// TestJoinWithSleepOnPausedClock: with the clock paused, the executor jumps
// to each deadline as soon as every task is idle, so an hour's sleep joins
// at once, and no timer stays armed afterwards.
func TestJoinWithSleepOnPausedClock(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		ex, err := x.Make(executor.WithPausedClock())
		if err != nil {
			t.Fatal(err)
		}
		defer ex.Close()
		r := ex.Reactor()
		start := r.Now()
		leaf := testfut.New[string]()
		go leaf.Complete("msg")
		got, err := executor.BlockOn(ex, async.Join3[struct{}, struct{}, string](
			timer.Sleep(time.Hour), timer.Sleep(time.Minute), leaf))
		if err != nil || got.V3 != "msg" {
			t.Fatalf("BlockOn(Join3) = %+v, %v", got, err)
		}
		if elapsed := r.Now().Sub(start); elapsed < time.Hour || elapsed > time.Hour+time.Second {
			t.Errorf("the paused clock moved %v, want an hour", elapsed)
		}
		if n := r.Timers(); n != 0 {
			t.Errorf("%d timers armed after the join, want 0", n)
		}
	})
}

// TestJoinAllRepollAllocatesNothing: after the first poll, which boxes the
// task's waker, a wake and a poll allocate nothing, for any number of
// children.
func TestJoinAllRepollAllocatesNothing(t *testing.T) {
	ls := leaves[int](1000)
	j := async.JoinAll(ls...)
	cx := testfut.NewContext(&testfut.Waker{})
	j.Poll(cx)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		ls[i%len(ls)].WakeKept()
		i++
		j.Poll(cx)
	})
	if allocs != 0 {
		t.Errorf("a re-poll of JoinAll allocated %v times, want 0", allocs)
	}
	allocs = testing.AllocsPerRun(1000, func() { j.Poll(cx) })
	if allocs != 0 {
		t.Errorf("a poll of JoinAll with nothing woken allocated %v times, want 0", allocs)
	}
}

func TestJoin2RepollAllocatesNothing(t *testing.T) {
	a, b := testfut.New[int](), testfut.New[string]()
	j := async.Join2[int, string](a, b)
	cx := testfut.NewContext(&testfut.Waker{})
	j.Poll(cx)
	allocs := testing.AllocsPerRun(1000, func() {
		a.WakeKept()
		b.WakeKept()
		j.Poll(cx)
	})
	if allocs != 0 {
		t.Errorf("a re-poll of Join2 allocated %v times, want 0", allocs)
	}
}

// BenchmarkJoinAllWakeOne wakes one child of a large JoinAll and polls it:
// the cost must not grow with the number of children.
func BenchmarkJoinAllWakeOne(b *testing.B) {
	for _, n := range []int{10, 1000, 100_000} {
		b.Run(fmt.Sprintf("children=%d", n), func(b *testing.B) {
			ls := leaves[int](n)
			j := async.JoinAll(ls...)
			cx := testfut.NewContext(&testfut.Waker{})
			j.Poll(cx)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				ls[i%n].WakeKept()
				i++
				j.Poll(cx)
			}
		})
	}
}
