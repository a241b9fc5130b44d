package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The scheduler shapes written with plain goroutines and channels: the
// baseline the async runtime is measured against. Each mirrors the async
// version in sched_async.go; see doc.go for the shapes.

// spawnManyGoroutines starts n goroutines from this one; each decrements a
// shared counter, and the last closes the channel this one waits on.
func spawnManyGoroutines(n int) error {
	if n == 0 {
		return nil
	}
	var left atomic.Int64
	left.Store(int64(n))
	done := make(chan struct{})
	for range n {
		go func() {
			if left.Add(-1) == 0 {
				close(done)
			}
		}()
	}
	<-done
	return nil
}

// yieldManyGoroutines runs goroutines that each call runtime.Gosched
// repeatedly: n yields in all (see yieldSplit).
func yieldManyGoroutines(n int) error {
	tasks, yields := yieldSplit(n)
	var wg sync.WaitGroup
	for range tasks {
		wg.Go(func() {
			for range yields {
				runtime.Gosched()
			}
		})
	}
	wg.Wait()
	return nil
}

// pingPongGoroutines makes n round trips between two goroutines: this one
// sends on ping, the other receives it and answers on pong. Both channels
// hold one value, like the async version's.
func pingPongGoroutines(n int) error {
	ping, pong := make(chan int, 1), make(chan int, 1)
	go func() {
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	for i := range n {
		ping <- i
		<-pong
	}
	close(ping)
	<-pong // the answering goroutine has seen the close and is gone
	return nil
}

// chainedSpawnGoroutines starts a chain of n goroutines, each started by the
// one before; the last closes the channel this one waits on.
func chainedSpawnGoroutines(n int) error {
	if n == 0 {
		return nil
	}
	done := make(chan struct{})
	go chainLinkGoroutine(n-1, done)
	<-done
	return nil
}

func chainLinkGoroutine(left int, done chan struct{}) {
	if left == 0 {
		close(done)
		return
	}
	go chainLinkGoroutine(left-1, done)
}

// timersGoroutines starts n goroutines that each sleep timerDelay(i).
func timersGoroutines(n int) error {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { time.Sleep(timerDelay(i)) })
	}
	wg.Wait()
	return nil
}

// timerDelay is how long the i-th sleeper of the timers shape sleeps:
// (i*7919 mod 100,000) µs, spread evenly over 0–100 ms in a scrambled order
// (7919 is prime, so consecutive sleepers land far apart).
func timerDelay(i int) time.Duration {
	return time.Duration(i*7919%100_000) * time.Microsecond
}
