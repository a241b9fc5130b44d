package lock

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/waitq"
)

func TestSemaphoreCounts(t *testing.T) {
	s := NewSemaphore(3)
	cx := handCx(async.NoopWaker())
	if err := mustReady(t, cx, s.Acquire(2), "Acquire(2)"); err != nil {
		t.Fatal(err)
	}
	if s.Available() != 1 {
		t.Fatalf("Available = %d; want 1", s.Available())
	}
	if s.TryAcquire(2) {
		t.Fatal("TryAcquire(2) with one free succeeded")
	}
	if !s.TryAcquire(1) {
		t.Fatal("TryAcquire(1) with one free failed")
	}
	if err := mustReady(t, cx, s.Acquire(0), "Acquire(0)"); err != nil {
		t.Fatal(err)
	}
	s.Release(3)
	s.Release(2) // adds permits
	if s.Available() != 5 {
		t.Fatalf("Available = %d; want 5", s.Available())
	}
	if err := s.AcquireBlocking(5); err != nil {
		t.Fatal(err)
	}
	s.Release(5)
	checkSem(t, &s.s, 0, -5)
}

func TestSemaphoreZeroValue(t *testing.T) {
	var s Semaphore
	if s.TryAcquire(1) {
		t.Fatal("a zero Semaphore has a permit")
	}
	s.Release(1)
	if !s.TryAcquire(1) {
		t.Fatal("no permit after Release(1)")
	}
}

func TestSemaphoreBadCountsPanic(t *testing.T) {
	const msg = "lock: a count of permits out of [0, MaxPermits]"
	s := NewSemaphore(1)
	mustPanic(t, msg, func() { s.Acquire(-1) }) //asynccheck:ignore the call itself must panic
	mustPanic(t, msg, func() { s.TryAcquire(-1) })
	mustPanic(t, msg, func() { s.Release(-1) })
	mustPanic(t, msg, func() { s.Acquire(MaxPermits + 1) }) //asynccheck:ignore the call itself must panic
	mustPanic(t, "lock: NewSemaphore with permits out of [0, MaxPermits]", func() { NewSemaphore(-1) })
	m := NewSemaphore(MaxPermits)
	mustPanic(t, "lock: Release beyond MaxPermits free permits", func() { m.Release(1) })
	if m.Available() != MaxPermits {
		t.Fatalf("Available = %d after a refused Release; want MaxPermits", m.Available())
	}
	checkSem(t, &s.s, 0, -1)
}

// Waiters are served in order, and a large request collects permits as
// they are released, never overtaken by a small one behind it.
func TestSemaphoreLargeAcquireNotOvertaken(t *testing.T) {
	s := NewSemaphore(2)
	if !s.TryAcquire(2) {
		t.Fatal("TryAcquire(2)")
	}
	var wb, ws tally
	big, small := s.Acquire(3), s.Acquire(1)
	mustPending(t, handCx(&wb), big, "Acquire(3)")
	mustPending(t, handCx(&ws), small, "Acquire(1) behind it")
	for i := range 2 {
		s.Release(1)
		if s.Available() != 0 || s.TryAcquire(1) {
			t.Fatalf("release %d: a permit is free while Acquire(3) waits (Available %d)", i, s.Available())
		}
		if wb.count()+ws.count() != 0 {
			t.Fatalf("release %d woke someone: big %d, small %d", i, wb.count(), ws.count())
		}
		if got := (*node)(big.(*acquireFuture)).gotLocked(); got != int64(i+1) {
			t.Fatalf("release %d: Acquire(3) collected %d; want %d", i, got, i+1)
		}
	}
	s.Release(1)
	if wb.count() != 1 || ws.count() != 0 {
		t.Fatalf("third release: big woken %d, small %d; want 1, 0", wb.count(), ws.count())
	}
	if err := mustReady(t, handCx(&wb), big, "Acquire(3)"); err != nil {
		t.Fatal(err)
	}
	mustPending(t, handCx(&ws), small, "Acquire(1)")
	s.Release(3)
	if ws.count() != 1 {
		t.Fatal("the small waiter was not woken")
	}
	if err := mustReady(t, handCx(&ws), small, "Acquire(1)"); err != nil {
		t.Fatal(err)
	}
	s.Release(1)
	checkSem(t, &s.s, 0, -3)
}

// gotLocked returns what nd collected, under its primitive's mutex.
func (nd *node) gotLocked() int64 {
	nd.s.mu.Lock()
	defer nd.s.mu.Unlock()
	return nd.Data.got
}

// One Release completes many waiters, more than one batch of wakers.
func TestSemaphoreReleaseWakesMany(t *testing.T) {
	s := NewSemaphore(0)
	const n = 2*waitq.BatchSize + 3
	var w tally
	cx := handCx(&w)
	fs := make([]async.Future[error], n)
	for i := range fs {
		fs[i] = s.Acquire(1)
		mustPending(t, cx, fs[i], "Acquire")
	}
	s.Release(n + 1)
	if w.count() != n {
		t.Fatalf("%d woken; want %d", w.count(), n)
	}
	for _, f := range fs {
		if err := mustReady(t, cx, f, "Acquire"); err != nil {
			t.Fatal(err)
		}
	}
	checkSem(t, &s.s, 0, -1)
}

// Close fails every waiter and every later acquire; the permits a waiter
// had collected are free again, and held ones can still be released.
func TestSemaphoreCloseHandPolled(t *testing.T) {
	s := NewSemaphore(3)
	if !s.TryAcquire(2) {
		t.Fatal("TryAcquire(2)")
	}
	var w tally
	cx := handCx(&w)
	big, small := s.Acquire(4), s.Acquire(1)
	mustPending(t, cx, big, "Acquire(4)") // collects the free permit
	mustPending(t, cx, small, "Acquire(1)")
	s.Close()
	if w.count() != 2 {
		t.Fatalf("Close woke %d waiters; want 2", w.count())
	}
	for _, f := range []async.Future[error]{big, small, s.Acquire(1), s.Acquire(0)} {
		if err := mustReady(t, cx, f, "Acquire after Close"); !errors.Is(err, ErrClosed) {
			t.Fatalf("Acquire after Close = %v; want ErrClosed", err)
		}
	}
	if err := s.AcquireBlocking(1); !errors.Is(err, ErrClosed) {
		t.Fatalf("AcquireBlocking after Close = %v; want ErrClosed", err)
	}
	if s.TryAcquire(1) {
		t.Fatal("TryAcquire after Close succeeded")
	}
	if s.Available() != 1 {
		t.Fatalf("Available = %d; want 1 (the collected permit given back)", s.Available())
	}
	s.Release(2)
	s.Close()
	if s.Available() != 3 {
		t.Fatalf("Available = %d; want 3", s.Available())
	}
	_, taken, q, c := s.s.look()
	if taken != -3 || q || !c {
		t.Fatalf("state: taken %d, queued %v, closed %v", taken, q, c)
	}
}

// Close wakes waiting tasks on both executors, and waiting goroutines.
func TestSemaphoreCloseWakesAll(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		s := NewSemaphore(0)
		const tasks, goroutines = 2*waitq.BatchSize + 1, 4
		var wg sync.WaitGroup
		var closedErrs atomic.Int64
		for range goroutines {
			wg.Go(func() {
				if err := s.AcquireBlocking(1); errors.Is(err, ErrClosed) {
					closedErrs.Add(1)
				}
			})
		}
		run(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[error]
			for range tasks {
				hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
					return async.Await(co, s.Acquire(1))
				})))
			}
			yieldUntil(co, "every waiter in line", func() bool { return s.s.waiting() == tasks+goroutines })
			go s.Close() // from a goroutine
			for _, h := range hs {
				r := async.Await(co, h)
				if r.Err != nil || !errors.Is(r.Value, ErrClosed) {
					t.Errorf("Acquire = %v, %v; want ErrClosed", r.Value, r.Err)
				}
			}
			return struct{}{}
		}))
		wg.Wait()
		if closedErrs.Load() != goroutines {
			t.Fatalf("%d goroutines got ErrClosed; want %d", closedErrs.Load(), goroutines)
		}
		_, taken, q, c := s.s.look()
		if taken != 0 || q || !c {
			t.Fatalf("state: taken %d, queued %v, closed %v", taken, q, c)
		}
	})
}

// Tasks and goroutines take permits of different sizes; the bound holds.
func TestSemaphoreBound(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const permits, rounds = 4, 100
		s := NewSemaphore(permits)
		var inUse, peak atomic.Int64
		use := func(n int) {
			v := inUse.Add(int64(n))
			if v > permits {
				t.Errorf("%d permits in use; the bound is %d", v, permits)
			}
			for p := peak.Load(); v > p && !peak.CompareAndSwap(p, v); p = peak.Load() {
			}
		}
		var wg sync.WaitGroup
		for g := range 2 {
			wg.Go(func() {
				for i := range rounds {
					n := 1 + (g+i)%permits
					if err := s.AcquireBlocking(n); err != nil {
						t.Error(err)
						return
					}
					use(n)
					inUse.Add(-int64(n))
					s.Release(n)
				}
			})
		}
		run(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[struct{}]
			for k := range 4 {
				hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
					for i := range rounds {
						n := 1 + (k*i)%permits
						if err := async.Await(co, s.Acquire(n)); err != nil {
							t.Error(err)
							break
						}
						use(n)
						async.Await(co, async.Yield())
						inUse.Add(-int64(n))
						s.Release(n)
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
		if s.Available() != permits {
			t.Fatalf("Available = %d; want %d", s.Available(), permits)
		}
		checkSem(t, &s.s, 0, -permits)
	})
}

// A goroutine waiting for many permits collects them from tasks' releases.
func TestSemaphoreBlockingCollects(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		s := NewSemaphore(0)
		done := make(chan error, 1)
		go func() { done <- s.AcquireBlocking(5) }()
		spinUntil(t, "the goroutine in line", func() bool { return s.s.waiting() == 1 })
		run(t, x, async.Go(func(co *async.Co) struct{} {
			for range 5 {
				s.Release(1)
				async.Await(co, async.Yield())
			}
			return struct{}{}
		}))
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		checkSem(t, &s.s, 0, 0)
	})
}

func TestSemaphoreAllocatesNothing(t *testing.T) {
	s := NewSemaphore(2)
	cx := handCx(async.NoopWaker())
	round := func() {
		mustReady(t, cx, s.Acquire(1), "Acquire(1)")
		mustReady(t, cx, s.Acquire(1), "Acquire(1)")
		f := s.Acquire(2)
		mustPending(t, cx, f, "Acquire(2)")
		s.Release(1)
		mustPending(t, cx, f, "Acquire(2) with one")
		s.Release(1)
		mustReady(t, cx, f, "Acquire(2)")
		s.Release(2)
		g := s.Acquire(2) // at once, by a node
		mustReady(t, cx, g, "Acquire(2)")
		s.Release(2)
	}
	round()
	if n := testing.AllocsPerRun(1000, round); n != 0 {
		t.Fatalf("%v allocations a round; want 0", n)
	}
	checkSem(t, &s.s, 0, -2)
}

func TestErrClosedText(t *testing.T) {
	if ErrClosed.Error() != "lock: semaphore closed" {
		t.Fatalf("ErrClosed = %q", ErrClosed.Error())
	}
}
