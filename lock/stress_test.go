package lock

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// The stress tests run real concurrency: tasks on the multi-thread
// executor, which move between its workers, beside plain goroutines. Some
// tasks give up waiting at random moments (a Select lost to a Yield, a
// Timeout of a few microseconds, an Abort), so that cancellations race
// with hand-offs. Run them with
//
//	go test -race -count=20 -run Stress ./lock

const (
	stressTasks      = 16
	stressGoroutines = 4
	stressRounds     = 150
)

// multi returns the multi-thread executor's configuration.
func multi(t *testing.T) rttest.Executor {
	for _, x := range rttest.Executors {
		if x.Multi {
			return x
		}
	}
	t.Fatal("no multi-thread executor")
	return rttest.Executor{}
}

// spawnAll runs body(i) for i in [0, n) as tasks and waits for them all,
// failing the test on a task's error.
func spawnAll(t *testing.T, co *async.Co, n int, body func(co *async.Co, i int)) {
	hs := make([]async.JoinHandle[struct{}], n)
	for i := range hs {
		hs[i] = async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
			body(co, i)
			return struct{}{}
		}))
	}
	for _, h := range hs {
		if r := async.Await(co, h); r.Err != nil {
			t.Errorf("task: %v", r.Err)
		}
	}
}

// impatient awaits f, but for one round in four gives up first, in turn
// by losing a Select to a Yield or by a Timeout of a few microseconds,
// and then tries again: cancellations at every stage of the hand-off.
func impatient[T any](co *async.Co, round int, f func() async.Future[T]) T {
	for try := 0; ; try++ {
		if round%4 != 0 || try > 2 {
			return async.Await(co, f())
		}
		if try%2 == 0 {
			if r := async.Await(co, async.Select2(f(), async.Yield())); r.Index == 0 {
				return r.V1
			}
			continue
		}
		if r := async.Await(co, timer.TimeoutValue(f(), 20*time.Microsecond)); r.Err == nil {
			return r.Value
		}
	}
}

// aborted spawns tasks that take the lock in a loop and aborts each after
// a few yields, wherever it is: queued, handed the lock, or holding it
// (the coroutine's deferred unlock then runs). enter counts each entry
// into the critical section in entered, at the entry, so that the count
// is exact wherever the abort strikes; it returns the count.
func aborted(co *async.Co, n int, enter func(co *async.Co, entered *atomic.Int64)) int64 {
	var entered atomic.Int64
	for range n {
		h := async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
			for {
				enter(co, &entered)
			}
		}))
		for range 3 {
			async.Await(co, async.Yield())
		}
		h.Abort()
		async.Await(co, h)
	}
	return entered.Load()
}

// A counter under a Mutex: each task and goroutine adds one per round,
// some holding the lock across an await, some giving up and retrying;
// nobody is ever in the critical section beside another, and the count is
// exact.
func TestStressMutex(t *testing.T) {
	var m Mutex
	var inside atomic.Int32
	count := 0
	critical := func() {
		if !inside.CompareAndSwap(0, 1) {
			t.Error("two in the critical section")
		}
		count++
		inside.Store(0)
	}
	var wg sync.WaitGroup
	for g := range stressGoroutines {
		wg.Go(func() {
			for i := range stressRounds {
				if (g+i)%3 != 0 || !m.TryLock() {
					m.LockBlocking()
				}
				critical()
				m.Unlock()
			}
		})
	}
	var extra int64
	run(t, multi(t), async.Go(func(co *async.Co) struct{} {
		spawnAll(t, co, stressTasks, func(co *async.Co, k int) {
			for i := range stressRounds {
				impatient(co, k+i, m.Lock)
				critical()
				if i%5 == 0 {
					async.Await(co, async.Yield()) // held across an await
				}
				m.Unlock()
			}
		})
		extra = aborted(co, 8, func(co *async.Co, entered *atomic.Int64) {
			async.Await(co, m.Lock())
			defer m.Unlock()
			critical()
			entered.Add(1)
			async.Await(co, async.Yield())
		})
		return struct{}{}
	}))
	wg.Wait()
	if want := (stressTasks+stressGoroutines)*stressRounds + int(extra); count != want {
		t.Fatalf("count = %d; want %d", count, want)
	}
	checkSem(t, &m.s, 0, 0)
}

// Readers and writers on an RwLock: a writer is alone, readers are only
// beside readers and never see half a write, and every write counts.
func TestStressRwLock(t *testing.T) {
	var rw RwLock
	var readers, writers atomic.Int32
	var a, b int // a writer keeps them equal
	read := func() {
		readers.Add(1)
		if writers.Load() != 0 {
			t.Error("a reader beside a writer")
		}
		if a != b {
			t.Errorf("a reader saw half a write: %d, %d", a, b)
		}
		readers.Add(-1)
	}
	write := func(co *async.Co) {
		if writers.Add(1) != 1 || readers.Load() != 0 {
			t.Error("a writer not alone")
		}
		defer writers.Add(-1)
		a++
		if co != nil {
			async.Await(co, async.Yield())
		}
		b++
	}
	var wg sync.WaitGroup
	writes := 0
	for g := range stressGoroutines {
		wg.Go(func() {
			for i := range stressRounds {
				if (g+i)%4 == 0 {
					rw.LockBlocking()
					write(nil)
					rw.Unlock()
					continue
				}
				rw.RLockBlocking()
				read()
				rw.RUnlock()
			}
		})
		for i := range stressRounds {
			if (g+i)%4 == 0 {
				writes++
			}
		}
	}
	var extra int64
	run(t, multi(t), async.Go(func(co *async.Co) struct{} {
		spawnAll(t, co, stressTasks, func(co *async.Co, k int) {
			for i := range stressRounds {
				if (k+i)%4 == 0 {
					impatient(co, k+i, rw.Lock)
					write(co)
					rw.Unlock()
					continue
				}
				impatient(co, k+i, rw.RLock)
				read()
				if i%3 == 0 {
					async.Await(co, async.Yield())
				}
				rw.RUnlock()
			}
		})
		extra = aborted(co, 8, func(co *async.Co, entered *atomic.Int64) {
			async.Await(co, rw.Lock())
			defer rw.Unlock()
			write(nil) // an abort in the middle of a write would tear it
			entered.Add(1)
			async.Await(co, async.Yield())
		})
		return struct{}{}
	}))
	wg.Wait()
	for k := range stressTasks {
		for i := range stressRounds {
			if (k+i)%4 == 0 {
				writes++
			}
		}
	}
	if want := writes + int(extra); a != want || b != want {
		t.Fatalf("a, b = %d, %d; want %d", a, b, want)
	}
	checkSem(t, &rw.s, 0, 0)
}

// A Semaphore bounds how many permits are in use at once, whatever the
// sizes asked for, and every acquire is counted exactly once.
func TestStressSemaphore(t *testing.T) {
	const permits = 5
	s := NewSemaphore(permits)
	var inUse, peak, acquired atomic.Int64
	use := func(n int) {
		acquired.Add(1)
		v := inUse.Add(int64(n))
		if v > permits {
			t.Errorf("%d permits in use; the bound is %d", v, permits)
		}
		for p := peak.Load(); v > p && !peak.CompareAndSwap(p, v); p = peak.Load() {
		}
	}
	free := func(n int) {
		inUse.Add(-int64(n))
		s.Release(n)
	}
	var wg sync.WaitGroup
	for g := range stressGoroutines {
		wg.Go(func() {
			for i := range stressRounds {
				n := 1 + (g+i)%3
				if err := s.AcquireBlocking(n); err != nil {
					t.Error(err)
					return
				}
				use(n)
				free(n)
			}
		})
	}
	var extra int64
	run(t, multi(t), async.Go(func(co *async.Co) struct{} {
		spawnAll(t, co, stressTasks, func(co *async.Co, k int) {
			for i := range stressRounds {
				n := 1 + (k*i)%3
				if err := impatient(co, k+i, func() async.Future[error] { return s.Acquire(n) }); err != nil {
					t.Error(err)
					return
				}
				use(n)
				if i%4 == 0 {
					async.Await(co, async.Yield())
				}
				free(n)
			}
		})
		extra = aborted(co, 8, func(co *async.Co, entered *atomic.Int64) {
			if err := async.Await(co, s.Acquire(2)); err != nil {
				panic(err)
			}
			defer free(2)
			use(2)
			entered.Add(1)
			async.Await(co, async.Yield())
		})
		return struct{}{}
	}))
	wg.Wait()
	if want := int64((stressTasks+stressGoroutines)*stressRounds) + extra; acquired.Load() != want {
		t.Fatalf("%d acquires; want %d", acquired.Load(), want)
	}
	if s.Available() != permits || inUse.Load() != 0 {
		t.Fatalf("Available = %d, in use %d; want %d, 0", s.Available(), inUse.Load(), permits)
	}
	if peak.Load() < 2 {
		t.Logf("peak use %d: little concurrency this run", peak.Load())
	}
	checkSem(t, &s.s, 0, -permits)
}

// Close races with acquires, releases and cancellations: every waiter
// ends (with its permits or ErrClosed), and the permits all come back.
func TestStressSemaphoreClose(t *testing.T) {
	const permits = 3
	s := NewSemaphore(permits)
	var wg sync.WaitGroup
	loop := func(acquire func(n int) error) {
		for i := 0; ; i++ {
			n := 1 + i%2
			if err := acquire(n); err != nil {
				if !errors.Is(err, ErrClosed) {
					t.Error(err)
				}
				return
			}
			s.Release(n)
		}
	}
	for range stressGoroutines {
		wg.Go(func() { loop(s.AcquireBlocking) })
	}
	run(t, multi(t), async.Go(func(co *async.Co) struct{} {
		hs := make([]async.JoinHandle[struct{}], stressTasks)
		for k := range hs {
			hs[k] = async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
				loop(func(n int) error {
					return impatient(co, k, func() async.Future[error] { return s.Acquire(n) })
				})
				return struct{}{}
			}))
		}
		for range 50 {
			async.Await(co, async.Yield())
		}
		go s.Close()
		for _, h := range hs {
			if r := async.Await(co, h); r.Err != nil {
				t.Errorf("task: %v", r.Err)
			}
		}
		return struct{}{}
	}))
	wg.Wait()
	if s.Available() != permits {
		t.Fatalf("Available = %d after Close; want %d", s.Available(), permits)
	}
	_, taken, q, c := s.s.look()
	if taken != -permits || q || !c {
		t.Fatalf("state: taken %d, queued %v, closed %v", taken, q, c)
	}
}
