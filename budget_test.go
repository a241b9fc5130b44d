package async_test

// The cooperative budget on a real executor: a task that never yields of
// its own accord cannot stall I/O, timers or the other tasks, on either
// executor.

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/timer"
)

// echoHog never yields of its own accord: it receives from a channel it
// keeps full by sending each value back, so the receive is always ready.
// Only the budget, which the receive spends, makes it give way.
func echoHog(tx *mpsc.UnboundedSender[int], rx *mpsc.Receiver[int], rounds *int) async.Future[int] {
	return async.Go(func(co *async.Co) int {
		for {
			res := async.Await(co, rx.Recv())
			if res.Err != nil {
				panic(res.Err)
			}
			if err := tx.Send(res.Value); err != nil {
				panic(err)
			}
			*rounds++
		}
	})
}

// recvLoop is the same hog as a hand-written future: each poll receives
// until the receive is pending, which only the spent budget makes it.
type recvLoop struct {
	tx     *mpsc.UnboundedSender[int]
	rx     *mpsc.Receiver[int]
	rounds int
}

func (h *recvLoop) Poll(cx *async.Context) (int, bool) {
	for {
		res, ok := h.rx.Recv().Poll(cx)
		if !ok {
			return 0, false
		}
		if res.Err != nil {
			panic(res.Err)
		}
		if err := h.tx.Send(res.Value); err != nil {
			panic(err)
		}
		h.rounds++
	}
}

func (h *recvLoop) Cancel() { h.rx.Recv().Cancel() }

// TestBudgetHogCannotStallIOOrOthers spawns, on each executor, more tasks
// that never yield (their channel is always ready) than the executor has
// workers, so that every worker is held by one, beside a task waiting on a
// socket that another goroutine writes, a task waiting on a timer and a
// task that yields a hundred times. All three must finish while the hogs
// run; the hogs must have been polled many times, each giving way when its
// budget ran out.
//
// The clock runs: a paused clock moves only when every task is idle, which
// a hog never is.
func TestBudgetHogCannotStallIOOrOthers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, kind := range []string{"coroutine", "future"} {
			t.Run(kind, func(t *testing.T) {
				noLeaks(t)
				fds := coSocketpair(t)
				go func() {
					time.Sleep(20 * time.Millisecond)
					unix.Write(fds[1], []byte("ping"))
				}()
				hogs := 2 * rttest.Workers
				rounds := make([]int, hogs)
				loops := make([]*recvLoop, hogs)
				var channels []*mpsc.UnboundedSender[int]
				type result struct {
					read, slept, yielded int
				}
				done := make(chan struct{})
				var got result
				var err error
				go func() {
					defer close(done)
					got, err = executor.Run(async.Go(func(co *async.Co) result {
						cx := co.Context()
						var hs []async.JoinHandle[int]
						for i := range hogs {
							tx, rx := mpsc.Unbounded[int]()
							channels = append(channels, tx)
							for v := range 4 {
								if err := tx.Send(v); err != nil {
									panic(err)
								}
							}
							if kind == "coroutine" {
								hs = append(hs, async.Spawn(cx, echoHog(tx, rx, &rounds[i])))
							} else {
								loops[i] = &recvLoop{tx: tx, rx: rx}
								hs = append(hs, async.Spawn[int](cx, loops[i]))
							}
						}
						reader := async.Spawn(cx, async.Go(func(co *async.Co) int {
							return async.Await(co, &coReadOnce{fd: fds[0]})
						}))
						sleeper := async.Spawn(cx, async.Go(func(co *async.Co) int {
							async.Await(co, timer.Sleep(30*time.Millisecond))
							return 2
						}))
						yielder := async.Spawn(cx, async.Go(func(co *async.Co) int {
							for range 100 {
								async.Await(co, async.Yield())
							}
							return 3
						}))
						r := result{
							read:    async.Await(co, reader).Value,
							slept:   async.Await(co, sleeper).Value,
							yielded: async.Await(co, yielder).Value,
						}
						for _, h := range hs {
							h.Abort()
							if res := async.Await(co, h); !errors.Is(res.Err, async.ErrAborted) {
								panic(fmt.Sprintf("hog: %+v, want ErrAborted", res))
							}
						}
						return r
					}), x.Options...)
				}()
				select {
				case <-done:
				case <-time.After(30 * time.Second):
					t.Fatal("tasks that never yield stalled the executor's I/O, timers or other tasks")
				}
				if err != nil {
					t.Fatal(err)
				}
				if want := (result{4, 2, 3}); got != want {
					t.Errorf("results %+v, want %+v", got, want)
				}
				for i := range hogs {
					n := rounds[i]
					if loops[i] != nil {
						n = loops[i].rounds
					}
					if n < async.Budget {
						t.Errorf("hog %d received %d values, want at least a budget's %d: it did not run", i, n, async.Budget)
					}
				}
				for _, tx := range channels {
					tx.Close()
				}
			})
		}
	})
}

// TestBudgetJoinHandleGivesWay awaits the handle of a task that has
// completed, with the budget spent: like tokio's, the handle takes a unit
// of the budget and gives way, waking the task; with a new budget it is
// ready with the output.
func TestBudgetJoinHandleGivesWay(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		var h async.JoinHandle[int]
		var scratch async.Context
		w := &testfut.Waker{}
		spawned, gaveWay := false, false
		v, err := executor.Run(async.PollFunc[int](func(cx *async.Context) (int, bool) {
			if !spawned {
				h, spawned = async.Spawn(cx, async.Ready(7)), true
			}
			if !h.Finished() {
				cx.Waker().Wake() // look again once the task has run
				return 0, false
			}
			if !gaveWay {
				gaveWay = true
				for cx.Proceed() {
				}
				res, ok := async.PollWith(cx, &scratch, async.Waker(w), async.Future[async.Result[int]](h))
				if ok {
					t.Error("the handle of a completed task is ready with the budget spent")
					return res.Value, true
				}
				if w.Wakes() != 1 {
					t.Errorf("the handle pending for the budget woke its task %d times, want 1", w.Wakes())
				}
				cx.Waker().Wake() // as w stands for this task
				return 0, false
			}
			res, ok := h.Poll(cx)
			if !ok {
				t.Error("the handle of a completed task is pending with a new budget")
				return 0, true
			}
			return res.Value, true
		}), x.Options...)
		if err != nil || v != 7 {
			t.Fatalf("Run = %d, %v; want 7", v, err)
		}
	})
}
