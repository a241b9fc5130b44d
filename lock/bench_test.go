package lock

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/testfut"
)

// The uncontended benchmarks poll each future by hand with a Context whose
// budget is reset every round, as an executor resets it for every poll of
// a task; sync's counterparts do the same work for a goroutine. Run with
//
//	go test -run '^$' -bench . -benchmem ./lock

func BenchmarkMutexUncontended(b *testing.B) {
	var c struct {
		Mutex
		n int
	}
	cx := testfut.NewContext(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		if _, ok := c.Lock().Poll(cx); !ok {
			b.Fatal("Lock pending")
		}
		c.n++
		c.Unlock()
	}
}

func BenchmarkSyncMutexUncontended(b *testing.B) {
	var c struct {
		sync.Mutex
		n int
	}
	for b.Loop() {
		c.Lock()
		c.n++
		c.Unlock()
	}
}

func BenchmarkMutexTryLock(b *testing.B) {
	var m Mutex
	for b.Loop() {
		if !m.TryLock() {
			b.Fatal("TryLock failed")
		}
		m.Unlock()
	}
}

func BenchmarkMutexLockBlocking(b *testing.B) {
	var c struct {
		Mutex
		n int
	}
	for b.Loop() {
		c.LockBlocking()
		c.n++
		c.Unlock()
	}
}

// A hand-off every round: one future holds the lock while the other
// queues, and Unlock hands it over; the slow path in steady state.
func BenchmarkMutexHandOff(b *testing.B) {
	var m Mutex
	cx := testfut.NewContext(async.NoopWaker())
	m.LockBlocking()
	for b.Loop() {
		testfut.ResetBudget(cx)
		f := m.Lock()
		m.Unlock()
		if _, ok := f.Poll(cx); !ok {
			b.Fatal("handed-off Lock pending")
		}
	}
	m.Unlock()
}

func BenchmarkRwLockRead(b *testing.B) {
	var rw RwLock
	cx := testfut.NewContext(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		if _, ok := rw.RLock().Poll(cx); !ok {
			b.Fatal("RLock pending")
		}
		rw.RUnlock()
	}
}

func BenchmarkSyncRWMutexRead(b *testing.B) {
	var c struct {
		sync.RWMutex
		n int
	}
	for b.Loop() {
		c.RLock()
		_ = c.n
		c.RUnlock()
	}
}

func BenchmarkRwLockWrite(b *testing.B) {
	var c struct {
		RwLock
		n int
	}
	cx := testfut.NewContext(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		if _, ok := c.Lock().Poll(cx); !ok {
			b.Fatal("Lock pending")
		}
		c.n++
		c.Unlock()
	}
}

func BenchmarkSyncRWMutexWrite(b *testing.B) {
	var c struct {
		sync.RWMutex
		n int
	}
	for b.Loop() {
		c.Lock()
		c.n++
		c.Unlock()
	}
}

func BenchmarkSemaphoreAcquireRelease(b *testing.B) {
	s := NewSemaphore(4)
	cx := testfut.NewContext(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		if err, ok := s.Acquire(1).Poll(cx); !ok || err != nil {
			b.Fatal("Acquire failed")
		}
		s.Release(1)
	}
}

func BenchmarkSemaphoreAcquireMany(b *testing.B) {
	s := NewSemaphore(4)
	cx := testfut.NewContext(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		if err, ok := s.Acquire(2).Poll(cx); !ok || err != nil {
			b.Fatal("Acquire failed")
		}
		s.Release(2)
	}
}

// A buffered channel used as a semaphore, Go's usual way.
func BenchmarkChannelSemaphore(b *testing.B) {
	ch := make(chan struct{}, 4)
	for b.Loop() {
		ch <- struct{}{}
		<-ch
	}
}

// Contended, from goroutines: every goroutine of RunParallel locks and
// unlocks one mutex.
func BenchmarkMutexContendedGoroutines(b *testing.B) {
	var c struct {
		Mutex
		n int
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.LockBlocking()
			c.n++
			c.Unlock()
		}
	})
}

func BenchmarkSyncMutexContendedGoroutines(b *testing.B) {
	var c struct {
		sync.Mutex
		n int
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Lock()
			c.n++
			c.Unlock()
		}
	})
}

// Contended, from tasks: tasks on the two-worker multi-thread executor
// lock and unlock one mutex, b.N times in all, each holding it across a
// yield every 16 rounds so that the others queue. The tasks are
// hand-written state machines (benchLoop), so that the numbers are the
// lock's and the executor's, not a coroutine's.
func BenchmarkMutexContendedTasks(b *testing.B) {
	for _, tasks := range []int{2, 100} {
		b.Run(fmt.Sprint(tasks), func(b *testing.B) {
			var m Mutex
			benchTasks(b, tasks, m.Lock, m.Unlock)
		})
	}
}

// Semaphore of two permits, acquired and released by 2 or 100 tasks.
func BenchmarkSemaphoreContendedTasks(b *testing.B) {
	for _, tasks := range []int{2, 100} {
		b.Run(fmt.Sprint(tasks), func(b *testing.B) {
			s := NewSemaphore(2)
			benchTasks(b, tasks, func() async.Future[error] { return s.Acquire(1) }, func() { s.Release(1) })
		})
	}
}

// The same with goroutines and a buffered channel as the semaphore.
func BenchmarkChannelSemaphoreContendedGoroutines(b *testing.B) {
	for _, gs := range []int{2, 100} {
		b.Run(fmt.Sprint(gs), func(b *testing.B) {
			ch := make(chan struct{}, 2)
			var wg sync.WaitGroup
			b.ResetTimer()
			for g := range gs {
				wg.Go(func() {
					for i := g; i < b.N; i += gs {
						ch <- struct{}{}
						if i%16 == 0 {
							runtime.Gosched()
						}
						<-ch
					}
				})
			}
			wg.Wait()
		})
	}
}

// And with goroutines and a sync.Mutex.
func BenchmarkSyncMutexContendedYield(b *testing.B) {
	for _, gs := range []int{2, 100} {
		b.Run(fmt.Sprint(gs), func(b *testing.B) {
			var m sync.Mutex
			var wg sync.WaitGroup
			b.ResetTimer()
			for g := range gs {
				wg.Go(func() {
					for i := g; i < b.N; i += gs {
						m.Lock()
						if i%16 == 0 {
							runtime.Gosched()
						}
						m.Unlock()
					}
				})
			}
			wg.Wait()
		})
	}
}

// benchTasks runs acquire and release b.N times in all, spread over n
// tasks on a two-worker multi-thread executor.
func benchTasks[T any](b *testing.B, n int, acquire func() async.Future[T], release func()) {
	ex, err := executor.NewMultiThread(executor.WithWorkers(2))
	if err != nil {
		b.Fatal(err)
	}
	defer ex.Close()
	b.ResetTimer()
	_, err = executor.BlockOn(ex, async.Go(func(co *async.Co) struct{} {
		hs := make([]async.JoinHandle[struct{}], n)
		for k := range hs {
			hs[k] = async.Spawn(co.Context(), &benchLoop[T]{i: k, stride: n, n: b.N, acquire: acquire, release: release})
		}
		for _, h := range hs {
			async.Await(co, h)
		}
		return struct{}{}
	}))
	if err != nil {
		b.Fatal(err)
	}
}

// benchLoop is a task that acquires and releases for rounds i, i+stride,
// ... below n, and holds what it acquired across a yield in every 16th.
type benchLoop[T any] struct {
	i, stride, n int
	acquire      func() async.Future[T]
	release      func()
	f            async.Future[T] // the acquire in progress
	held         bool            // acquired, yielding before the release
}

func (l *benchLoop[T]) Poll(cx *async.Context) (struct{}, bool) {
	for l.i < l.n {
		if !l.held {
			if l.f == nil {
				l.f = l.acquire()
			}
			if _, ok := l.f.Poll(cx); !ok {
				return struct{}{}, false
			}
			l.f = nil
			if l.i%16 == 0 {
				l.held = true
				cx.Waker().Wake()
				return struct{}{}, false
			}
		}
		l.held = false
		l.release()
		l.i += l.stride
	}
	return struct{}{}, true
}

func (l *benchLoop[T]) Cancel() {
	if l.f != nil {
		l.f.Cancel()
	}
	if l.held {
		l.release()
	}
}
