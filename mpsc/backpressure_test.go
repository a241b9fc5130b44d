package mpsc

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// On a channel of capacity 2 the third Send waits until a Recv makes room;
// the order of events on one executor shows it.
func TestBackpressureOrder(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int](2)
		// Both tasks log, and the multi-thread executor may poll them at
		// once on two workers.
		var mu sync.Mutex
		var log []string
		logf := func(s string, v int) {
			mu.Lock()
			log = append(log, s+string(rune('0'+v)))
			mu.Unlock()
		}
		producer := task(repeat(3, func(i int) func(cx *async.Context) bool {
			return await(func() async.Future[error] { return tx.Send(i) }, func(err error) {
				if err != nil {
					t.Errorf("Send(%d): %v", i, err)
				}
				logf("sent", i)
			})
		}))
		// The consumer starts once the producer waits for room. On the
		// current-thread executor that is so when the consumer is first
		// polled (the producer was spawned first); on the multi-thread
		// one the two may start at once.
		consumer := task(
			until(func() bool { return rx.c.waiting() == 1 }),
			repeat(3, func(int) func(cx *async.Context) bool {
				return await(func() async.Future[async.Result[int]] { return rx.Recv() }, func(r async.Result[int]) {
					logf("recv", r.Value)
				})
			}))
		runTasks(t, x, producer, consumer)
		want := []string{"sent0", "sent1", "recv0", "recv1", "sent2", "recv2"}
		if !x.Multi {
			if !slices.Equal(log, want) {
				t.Errorf("events %q; want %q", log, want)
			}
		} else {
			// On two workers the producer, woken by the first Recv's
			// grant, runs while the consumer goes on: after "recv0" the
			// two tasks' events interleave as they may. What holds is
			// that the third Send waited for the first Recv, and each
			// side's own order.
			var sent, recv []string
			for _, e := range log {
				if strings.HasPrefix(e, "sent") {
					sent = append(sent, e)
				} else {
					recv = append(recv, e)
				}
			}
			if len(log) != len(want) || !slices.Equal(log[:3], want[:3]) ||
				!slices.Equal(sent, []string{"sent0", "sent1", "sent2"}) ||
				!slices.Equal(recv, []string{"recv0", "recv1", "recv2"}) {
				t.Errorf("events %q; want %q, the events after \"recv0\" in any interleaving", log, want)
			}
		}
		// The producer waited once, for room: two polls in all.
		if producer.polls != 2 {
			t.Errorf("producer polled %d times; want 2 (once blocked by the full buffer)", producer.polls)
		}
		checkIdle(t, rx.c)
	})
}

// The same, polled by hand: the third Send queues, the Recv grants it the
// freed slot and wakes it, and a fourth sender cannot take that slot.
func TestBackpressureGrant(t *testing.T) {
	tx, rx := New[int](2)
	w := &countWaker{}
	cx := handContext(w)
	for i := range 2 {
		if err, ok := tx.Send(i).Poll(cx); !ok || err != nil {
			t.Fatalf("Send(%d) = %v, %v; want ready", i, err, ok)
		}
	}
	third := tx.Send(2)
	if _, ok := third.Poll(cx); ok {
		t.Fatal("third Send on a channel of capacity 2 was ready")
	}
	if n := rx.c.waiting(); n != 1 {
		t.Fatalf("%d senders waiting; want 1", n)
	}
	if r, ok := rx.Recv().Poll(cx); !ok || r.Value != 0 {
		t.Fatalf("Recv = %+v, %v; want 0", r, ok)
	}
	if w.wakes() != 1 {
		t.Fatalf("Recv woke the waiting sender %d times; want 1", w.wakes())
	}
	// The slot belongs to the woken sender: a newcomer finds the channel full.
	if err := tx.Clone().TrySend(99); !errors.Is(err, ErrFull) {
		t.Fatalf("TrySend while a slot is granted = %v; want ErrFull", err)
	}
	if err, ok := third.Poll(cx); !ok || err != nil {
		t.Fatalf("woken Send = %v, %v; want ready", err, ok)
	}
	for _, want := range []int{1, 2} {
		if v, err := rx.TryRecv(); v != want || err != nil {
			t.Fatalf("TryRecv = %d, %v; want %d", v, err, want)
		}
	}
	checkIdle(t, rx.c)
}

// Waiting senders are served in the order they came.
func TestWaitingSendersFIFO(t *testing.T) {
	tx, rx := New[int](1)
	tx.TrySend(0)
	cx := handContext(async.NoopWaker())
	var senders []*Sender[int]
	for i := 1; i <= 5; i++ {
		s := tx.Clone()
		if _, ok := s.Send(i).Poll(cx); ok {
			t.Fatalf("Send(%d) on a full channel was ready", i)
		}
		senders = append(senders, s)
	}
	for want := range 6 {
		v, err := rx.TryRecv()
		if err != nil || v != want {
			t.Fatalf("TryRecv = %d, %v; want %d", v, err, want)
		}
		if want < 5 {
			if err, ok := senders[want].send.Poll(cx); !ok || err != nil {
				t.Fatalf("sender %d after its grant: %v, %v", want+1, err, ok)
			}
		}
	}
	checkIdle(t, rx.c)
}

// A goroutine in SendBlocking on a full channel waits until a receive.
func TestSendBlockingWaitsForRoom(t *testing.T) {
	tx, rx := New[int](1)
	tx.TrySend(0)
	done := make(chan error)
	go func() { done <- tx.SendBlocking(1) }()
	for rx.c.waiting() == 0 {
		yield()
	}
	select {
	case err := <-done:
		t.Fatalf("SendBlocking returned %v on a full channel", err)
	default:
	}
	if v, err := rx.TryRecv(); v != 0 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 0", v, err)
	}
	if err := <-done; err != nil {
		t.Fatalf("SendBlocking: %v", err)
	}
	if v, err := rx.TryRecv(); v != 1 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 1", v, err)
	}
	checkIdle(t, rx.c)
}

// A Send that loses a timeout leaves the queue, the value is not sent, and
// the sender behind it gets the slot.
func TestSendTimeoutLeavesQueue(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[string](1)
		tx.TrySend("first")
		late, patient := tx.Clone(), tx.Clone()
		var lateErr, patientErr error
		var got []string
		lateTask := task(await(func() async.Future[async.Result[error]] {
			return timer.TimeoutValue(async.Future[error](late.Send("late")), time.Second)
		}, func(r async.Result[error]) { lateErr = r.Err }))
		patientTask := task(await(func() async.Future[error] { return patient.Send("patient") },
			func(err error) { patientErr = err }))
		waitersAtTimeout := -1
		consumer := task(
			await(func() async.Future[struct{}] { return timer.Sleep(2 * time.Second) }, func(struct{}) {
				waitersAtTimeout = rx.c.waiting()
			}),
			repeat(2, func(int) func(cx *async.Context) bool {
				return await(func() async.Future[async.Result[string]] { return rx.Recv() },
					func(r async.Result[string]) { got = append(got, r.Value) })
			}),
		)
		ex := newExecutor(t, x, executor.WithPausedClock())
		blockOn(t, ex, async.Future[struct{}](all(t, lateTask, patientTask, consumer)))
		if !errors.Is(lateErr, timer.ErrTimeout) {
			t.Errorf("timed-out Send = %v; want ErrTimeout", lateErr)
		}
		if patientErr != nil {
			t.Errorf("patient Send = %v; want nil", patientErr)
		}
		if waitersAtTimeout != 1 {
			t.Errorf("%d senders waiting after the timeout; want 1 (the timed-out one gone)", waitersAtTimeout)
		}
		if !slices.Equal(got, []string{"first", "patient"}) {
			t.Errorf("received %q; want [first patient]", got)
		}
		if rx.Len() != 0 {
			t.Errorf("%d values left: the timed-out value was sent", rx.Len())
		}
		checkIdle(t, rx.c)
	})
}
