package lock_test

import (
	"errors"
	"fmt"
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/lock"
)

// A consumer task waits for work with Notify; the producer adds work and
// calls NotifyOne. A NotifyOne that comes while the consumer is busy is
// kept as a permit, so the consumer never sleeps with work waiting.
func ExampleNotify() {
	var (
		n     lock.Notify
		mu    sync.Mutex // guards queue
		queue []string
	)
	take := func() (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		if len(queue) == 0 {
			return "", false
		}
		s := queue[0]
		queue = queue[1:]
		return s, true
	}
	got, err := executor.Run(async.Go(func(co *async.Co) []string {
		consumer := async.Spawn(co.Context(), async.Go(func(co *async.Co) []string {
			var got []string
			for len(got) < 3 {
				if s, ok := take(); ok {
					got = append(got, s)
					continue
				}
				async.Await(co, n.Notified()) // until the next NotifyOne
			}
			return got
		}))
		for _, s := range []string{"a", "b", "c"} {
			mu.Lock()
			queue = append(queue, s)
			mu.Unlock()
			n.NotifyOne()
		}
		return async.Await(co, async.Future[async.Result[[]string]](consumer)).Value
	}))
	fmt.Println(got, err)
	// Output: [a b c] <nil>
}

// NotifyWaiters releases every waiter at once: here plain goroutines,
// waiting with WaitBlocking, released by a task.
func ExampleNotify_NotifyWaiters() {
	var start lock.Notify
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for range 3 {
		f := start.Notified() // made before the call: it cannot miss it
		wg.Go(func() {
			ready <- struct{}{}
			f.WaitBlocking()
		})
	}
	for range 3 {
		<-ready
	}
	executor.Run(async.PollFunc[struct{}](func(*async.Context) (struct{}, bool) {
		start.NotifyWaiters()
		return struct{}{}, true
	}))
	wg.Wait()
	fmt.Println("all three released")
	// Output: all three released
}

// Three tasks meet at a barrier twice; each round has one leader.
func ExampleBarrier() {
	b := lock.NewBarrier(3)
	leaders, err := executor.Run(async.Go(func(co *async.Co) int {
		var hs []async.JoinHandle[int]
		for range 3 {
			hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) int {
				led := 0
				for range 2 {
					if async.Await(co, b.Wait()) { // true for the leader
						led++
					}
				}
				return led
			})))
		}
		total := 0
		for _, h := range hs {
			total += async.Await(co, async.Future[async.Result[int]](h)).Value
		}
		return total
	}))
	fmt.Println("leaders over two rounds:", leaders, err)
	// Output: leaders over two rounds: 2 <nil>
}

// Several tasks need a configuration that is loaded once: the first runs
// the load, the others wait for its value without loading.
func ExampleOnceCell() {
	var config lock.OnceCell[string]
	loads := 0
	load := func() async.Future[string] {
		loads++
		return async.Go(func(co *async.Co) string {
			async.Await(co, async.Yield()) // a network round trip, say
			return "db=primary"
		})
	}
	got, err := executor.Run(async.Go(func(co *async.Co) []string {
		var hs []async.JoinHandle[string]
		for range 3 {
			hs = append(hs, async.Spawn(co.Context(), async.Future[string](config.GetOrInit(load))))
		}
		var got []string
		for _, h := range hs {
			got = append(got, async.Await(co, async.Future[async.Result[string]](h)).Value)
		}
		return got
	}))
	v, _ := config.Get()
	fmt.Println(got, err, "loads:", loads, "value:", v)
	// Output: [db=primary db=primary db=primary] <nil> loads: 1 value: db=primary
}

// An initialisation that fails leaves the cell empty, and the next caller
// tries its own.
func ExampleOnceCell_GetOrTryInit() {
	var cell lock.OnceCell[int]
	attempt := 0
	connect := func() async.Future[async.Result[int]] {
		attempt++
		if attempt == 1 {
			return async.Ready(async.Err[int](errors.New("connection refused")))
		}
		return async.Ready(async.Ok(attempt))
	}
	executor.Run(async.Do(func(co *async.Co) {
		for range 3 {
			v, err := async.Get(co, cell.GetOrTryInit(connect))
			fmt.Println(v, err)
		}
	}))
	// Output:
	// 0 connection refused
	// 2 <nil>
	// 2 <nil>
}
