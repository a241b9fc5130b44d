package executor_test

import (
	"fmt"
	"strings"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
)

// A MultiThread executor runs tasks on several worker goroutines, which
// steal work from each other. A call that blocks goes to the blocking
// pool, not to a worker. Metrics tells how the work was shared.
func ExampleMultiThread() {
	ex, err := executor.NewMultiThread(executor.WithWorkers(4))
	if err != nil {
		panic(err)
	}
	defer ex.Close()

	sum, err := executor.BlockOn(ex, async.Go(func(co *async.Co) int {
		// 100 tasks, queued on this worker; idle workers steal them.
		hs := make([]async.JoinHandle[int], 100)
		for i := range hs {
			hs[i] = async.Spawn(co.Context(), async.Go(func(*async.Co) int { return i * i }))
		}
		// A blocking call (file I/O, cgo) runs on the pool, and the
		// workers go on polling tasks meanwhile.
		up, err := async.Get(co, async.SpawnBlocking(co.Context(), func() string {
			return strings.ToUpper("from the pool")
		}))
		fmt.Println(up, err)
		total := 0
		for _, h := range hs {
			total += async.Await(co, h).Value
		}
		return total
	}))
	if err != nil {
		panic(err)
	}

	m := ex.Metrics()
	var spawns uint64
	for _, w := range m.Workers {
		spawns += w.Spawns // w.Polls and w.Steals vary from run to run
	}
	fmt.Println(sum, spawns, m.Live)
	// Output:
	// FROM THE POOL <nil>
	// 328350 101 0
}
