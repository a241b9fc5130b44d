package executor_test

import (
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

func TestMTSmoke(t *testing.T) {
	v, err := executor.Run(async.Go(func(co *async.Co) int {
		var hs []async.JoinHandle[int]
		for i := range 1000 {
			hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) int {
				async.Await(co, timer.Sleep(time.Millisecond))
				return i
			})))
		}
		sum := 0
		for _, h := range hs {
			v, err := async.Get(co, h)
			if err != nil {
				panic(err)
			}
			sum += v
		}
		return sum
	}), executor.WithWorkers(2))
	if err != nil || v != 999*1000/2 {
		t.Fatalf("got %d, %v", v, err)
	}
}
