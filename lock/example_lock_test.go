package lock_test

import (
	"fmt"
	"sync"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/lock"
	"github.com/asyncgo/async/timer"
)

// Tasks update a shared map under a Mutex, holding it across an await,
// while a plain goroutine does the same with LockBlocking.
func ExampleMutex() {
	var mu lock.Mutex
	hits := map[string]int{}

	var wg sync.WaitGroup
	wg.Go(func() {
		mu.LockBlocking()
		hits["/"]++
		mu.Unlock()
	})

	count := func(page string) async.Future[struct{}] {
		return async.Do(func(co *async.Co) {
			async.Await(co, mu.Lock())
			defer mu.Unlock()
			n := hits[page]
			async.Await(co, async.Yield()) // the lock is held across the await
			hits[page] = n + 1
		})
	}
	_, err := executor.Run(async.JoinAll(count("/"), count("/about"), count("/")))
	wg.Wait()
	fmt.Println(hits["/"], hits["/about"], err)
	// Output: 3 1 <nil>
}

// Readers share an RwLock; a writer has it alone. Reader tasks that come
// while the writer holds it wait in line, and see its write.
func ExampleRwLock() {
	var rw lock.RwLock
	config := "v1"

	read := func(name string) async.Future[string] {
		return async.Go(func(co *async.Co) string {
			async.Await(co, rw.RLock())
			defer rw.RUnlock()
			return name + " read " + config
		})
	}
	v, err := executor.Run(async.Go(func(co *async.Co) []string {
		async.Await(co, rw.Lock())
		a := async.Spawn(co.Context(), read("a"))
		b := async.Spawn(co.Context(), read("b"))
		async.Await(co, async.Yield()) // the readers start, and wait
		fmt.Println("reading while a writer holds it:", rw.TryRLock())
		config = "v2"
		rw.Unlock() // admits both readers at once
		return []string{async.Await(co, a).Value, async.Await(co, b).Value}
	}))
	fmt.Println(v, err)
	// Output:
	// reading while a writer holds it: false
	// [a read v2 b read v2] <nil>
}

// A Semaphore bounds how many tasks work at once: ten jobs, three at a
// time, each taking a second of the executor's paused clock, take four
// seconds.
func ExampleSemaphore() {
	sem := lock.NewSemaphore(3)
	var mu sync.Mutex
	running, most := 0, 0

	job := func() async.Future[struct{}] {
		return async.Do(func(co *async.Co) {
			if err := async.Await(co, sem.Acquire(1)); err != nil {
				return // closed
			}
			defer sem.Release(1)
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			async.Await(co, timer.Sleep(time.Second))
			mu.Lock()
			running--
			mu.Unlock()
		})
	}
	ex, err := executor.NewCurrentThread(executor.WithPausedClock())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ex.Close()
	jobs := make([]async.Future[struct{}], 10)
	for i := range jobs {
		jobs[i] = job()
	}
	start := ex.Reactor().Now()
	_, err = executor.BlockOn(ex, async.JoinAll(jobs...))
	fmt.Println(most, ex.Reactor().Now().Sub(start), sem.Available(), err)
	// Output: 3 4s 3 <nil>
}

// Close fails the acquires that wait, and every later one.
func ExampleSemaphore_Close() {
	sem := lock.NewSemaphore(0)
	v, err := executor.Run(async.Go(func(co *async.Co) error {
		waiting := sem.Acquire(1)
		sem.Close()
		return async.Await(co, waiting)
	}))
	fmt.Println(v, err)
	// Output: lock: semaphore closed <nil>
}
