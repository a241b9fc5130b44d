package mpsc

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
)

// Many producers, tasks and plain goroutines, into one receiving task:
// every value arrives exactly once, and each producer's values in order.
func TestManyProducers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, capacity := range []int{1, 16, 0} {
			name := fmt.Sprintf("capacity-%d", capacity)
			if capacity == 0 {
				name = "unbounded"
			}
			t.Run(name, func(t *testing.T) { testManyProducers(t, x, capacity) })
		}
	})
}

const (
	producerTasks      = 8
	producerGoroutines = 8
	perProducer        = 500
)

func testManyProducers(t *testing.T, x rttest.Executor, capacity int) {
	send, closeFirst, rx := manyProducerChannel(capacity)
	var wg sync.WaitGroup
	for p := range producerGoroutines {
		s := send(producerTasks + p)
		wg.Go(func() {
			for i := range perProducer {
				if err := s.blocking((producerTasks+p)*perProducer + i); err != nil {
					t.Errorf("SendBlocking: %v", err)
				}
			}
			s.close()
		})
	}
	var tasks []async.Future[struct{}]
	for p := range producerTasks {
		s := send(p)
		tasks = append(tasks, task(
			repeat(perProducer, func(i int) func(cx *async.Context) bool {
				return await(func() async.Future[error] { return s.future(p*perProducer + i) }, func(err error) {
					if err != nil {
						t.Errorf("Send: %v", err)
					}
				})
			}),
			do(s.close),
		))
	}
	closeFirst() // only the clones remain open
	seen := make([]int, (producerTasks+producerGoroutines)*perProducer)
	last := make([]int, producerTasks+producerGoroutines)
	for i := range last {
		last[i] = -1
	}
	tasks = append(tasks, task(func(cx *async.Context) bool {
		for {
			r, ok := rx.Recv().Poll(cx)
			if !ok {
				return false
			}
			if r.Err != nil {
				if !errors.Is(r.Err, ErrClosed) {
					t.Errorf("Recv: %v", r.Err)
				}
				return true
			}
			v := r.Value
			seen[v]++
			p, i := v/perProducer, v%perProducer
			if i <= last[p] {
				t.Errorf("producer %d: value %d after %d", p, i, last[p])
			}
			last[p] = i
		}
	}))
	blockOn(t, newExecutor(t, x), async.Future[struct{}](all(t, tasks...)))
	wg.Wait()
	for v, n := range seen {
		if n != 1 {
			t.Fatalf("value %d received %d times; want once", v, n)
		}
	}
	checkIdle(t, rx.c)
}

// producer is one producer's handle of either kind of channel.
type producer struct {
	future   func(v int) async.Future[error]
	blocking func(v int) error
	close    func()
}

// manyProducerChannel makes a channel of the capacity (0: unbounded) and
// returns a function giving each producer its own clone.
func manyProducerChannel(capacity int) (clone func(int) producer, closeFirst func(), rx *Receiver[int]) {
	if capacity == 0 {
		tx, rx := Unbounded[int]()
		return func(int) producer {
			s := tx.Clone()
			return producer{
				future:   func(v int) async.Future[error] { return async.Ready(s.Send(v)) },
				blocking: s.Send,
				close:    s.Close,
			}
		}, tx.Close, rx
	}
	tx, rx := New[int](capacity)
	return func(int) producer {
		s := tx.Clone()
		return producer{
			future:   func(v int) async.Future[error] { return s.Send(v) },
			blocking: s.SendBlocking,
			close:    s.Close,
		}
	}, tx.Close, rx
}

// A goroutine sends requests into a task, which answers on another channel
// that the goroutine reads.
func TestGoroutineAndTaskEcho(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const n = 1000
		reqTx, reqRx := New[int](1)
		respTx, respRx := New[int](1)
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := range n {
				if err := reqTx.SendBlocking(i); err != nil {
					t.Errorf("SendBlocking: %v", err)
					return
				}
				v, err := respRx.RecvBlocking()
				if err != nil || v != 2*i {
					t.Errorf("RecvBlocking = %d, %v; want %d", v, err, 2*i)
					return
				}
			}
			reqTx.Close()
			if _, err := respRx.RecvBlocking(); !errors.Is(err, ErrClosed) {
				t.Errorf("RecvBlocking after the task ended = %v; want ErrClosed", err)
			}
		})
		var send *SendFuture[int]
		echo := task(func(cx *async.Context) bool {
			for {
				if send != nil {
					if err, ok := send.Poll(cx); !ok {
						return false
					} else if err != nil {
						t.Errorf("Send: %v", err)
					}
					send = nil
				}
				r, ok := reqRx.Recv().Poll(cx)
				if !ok {
					return false
				}
				if r.Err != nil {
					respTx.Close()
					return true
				}
				send = respTx.Send(2 * r.Value)
			}
		})
		blockOn(t, newExecutor(t, x), async.Future[struct{}](all(t, echo)))
		wg.Wait()
	})
}

// Senders on many goroutines wait, are granted slots, and sometimes cancel
// before or after their grant, while a goroutine receives: every value
// whose Send succeeded arrives once, no cancelled value arrives, and
// nothing is left waiting.
func TestRaceCancelAndGrant(t *testing.T) {
	const (
		goroutines = 8
		perSender  = 2000
	)
	tx, rx := New[int](2)
	var wg sync.WaitGroup
	var grantsCancelled atomic.Int64
	sent := make([][]int, goroutines)
	for g := range goroutines {
		s := tx.Clone()
		wg.Go(func() {
			defer s.Close()
			w := park.New()
			cx := handContext(w)
			for i := range perSender {
				v := g*perSender + i
				f := s.Send(v)
				testfut.ResetBudget(cx) // a goroutine has no executor to do it
				err, ok := f.Poll(cx)
				if !ok {
					if i%3 == 0 {
						f.Cancel() // before any grant, most likely
						continue
					}
					w.Wait()
					if i%3 == 1 {
						if f.granted() {
							grantsCancelled.Add(1)
						}
						f.Cancel() // woken: granted, most likely
						continue
					}
					for !ok {
						testfut.ResetBudget(cx)
						if err, ok = f.Poll(cx); !ok {
							w.Wait()
						}
					}
				}
				if err != nil {
					t.Errorf("Send: %v", err)
					return
				}
				sent[g] = append(sent[g], v)
			}
		})
	}
	tx.Close()
	got := make(map[int]int)
	for {
		v, err := rx.RecvBlocking()
		if err != nil {
			break
		}
		got[v]++
	}
	wg.Wait()
	total := 0
	for _, vs := range sent {
		for _, v := range vs {
			if got[v] != 1 {
				t.Fatalf("value %d sent, received %d times", v, got[v])
			}
		}
		total += len(vs)
	}
	if len(got) != total {
		t.Fatalf("received %d values, %d were sent: a cancelled value arrived", len(got), total)
	}
	checkIdle(t, rx.c)
	t.Logf("%d values sent, %d grants cancelled", total, grantsCancelled.Load())
	if grantsCancelled.Load() == 0 {
		t.Error("no Send was cancelled after its grant: the test did not test that")
	}
}
