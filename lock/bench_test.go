package lock

import (
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// The uncontended benchmarks poll each future by hand with a Context whose
// budget is reset every round, as an executor resets it for every poll of
// a task; sync's counterparts do the same work for a goroutine. Run with
//
//	go test -run '^$' -bench . -benchmem ./lock

func BenchmarkMutexUncontended(b *testing.B) {
	var m Mutex
	cx := testfut.NewContext(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		if _, ok := m.Lock().Poll(cx); !ok {
			b.Fatal("Lock pending")
		}
		m.Unlock()
	}
}

func BenchmarkSyncMutexUncontended(b *testing.B) {
	var m sync.Mutex
	for b.Loop() {
		m.Lock()
		m.Unlock()
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
	var m Mutex
	for b.Loop() {
		m.LockBlocking()
		m.Unlock()
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
	var rw sync.RWMutex
	for b.Loop() {
		rw.RLock()
		rw.RUnlock()
	}
}

func BenchmarkRwLockWrite(b *testing.B) {
	var rw RwLock
	cx := testfut.NewContext(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		if _, ok := rw.Lock().Poll(cx); !ok {
			b.Fatal("Lock pending")
		}
		rw.Unlock()
	}
}

func BenchmarkSyncRWMutexWrite(b *testing.B) {
	var rw sync.RWMutex
	for b.Loop() {
		rw.Lock()
		rw.Unlock()
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
