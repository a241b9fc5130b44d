package lock

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/waitq"
)

func TestRwLockZeroValue(t *testing.T) {
	var rw RwLock
	cx := handCx(async.NoopWaker())
	mustReady(t, cx, rw.RLock(), "RLock")
	mustReady(t, cx, rw.RLock(), "second RLock")
	if !rw.TryRLock() {
		t.Fatal("TryRLock failed beside readers")
	}
	if rw.TryLock() {
		t.Fatal("TryLock succeeded beside readers")
	}
	rw.RUnlock()
	rw.RUnlock()
	rw.RUnlock()
	mustReady(t, cx, rw.Lock(), "Lock")
	if rw.TryRLock() || rw.TryLock() {
		t.Fatal("a try succeeded beside a writer")
	}
	rw.Unlock()
	checkSem(t, &rw.s, 0, 0)
}

// A reader that arrives while a writer waits queues behind it; the writer
// collects the lock as the readers ahead of it leave; when it unlocks, the
// readers at the front are admitted together, up to the next writer.
func TestRwLockWriterNotStarved(t *testing.T) {
	var rw RwLock
	cx := handCx(async.NoopWaker())
	mustReady(t, cx, rw.RLock(), "r1")
	mustReady(t, cx, rw.RLock(), "r2")
	var ww, wr3, wr4, ww2, wr5 tally
	w := rw.Lock()
	mustPending(t, handCx(&ww), w, "writer behind readers")
	if rw.TryRLock() {
		t.Fatal("TryRLock passed a waiting writer")
	}
	r3, r4 := rw.RLock(), rw.RLock()
	mustPending(t, handCx(&wr3), r3, "r3 behind the writer")
	mustPending(t, handCx(&wr4), r4, "r4 behind the writer")
	w2 := rw.Lock()
	mustPending(t, handCx(&ww2), w2, "second writer")
	r5 := rw.RLock()
	mustPending(t, handCx(&wr5), r5, "r5 behind the second writer")
	checkSem(t, &rw.s, 5, maxReaders) // the writer collected all but the two read permits
	rw.RUnlock()
	if ww.count() != 0 {
		t.Fatal("the writer was woken while a reader still holds the lock")
	}
	rw.RUnlock()
	if ww.count() != 1 || wr3.count() != 0 {
		t.Fatalf("after the last reader left: writer woken %d, r3 %d; want 1, 0", ww.count(), wr3.count())
	}
	mustReady(t, handCx(&ww), w, "writer")
	rw.Unlock()
	if wr3.count() != 1 || wr4.count() != 1 || ww2.count() != 0 || wr5.count() != 0 {
		t.Fatalf("after the writer: r3 %d, r4 %d, w2 %d, r5 %d wakes; want 1, 1, 0, 0",
			wr3.count(), wr4.count(), ww2.count(), wr5.count())
	}
	mustReady(t, handCx(&wr3), r3, "r3")
	mustReady(t, handCx(&wr4), r4, "r4")
	checkSem(t, &rw.s, 2, maxReaders) // w2 collected the rest
	rw.RUnlock()
	rw.RUnlock()
	mustReady(t, handCx(&ww2), w2, "w2")
	if wr5.count() != 0 {
		t.Fatal("r5 was woken beside a writer")
	}
	rw.Unlock()
	mustReady(t, handCx(&wr5), r5, "r5")
	rw.RUnlock()
	checkSem(t, &rw.s, 0, 0)
}

// A writer that waits behind a stream of readers gets the lock, and no
// reader that called RLock after the writer called Lock gets in before it:
// every RLock after it queues behind it. Tasks and goroutines read.
//
// phase is odd from the writer's call to Lock until just before its
// Unlock. A reader notes phase before it calls RLock; if it was odd, the
// writer was in line first, so phase must have moved on by the time the
// reader holds its lock.
func TestRwLockReaderStreamCannotStarveWriter(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var rw RwLock
		var phase, reads, passed atomic.Int64
		var stop atomic.Bool
		read := func(p int64) {
			if p%2 == 1 && phase.Load() == p {
				passed.Add(1)
			}
			reads.Add(1)
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for !stop.Load() {
					p := phase.Load()
					rw.RLockBlocking()
					read(p)
					rw.RUnlock()
				}
			})
		}
		run(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[struct{}]
			for range 4 {
				hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
					for !stop.Load() {
						p := phase.Load()
						async.Await(co, rw.RLock())
						read(p)
						async.Await(co, async.Yield()) // hold it across an await
						rw.RUnlock()
					}
					return struct{}{}
				})))
			}
			for i := range 20 {
				yieldUntil(co, "readers at work", func() bool { return reads.Load() > int64(10*i) })
				f := rw.Lock()
				phase.Add(1)
				async.Await(co, f)
				phase.Add(1)
				rw.Unlock()
			}
			stop.Store(true)
			for _, h := range hs {
				async.Await(co, h)
			}
			return struct{}{}
		}))
		wg.Wait()
		if n := passed.Load(); n != 0 {
			t.Fatalf("%d readers got in ahead of a writer that was in line before them", n)
		}
		checkSem(t, &rw.s, 0, 0)
	})
}

func TestRwLockMisusePanics(t *testing.T) {
	var rw RwLock
	mustPanic(t, "lock: RUnlock of an RwLock that is not locked for reading", rw.RUnlock)
	mustPanic(t, "lock: Unlock of an RwLock that is not locked for writing", rw.Unlock)
	rw.LockBlocking()
	mustPanic(t, "lock: RUnlock of an RwLock that is not locked for reading", rw.RUnlock)
	rw.Unlock()
	rw.RLockBlocking()
	mustPanic(t, "lock: Unlock of an RwLock that is not locked for writing", rw.Unlock)
	// With a writer waiting, which has collected all but the read permit.
	w := rw.Lock()
	mustPending(t, handCx(async.NoopWaker()), w, "writer")
	mustPanic(t, "lock: Unlock of an RwLock that is not locked for writing", rw.Unlock)
	rw.RUnlock()
	mustPanic(t, "lock: RUnlock of an RwLock that is not locked for reading", rw.RUnlock)
	mustReady(t, handCx(async.NoopWaker()), w, "writer")
	rw.Unlock()
	checkSem(t, &rw.s, 0, 0)
}

// Readers and writers, tasks and goroutines: a writer is alone, readers
// see a consistent pair, and every write counts.
func TestRwLockTasksAndGoroutines(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const writes = 100
		var rw RwLock
		var a, b int // a writer keeps a == b, with an await between the two
		var wg sync.WaitGroup
		wg.Go(func() {
			for range writes {
				rw.LockBlocking()
				a++
				b++
				rw.Unlock()
			}
		})
		wg.Go(func() {
			for range writes {
				rw.RLockBlocking()
				if a != b {
					t.Errorf("a reader saw a half write: %d, %d", a, b)
				}
				rw.RUnlock()
			}
		})
		run(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[struct{}]
			for i := range 4 {
				hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
					for range writes {
						if i%2 == 0 {
							async.Await(co, rw.Lock())
							a++
							async.Await(co, async.Yield())
							b++
							rw.Unlock()
							continue
						}
						async.Await(co, rw.RLock())
						if a != b {
							t.Errorf("a reader saw a half write: %d, %d", a, b)
						}
						async.Await(co, async.Yield())
						rw.RUnlock()
					}
					return struct{}{}
				})))
			}
			for _, h := range hs {
				async.Await(co, h)
			}
			return struct{}{}
		}))
		wg.Wait()
		if a != 3*writes || b != 3*writes {
			t.Fatalf("a, b = %d, %d; want %d", a, b, 3*writes)
		}
		checkSem(t, &rw.s, 0, 0)
	})
}

// More readers wait behind a writer than one batch of wakers holds: the
// writer's Unlock admits them all.
func TestRwLockAdmitsManyReaders(t *testing.T) {
	var rw RwLock
	rw.LockBlocking()
	const n = 3*waitq.BatchSize + 5
	var w tally
	cx := handCx(&w)
	fs := make([]async.Future[struct{}], n)
	for i := range fs {
		fs[i] = rw.RLock()
		mustPending(t, cx, fs[i], "reader behind the writer")
	}
	rw.Unlock()
	if w.count() != n {
		t.Fatalf("%d readers woken; want %d", w.count(), n)
	}
	for _, f := range fs {
		mustReady(t, cx, f, "reader")
	}
	checkSem(t, &rw.s, 0, n)
	for range n {
		rw.RUnlock()
	}
	checkSem(t, &rw.s, 0, 0)
}

func TestRwLockAllocatesNothing(t *testing.T) {
	var rw RwLock
	cx := handCx(async.NoopWaker())
	round := func() {
		mustReady(t, cx, rw.RLock(), "RLock")
		w := rw.Lock()
		mustPending(t, cx, w, "writer")
		r := rw.RLock()
		mustPending(t, cx, r, "reader behind the writer")
		rw.RUnlock()
		mustReady(t, cx, w, "writer")
		rw.Unlock()
		mustReady(t, cx, r, "reader")
		rw.RUnlock()
	}
	round()
	if n := testing.AllocsPerRun(1000, round); n != 0 {
		t.Fatalf("%v allocations a round; want 0", n)
	}
	checkSem(t, &rw.s, 0, 0)
}
