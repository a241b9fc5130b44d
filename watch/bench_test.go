package watch

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
)

// watchers is the number of watchers of the fan-out benchmarks.
const watchers = 100

// BenchmarkWatch100 is tokio's sync_watch shape: one op is one update
// seen by 100 watching tasks (each wakes, sees the change and borrows the
// value) before the next update.
func BenchmarkWatch100(b *testing.B) {
	for _, x := range rttest.Executors {
		b.Run(x.Name, func(b *testing.B) {
			b.ReportAllocs()
			tx, first := New(0)
			s := &updater{tx: tx, n: b.N, watchers: watchers}
			tasks := []async.Future[struct{}]{s}
			for i := range watchers {
				rx := first
				if i > 0 {
					rx = tx.Subscribe()
				}
				tasks = append(tasks, &watcher{rx: rx, u: s})
			}
			b.ResetTimer()
			if _, err := executor.Run(async.Future[struct{}](tasktest.All(b, tasks...)), x.Options...); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// updater sends 1, 2, ..., n, each once every watcher has seen the one
// before.
type updater struct {
	tx       *Sender[int]
	n, i     int
	watchers int64
	waiting  bool
	acks     atomic.Int64 // watchers that have seen value i
	mu       sync.Mutex
	waker    async.Waker // guarded by mu
}

func (u *updater) Poll(cx *async.Context) (struct{}, bool) {
	for u.i < u.n {
		if !u.waiting {
			u.acks.Store(0)
			u.tx.Send(u.i + 1)
			u.waiting = true
		}
		u.mu.Lock()
		u.waker = cx.Waker()
		u.mu.Unlock()
		if u.acks.Load() < u.watchers {
			return struct{}{}, false
		}
		u.waiting = false
		u.i++
	}
	u.tx.Close()
	return struct{}{}, true
}

func (u *updater) Cancel() {}

// ack counts a watcher that saw the update; the last wakes the updater.
func (u *updater) ack() {
	if u.acks.Add(1) == u.watchers {
		u.mu.Lock()
		w := u.waker
		u.mu.Unlock()
		w.Wake()
	}
}

// watcher waits for each change and borrows the value, until the end.
type watcher struct {
	rx *Receiver[int]
	u  *updater
}

func (w *watcher) Poll(cx *async.Context) (struct{}, bool) {
	for {
		err, ok := w.rx.Changed().Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if err != nil {
			return struct{}{}, true
		}
		if w.rx.Borrow() > 0 {
			w.u.ack()
		}
	}
}

func (w *watcher) Cancel() { w.rx.Changed().Cancel() }

// BenchmarkCondWatch100 is the goroutine equivalent of BenchmarkWatch100:
// a value and its version under a sync.Mutex, 100 goroutines waiting on a
// sync.Cond for a newer version, and the next update made once every
// watcher acknowledged the last.
func BenchmarkCondWatch100(b *testing.B) {
	b.ReportAllocs()
	var (
		mu      sync.Mutex
		cond    = sync.NewCond(&mu)
		version int
		value   int
		closed  bool
	)
	acks := make(chan struct{}, watchers)
	var wg sync.WaitGroup
	for range watchers {
		wg.Go(func() {
			seen := 0
			mu.Lock()
			defer mu.Unlock()
			for {
				for version == seen && !closed {
					cond.Wait()
				}
				if closed {
					return
				}
				seen = version
				_ = value
				acks <- struct{}{}
			}
		})
	}
	b.ResetTimer()
	for i := range b.N {
		mu.Lock()
		value, version = i, version+1
		mu.Unlock()
		cond.Broadcast()
		for range watchers {
			<-acks
		}
	}
	b.StopTimer()
	mu.Lock()
	closed = true
	mu.Unlock()
	cond.Broadcast()
	wg.Wait()
}

// BenchmarkSendChanged is the channel alone: one Send, one Changed and one
// Borrow polled by hand, with no executor, and one watcher.
func BenchmarkSendChanged(b *testing.B) {
	b.ReportAllocs()
	tx, rx := New(0)
	cx := testfut.NewContext(async.NoopWaker())
	for i := range b.N {
		testfut.ResetBudget(cx)
		tx.Send(i)
		if err, ok := rx.Changed().Poll(cx); !ok || err != nil || rx.Borrow() != i {
			b.Fatalf("Changed = %v, %v", err, ok)
		}
	}
}
