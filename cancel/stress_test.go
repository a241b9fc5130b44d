package cancel

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
)

// multi is the multi-thread configuration of rttest, where stress tests
// run: tasks move between workers and wakes come from any goroutine.
func multi(t *testing.T) rttest.Executor {
	for _, x := range rttest.Executors {
		if x.Multi {
			return x
		}
	}
	t.Fatal("no multi-thread executor in rttest")
	return rttest.Executor{}
}

// spin yields the goroutine a random few times, to vary interleavings.
func spin(r *rand.Rand) {
	for range r.IntN(8) {
		runtime.Gosched()
	}
}

// Many tasks wait on a token and its children, each in one of the ways a
// task can (Cancelled, WithToken, a context of the token), beside plain
// goroutines on Done, while another goroutine cancels the root: every one
// wakes, and every list is left empty.
func TestStressWaitersOnTree(t *testing.T) {
	x := multi(t)
	for round := range 4 {
		r := rand.New(rand.NewPCG(uint64(round), 1))
		root := New()
		toks := []*Token{root}
		for i := range 6 {
			toks = append(toks, toks[i/2].Child())
		}
		var wg sync.WaitGroup
		for i := range 8 {
			tok := toks[i%len(toks)]
			wg.Go(func() { <-tok.Done() })
		}
		const tasks = 120
		tasktest.RunLive(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[struct{}]
			for i := range tasks {
				tok := toks[r.IntN(len(toks))]
				hs = append(hs, async.Spawn(co.Context(), waitOn(tok, i%3)))
			}
			seed := r.Uint64()
			go func() {
				spin(rand.New(rand.NewPCG(seed, 2)))
				root.Cancel()
			}()
			for _, h := range hs {
				if res := async.Await(co, async.Future[async.Result[struct{}]](h)); res.Err != nil {
					t.Errorf("waiting task: %v", res.Err)
				}
			}
			return struct{}{}
		}))
		wg.Wait()
		for _, tok := range toks {
			checkEmpty(t, tok, "after the cancellation")
		}
	}
}

// waitOn returns a future that waits for tok in the way of kind: 0 its
// Cancelled, 1 a WithToken around a future that never ends, 2 ContextDone
// of a context of the token.
func waitOn(tok *Token, kind int) async.Future[struct{}] {
	switch kind {
	case 0:
		return tok.Cancelled()
	case 1:
		return async.Map(WithTokenValue(tok, async.Pending[int]()), func(async.Result[int]) struct{} { return struct{}{} })
	}
	return async.Go(func(co *async.Co) struct{} {
		ctx, stop := tok.Context(context.Background())
		defer stop()
		async.Await(co, async.Future[error](ContextDone(ctx)))
		return struct{}{}
	})
}

// Children made and released in a loop, by tasks and goroutines at once,
// some waited on and given up meanwhile, leave a long-lived parent's list
// empty; so do callbacks registered and stopped.
func TestStressChildrenReleased(t *testing.T) {
	x := multi(t)
	parent := New()
	const rounds = 300
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 3))
			for range rounds {
				c := parent.Child()
				stop := parent.AfterFunc(func() {})
				gc := c.Child()
				spin(r)
				if r.IntN(2) == 0 {
					gc.Cancel()
				}
				c.Cancel()
				stop()
			}
		})
	}
	tasktest.RunLive(t, x, async.Go(func(co *async.Co) struct{} {
		var hs []async.JoinHandle[struct{}]
		for range 4 {
			hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
				for range rounds {
					c := parent.Child()
					// Wait on the child, and give up at once.
					async.Await(co, async.Select2[struct{}, struct{}](c.Cancelled(), async.Yield()))
					c.Cancel()
				}
				return struct{}{}
			})))
		}
		for _, h := range hs {
			async.Await(co, async.Future[async.Result[struct{}]](h))
		}
		return struct{}{}
	}))
	wg.Wait()
	checkEmpty(t, parent, "the long-lived parent")
	if parent.IsCancelled() {
		t.Fatal("releasing children cancelled the parent")
	}
}

// Cancel races with tasks that join and leave the lists (waits given up
// in a Select, children made and released): no task is left waiting, and
// every list ends empty.
func TestStressCancelRacesWaiters(t *testing.T) {
	x := multi(t)
	for round := range 20 {
		root := New()
		mid := root.Child()
		seed := uint64(round)
		tasktest.RunLive(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[struct{}]
			for i := range 16 {
				hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
					tok := mid
					if i%2 == 0 {
						tok = root
					}
					for !tok.IsCancelled() {
						c := tok.Child()
						async.Await(co, async.Select2[struct{}, struct{}](c.Cancelled(), async.Yield()))
						c.Cancel()
					}
					async.Await(co, async.Future[struct{}](tok.Cancelled()))
					return struct{}{}
				})))
			}
			go func() {
				spin(rand.New(rand.NewPCG(seed, 4)))
				root.Cancel()
			}()
			for _, h := range hs {
				async.Await(co, async.Future[async.Result[struct{}]](h))
			}
			return struct{}{}
		}))
		checkEmpty(t, root, "root")
		checkEmpty(t, mid, "mid")
	}
}
