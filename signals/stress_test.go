//go:build unix

package signals

import (
	"os"
	"sync"
	"syscall"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
)

// A storm of signals from several goroutines, received by tasks on the
// multi-thread executor through two streams at once, with Recvs given up
// in Selects along the way: every stream sees the storm and the SIGUSR2
// sent after it (a signal pending when a Recv is given up stays for the
// next), and every goroutine ends with Stop.
func TestStressSignalStorm(t *testing.T) {
	var x rttest.Executor
	for _, e := range rttest.Executors {
		if e.Multi {
			x = e
		}
	}
	streams := []*Stream{Notify(syscall.SIGUSR1, syscall.SIGUSR2), Notify(syscall.SIGUSR1, syscall.SIGUSR2)}
	var senders sync.WaitGroup
	for range 4 {
		senders.Go(func() {
			for range 100 {
				kill(t, syscall.SIGUSR1)
			}
		})
	}
	go func() {
		senders.Wait()
		kill(t, syscall.SIGUSR2) // the end of the storm
	}()
	counts := tasktest.RunLive(t, x, async.Go(func(co *async.Co) []int {
		var hs []async.JoinHandle[int]
		for _, s := range streams {
			hs = append(hs, async.Spawn(co.Context(), receiveUntilUSR2(t, s)))
		}
		var counts []int
		for _, h := range hs {
			counts = append(counts, async.Await(co, async.Future[async.Result[int]](h)).Value)
		}
		return counts
	}))
	senders.Wait()
	for i, s := range streams {
		s.Stop()
		checkStopped(t, s)
		if counts[i] < 1 || counts[i] > 400 {
			t.Errorf("stream %d received %d SIGUSR1s of 400; want at least 1, and no more than were sent", i, counts[i])
		}
	}
}

// receiveUntilUSR2 receives from s until SIGUSR2, every third Recv in a
// Select it loses if nothing is pending yet, and counts the SIGUSR1s.
func receiveUntilUSR2(t *testing.T, s *Stream) async.Future[int] {
	return async.Go(func(co *async.Co) int {
		n := 0
		for i := 0; ; i++ {
			var r async.Result[os.Signal]
			if i%3 == 0 {
				e := async.Await(co, async.Select2[async.Result[os.Signal], struct{}](s.Recv(), async.Yield()))
				if e.Index == 1 {
					continue // given up: what was pending is still there
				}
				r = e.V1
			} else {
				r = async.Await(co, async.Future[async.Result[os.Signal]](s.Recv()))
			}
			switch {
			case r.Err != nil:
				t.Errorf("Recv: %v", r.Err)
				return n
			case r.Value == syscall.SIGUSR2:
				return n
			case r.Value == syscall.SIGUSR1:
				n++
			default:
				t.Errorf("Recv = %v; want SIGUSR1 or SIGUSR2", r.Value)
			}
		}
	})
}
