package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// The shared-state shapes written with goroutines, package sync and
// channels: the baseline the runtime's primitives are measured against.
// Each mirrors the async version in sync_async.go; see doc.go.

// mutexUncontendedGoroutines locks and unlocks a sync.Mutex n times on
// one goroutine.
func mutexUncontendedGoroutines(n int) error {
	var mu sync.Mutex
	count := 0
	for range n {
		mu.Lock()
		count++
		mu.Unlock()
	}
	return checkCount(count, n)
}

// mutexContendedGoroutines has two goroutines each lock a sync.Mutex,
// increment a counter and unlock, n/2 times.
func mutexContendedGoroutines(n int) error {
	var mu sync.Mutex
	count := 0
	var wg sync.WaitGroup
	for _, share := range split(n, 2) {
		wg.Go(func() {
			for range share {
				mu.Lock()
				count++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return checkCount(count, n)
}

// rwlockReadGoroutines has two goroutines each take and release a read
// lock of a sync.RWMutex n/2 times.
func rwlockReadGoroutines(n int) error {
	var mu sync.RWMutex
	var reads atomic.Int64
	var wg sync.WaitGroup
	for _, share := range split(n, 2) {
		wg.Go(func() {
			for range share {
				mu.RLock()
				reads.Add(1)
				mu.RUnlock()
			}
		})
	}
	wg.Wait()
	return checkCount(int(reads.Load()), n)
}

// semaphoreGoroutines returns the shape in which waiters goroutines share
// one permit, a buffered channel of capacity 1, acquiring and releasing it
// n times in all.
func semaphoreGoroutines(waiters int) func(n int) error {
	return func(n int) error {
		sem := make(chan struct{}, 1)
		held := 0
		var wg sync.WaitGroup
		for _, share := range split(n, waiters) {
			wg.Go(func() {
				for range share {
					sem <- struct{}{}
					held++ // the permit makes this safe
					<-sem
				}
			})
		}
		wg.Wait()
		return checkCount(held, n)
	}
}

// broadcastGoroutines sends n values to fanOut goroutines, each over a
// channel of its own, one value at a time: the sender sends the next only
// once every receiver has taken the last (the last to take it says so),
// so that ns/op is the cost of one value reaching every receiver.
func broadcastGoroutines(n int) error {
	chans := make([]chan int, fanOut)
	ack := make(chan struct{}, 1)
	var left atomic.Int64
	var got atomic.Int64
	var wg sync.WaitGroup
	for i := range chans {
		chans[i] = make(chan int, 1)
		wg.Go(func() {
			for v := range chans[i] {
				got.Add(int64(v))
				if left.Add(-1) == 0 {
					ack <- struct{}{}
				}
			}
		})
	}
	for range n {
		left.Store(fanOut)
		for _, c := range chans {
			c <- 1
		}
		<-ack
	}
	for _, c := range chans {
		close(c)
	}
	wg.Wait()
	return checkCount(int(got.Load()), n*fanOut)
}

// watchedValue is Go's usual watch: a value, its version, and a channel
// closed (and replaced) at every update, which watchers wait on.
type watchedValue struct {
	mu      sync.Mutex
	value   int
	version int
	changed chan struct{}
}

// update stores v and wakes every watcher.
func (w *watchedValue) update(v int) {
	w.mu.Lock()
	w.value = v
	w.version++
	close(w.changed)
	w.changed = make(chan struct{})
	w.mu.Unlock()
}

// next waits for a version after seen and returns it with its value.
func (w *watchedValue) next(seen int) (version, value int) {
	for {
		w.mu.Lock()
		version, value, changed := w.version, w.value, w.changed
		w.mu.Unlock()
		if version != seen {
			return version, value
		}
		<-changed
	}
}

// watchGoroutines updates a watched value n times; fanOut goroutines each
// wait for every update and read it. Updates go one at a time, as in
// broadcastGoroutines: the next only once every watcher has seen the last.
func watchGoroutines(n int) error {
	w := &watchedValue{changed: make(chan struct{})}
	ack := make(chan struct{}, 1)
	var left atomic.Int64
	var seen atomic.Int64
	var wg sync.WaitGroup
	for range fanOut {
		wg.Go(func() {
			version := 0
			for version < n {
				var v int
				version, v = w.next(version)
				seen.Add(int64(min(v, 1)))
				if left.Add(-1) == 0 {
					ack <- struct{}{}
				}
			}
		})
	}
	for i := range n {
		left.Store(fanOut)
		w.update(i + 1)
		<-ack
	}
	wg.Wait()
	return checkCount(int(seen.Load()), n*fanOut)
}

// split divides n operations among k workers as evenly as possible.
func split(n, k int) []int {
	shares := make([]int, k)
	for i := range shares {
		shares[i] = n / k
		if i < n%k {
			shares[i]++
		}
	}
	return shares
}

// checkCount reports a shape that did not do the work it was asked to.
func checkCount(got, want int) error {
	if got != want {
		return fmt.Errorf("did %d operations, want %d", got, want)
	}
	return nil
}
