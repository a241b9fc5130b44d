package lock

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// By hand: the first n-1 Waits wait, the n-th is the leader and releases
// them; the next round starts empty.
func TestBarrierRound(t *testing.T) {
	const n = 3
	b := NewBarrier(n)
	for round := range 2 {
		ws := make([]*testfut.Waker, n-1)
		fs := make([]*BarrierWait, n-1)
		for i := range fs {
			ws[i], fs[i] = &testfut.Waker{}, b.Wait()
			if _, ok := fs[i].Poll(ntCx(ws[i])); ok {
				t.Fatalf("round %d: Wait %d ready before %d arrived", round, i, n)
			}
		}
		leader, ok := b.Wait().Poll(ntCx(async.NoopWaker()))
		if !ok || !leader {
			t.Fatalf("round %d: last Wait = %v, %v; want the leader, ready", round, leader, ok)
		}
		for i, f := range fs {
			if ws[i].Wakes() != 1 {
				t.Fatalf("round %d: waiter %d woken %d times; want 1", round, i, ws[i].Wakes())
			}
			if leader, ok := f.Poll(ntCx(ws[i])); !ok || leader {
				t.Fatalf("round %d: waiter %d = %v, %v; want ready, not the leader", round, i, leader, ok)
			}
		}
		b.ntIdle(t)
	}
}

// A barrier of one releases every Wait at once, as its leader.
func TestBarrierOfOne(t *testing.T) {
	b := NewBarrier(1)
	for range 3 {
		if leader, ok := b.Wait().Poll(ntCx(async.NoopWaker())); !ok || !leader {
			t.Fatalf("Wait = %v, %v; want the leader, ready", leader, ok)
		}
	}
	if !b.WaitBlocking() {
		t.Fatal("WaitBlocking on a barrier of one: not the leader")
	}
}

func TestNewBarrierPanicsBelowOne(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewBarrier(0) did not panic")
		}
	}()
	NewBarrier(0)
}

// A Wait whose task spent its budget does not arrive yet.
func TestBarrierTakesBudget(t *testing.T) {
	b := NewBarrier(2)
	w := &testfut.Waker{}
	cx := ntCx(w)
	for cx.Proceed() {
	}
	f := b.Wait()
	if _, ok := f.Poll(cx); ok {
		t.Fatal("Wait ready with no budget")
	}
	if a, _ := b.ntCounts(); a != 0 || w.Wakes() != 1 {
		t.Fatalf("out of budget: %d arrived, %d self-wakes; want 0, 1", a, w.Wakes())
	}
	f.Cancel()
	b.ntIdle(t)
}

// Tasks on either executor and plain goroutines share rounds.
func TestBarrierTasksAndGoroutines(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const tasks, goroutines, rounds = 3, 2, 20
		b := NewBarrier(tasks + goroutines)
		var leaders [rounds]atomic.Int32
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() {
				for r := range rounds {
					if b.WaitBlocking() {
						leaders[r].Add(1)
					}
				}
			})
		}
		ntRunReal(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[struct{}]
			for range tasks {
				hs = append(hs, ntSpawn(co, async.Go(func(co *async.Co) struct{} {
					for r := range rounds {
						if async.Await(co, b.Wait()) {
							leaders[r].Add(1)
						}
					}
					return struct{}{}
				})))
			}
			for _, h := range hs {
				ntJoin(t, co, h)
			}
			return struct{}{}
		}))
		wg.Wait()
		for r := range leaders {
			if n := leaders[r].Load(); n != 1 {
				t.Errorf("round %d had %d leaders; want 1", r, n)
			}
		}
		b.ntIdle(t)
	})
}

// Waiting in a loop allocates nothing: the futures are recycled.
func TestBarrierSteadyStateAllocatesNothing(t *testing.T) {
	b := NewBarrier(3)
	cx := ntCx(async.NoopWaker())
	allocs := testing.AllocsPerRun(1000, func() {
		testfut.ResetBudget(cx)
		f, g := b.Wait(), b.Wait()
		f.Poll(cx)
		g.Poll(cx)
		if leader, ok := b.Wait().Poll(cx); !ok || !leader {
			t.Fatal("third Wait not the leader")
		}
		f.Poll(cx)
		g.Poll(cx)
		h := b.Wait()
		h.Poll(cx)
		h.Cancel()
	})
	if allocs != 0 {
		t.Errorf("steady state allocated %v times per round; want 0", allocs)
	}
	b.ntIdle(t)
}

// BenchmarkBarrierRound is a round of two parties, by hand.
func BenchmarkBarrierRound(b *testing.B) {
	b.ReportAllocs()
	br := NewBarrier(2)
	cx := ntCx(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		f := br.Wait()
		f.Poll(cx)
		br.Wait().Poll(cx)
		if _, ok := f.Poll(cx); !ok {
			b.Fatal("Wait pending after its round")
		}
	}
}

// Cancel safety: a Wait cancelled before its round completes withdraws
// its arrival; the round then needs another party in its place.
func TestCancelSafetyBarrierBeforeTrip(t *testing.T) {
	b := NewBarrier(2)
	f := b.Wait()
	f.Poll(ntCx(async.NoopWaker()))
	f.Cancel()
	b.ntIdle(t)
	g := b.Wait()
	if _, ok := g.Poll(ntCx(async.NoopWaker())); ok {
		t.Fatal("the round completed with a withdrawn arrival counted")
	}
	if leader, ok := b.Wait().Poll(ntCx(async.NoopWaker())); !ok || !leader {
		t.Fatal("two live arrivals did not complete the round")
	}
	if _, ok := g.Poll(ntCx(async.NoopWaker())); !ok {
		t.Fatal("g pending after its round")
	}
	b.ntIdle(t)
}

// Cancel safety: a Wait cancelled after its round completed keeps nothing:
// the others were released, and it does not count towards the next round.
func TestCancelSafetyBarrierAfterTrip(t *testing.T) {
	b := NewBarrier(2)
	for _, woken := range []bool{false, true} {
		f := b.Wait()
		f.Poll(ntCx(async.NoopWaker()))
		if woken {
			b.Wait().Poll(ntCx(async.NoopWaker())) // the leader wakes f
		} else {
			// Complete the round without waking f yet, as a leader that
			// is between two batches of wakes.
			b.mu.Lock()
			b.round++
			spliceWaiters(&b.releasing, &b.waiters)
			b.mu.Unlock()
		}
		f.Cancel()
		b.wakeReleased()
		b.ntIdle(t)
		g := b.Wait()
		if _, ok := g.Poll(ntCx(async.NoopWaker())); ok {
			t.Fatalf("woken %v: the cancelled Wait counted towards the next round", woken)
		}
		g.Cancel()
	}
}

// Cancel safety: a Wait that loses a Select before the round completes
// withdraws its arrival.
func TestCancelSafetyBarrierSelect(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		b := NewBarrier(2)
		stop := testfut.New[bool]()
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			h := ntSpawn(co, async.Select(async.Future[bool](b.Wait()), async.Future[bool](stop)))
			ntUntil(co, func() bool { a, _ := b.ntCounts(); return a == 1 })
			stop.Complete(false)
			if s := ntJoin(t, co, h); s.Index != 1 {
				t.Errorf("Select won by %d; want the other branch (1)", s.Index)
			}
			if a, _ := b.ntCounts(); a != 0 {
				t.Errorf("%d arrived after the lost Select; want 0", a)
			}
			ntBarrierRoundOfTwo(t, co, b)
			return struct{}{}
		}))
		b.ntIdle(t)
	})
}

// Cancel safety: a Wait that times out withdraws its arrival.
func TestCancelSafetyBarrierTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		b := NewBarrier(2)
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			r := async.Await(co, timer.TimeoutValue(async.Future[bool](b.Wait()), time.Second))
			if r.Err != timer.ErrTimeout {
				t.Errorf("Timeout(Wait) = %+v; want ErrTimeout", r)
			}
			if a, _ := b.ntCounts(); a != 0 {
				t.Errorf("%d arrived after the timeout; want 0", a)
			}
			ntBarrierRoundOfTwo(t, co, b)
			return struct{}{}
		}))
		b.ntIdle(t)
	})
}

// Cancel safety: an aborted task's Wait withdraws its arrival.
func TestCancelSafetyBarrierAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		b := NewBarrier(2)
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			h := ntSpawn(co, async.Future[bool](b.Wait()))
			ntUntil(co, func() bool { a, _ := b.ntCounts(); return a == 1 })
			if _, aborted := ntAborted(t, co, h); !aborted {
				t.Error("the waiting task completed instead of being aborted")
			}
			if a, _ := b.ntCounts(); a != 0 {
				t.Errorf("%d arrived after the abort; want 0", a)
			}
			ntBarrierRoundOfTwo(t, co, b)
			return struct{}{}
		}))
		b.ntIdle(t)
	})
}

// ntBarrierRoundOfTwo checks that b, a barrier of two, needs two live
// parties: a spawned one that waits and this one. It runs in a coroutine,
// so it reports with Errorf: t.Fatal's Goexit must not run there.
func ntBarrierRoundOfTwo(t *testing.T, co *async.Co, b *Barrier) {
	t.Helper()
	h := ntSpawn(co, async.Future[bool](b.Wait()))
	ntUntil(co, func() bool { a, _ := b.ntCounts(); return a == 1 })
	if a, _ := b.ntCounts(); a != 1 {
		t.Errorf("%d arrived; want the spawned party alone", a)
	}
	leader := async.Await(co, b.Wait())
	if other := ntJoin(t, co, h); leader == other {
		t.Errorf("leaders: %v and %v; want exactly one", leader, other)
	}
}

// A barrier of tasks on the multi-thread executor and plain goroutines,
// for many rounds: nobody leaves a round before everyone has arrived,
// and each round has exactly one leader.
func TestStressBarrierRounds(t *testing.T) {
	const tasks, goroutines, rounds = 6, 2, 300
	const parties = tasks + goroutines
	b := NewBarrier(parties)
	var arrived, leaders [rounds]atomic.Int32
	var early atomic.Int32 // parties that left a round before it was full
	party := func(r int, wait func() bool) {
		arrived[r].Add(1)
		if wait() {
			leaders[r].Add(1)
		}
		if arrived[r].Load() != parties {
			early.Add(1)
		}
	}
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for r := range rounds {
				party(r, b.WaitBlocking)
			}
		})
	}
	ntRunReal(t, ntMulti(), async.Go(func(co *async.Co) struct{} {
		var hs []async.JoinHandle[struct{}]
		for range tasks {
			hs = append(hs, ntSpawn(co, async.Go(func(co *async.Co) struct{} {
				for r := range rounds {
					party(r, func() bool { return async.Await(co, b.Wait()) })
				}
				return struct{}{}
			})))
		}
		for _, h := range hs {
			ntJoin(t, co, h)
		}
		return struct{}{}
	}))
	wg.Wait()
	if n := early.Load(); n != 0 {
		t.Errorf("%d parties left a round before it was full", n)
	}
	for r := range leaders {
		if n := leaders[r].Load(); n != 1 {
			t.Errorf("round %d had %d leaders; want 1", r, n)
		}
	}
	b.ntIdle(t)
}
