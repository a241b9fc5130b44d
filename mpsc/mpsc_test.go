package mpsc

import (
	"errors"
	"github.com/asyncgo/async/executor"
	"slices"
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

func TestSendRecvInOrder(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const n = 1000
		tx, rx := New[int](4)
		var got []int
		var end error
		producer := task(
			repeat(n, func(i int) func(cx *async.Context) bool {
				return await(func() async.Future[error] { return tx.Send(i) }, func(err error) {
					if err != nil {
						t.Errorf("Send(%d): %v", i, err)
					}
				})
			}),
			do(tx.Close),
		)
		consumer := task(func(cx *async.Context) bool {
			for {
				r, ok := rx.Recv().Poll(cx)
				if !ok {
					return false
				}
				if r.Err != nil {
					end = r.Err
					return true
				}
				got = append(got, r.Value)
			}
		})
		runTasks(t, x, producer, consumer)
		if len(got) != n {
			t.Fatalf("received %d values, want %d", len(got), n)
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("value %d is %d: out of order", i, v)
			}
		}
		if !errors.Is(end, ErrClosed) {
			t.Errorf("end of stream = %v; want ErrClosed", end)
		}
		checkIdle(t, rx.c)
	})
}

func TestUnboundedKeepsOrderAcrossGrowth(t *testing.T) {
	tx, rx := Unbounded[int]()
	next, want := 0, 0
	// Interleave sends and receives so that the ring wraps before it grows.
	for round := range 8 {
		for range 3 * (round + 1) * minGrow / 2 {
			if err := tx.Send(next); err != nil {
				t.Fatalf("Send: %v", err)
			}
			next++
		}
		for range round * minGrow / 2 {
			v, err := rx.TryRecv()
			if err != nil || v != want {
				t.Fatalf("TryRecv = %d, %v; want %d", v, err, want)
			}
			want++
		}
	}
	if rx.Len() != next-want {
		t.Fatalf("Len() = %d; want %d", rx.Len(), next-want)
	}
	tx.Close()
	for ; want < next; want++ {
		if v, err := rx.TryRecv(); err != nil || v != want {
			t.Fatalf("TryRecv = %d, %v; want %d", v, err, want)
		}
	}
	if _, err := rx.TryRecv(); !errors.Is(err, ErrClosed) {
		t.Fatalf("TryRecv after the last value = %v; want ErrClosed", err)
	}
}

func TestRingWrapsAndGrows(t *testing.T) {
	r := newRing[int](0)
	var model []int
	for i := range 200 {
		r.push(i)
		model = append(model, i)
		if i%3 == 0 {
			if v := r.pop(); v != model[0] {
				t.Fatalf("pop = %d; want %d", v, model[0])
			}
			model = model[1:]
		}
	}
	var got []int
	for r.n > 0 {
		got = append(got, r.pop())
	}
	if !slices.Equal(got, model) {
		t.Fatalf("ring drained %v; want %v", got, model)
	}
	for i, v := range r.buf {
		if v != 0 {
			t.Fatalf("slot %d still holds %d after pop", i, v)
		}
	}
}

func TestTrySendTryRecv(t *testing.T) {
	tx, rx := New[string](2)
	if _, err := rx.TryRecv(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("TryRecv on an empty channel = %v; want ErrEmpty", err)
	}
	for _, v := range []string{"a", "b"} {
		if err := tx.TrySend(v); err != nil {
			t.Fatalf("TrySend(%q): %v", v, err)
		}
	}
	if err := tx.TrySend("c"); !errors.Is(err, ErrFull) {
		t.Fatalf("TrySend on a full channel = %v; want ErrFull", err)
	}
	if rx.Len() != 2 {
		t.Errorf("Len() = %d; want 2", rx.Len())
	}
	if v, err := rx.TryRecv(); v != "a" || err != nil {
		t.Fatalf("TryRecv = %q, %v; want \"a\", nil", v, err)
	}
	if err := tx.TrySend("c"); err != nil {
		t.Fatalf("TrySend after a receive: %v", err)
	}
	tx.Close()
	for _, want := range []string{"b", "c"} {
		if v, err := rx.TryRecv(); v != want || err != nil {
			t.Fatalf("TryRecv = %q, %v; want %q, nil", v, err, want)
		}
	}
	if _, err := rx.TryRecv(); !errors.Is(err, ErrClosed) {
		t.Fatalf("TryRecv after the senders closed = %v; want ErrClosed", err)
	}
}

func TestNewPanicsOnCapacityZero(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("New(0) did not panic")
		}
	}()
	New[int](0)
}

func TestSendWhilePendingPanics(t *testing.T) {
	tx, rx := New[int](1)
	defer rx.Close()
	tx.TrySend(0)
	cx := handContext(async.NoopWaker())
	if _, ok := tx.Send(1).Poll(cx); ok {
		t.Fatal("Send on a full channel was ready")
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("a second Send while the first is pending did not panic")
		}
		tx.send.Cancel()
		checkIdle(t, tx.c)
	}()
	tx.Send(2) //asynccheck:ignore a second Send while one is in flight must panic
}

func TestPingPong(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const n = 10000
		pp := newPingPong(n)
		ex := newExecutor(t, x)
		got := blockOn(t, ex, async.Future[int](pp))
		if got != n || pp.ping.err != nil {
			t.Fatalf("ping-pong: %d round trips, error %v; want %d", got, pp.ping.err, n)
		}
		if pp.pong.count != n {
			t.Errorf("ponger echoed %d values; want %d", pp.pong.count, n)
		}
		// Stats is the current-thread executor's; the multi-thread one
		// counts its polls per worker in Metrics, published by every
		// worker when BlockOn ends.
		var polls uint64
		switch ex := ex.(type) {
		case *executor.CurrentThread:
			polls = ex.Stats().Polls
		case *executor.MultiThread:
			for _, w := range ex.Metrics().Workers {
				polls += w.Polls
			}
		}
		t.Logf("%d task polls", polls)
		if polls > 2*n+10 {
			t.Errorf("%d task polls for %d round trips; want about 2 per round trip", polls, n)
		}
	})
}

// A task whose channel always has a value gives way after its budget, so
// the other tasks run.
func TestRecvYieldsAfterBudget(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		testRecvYieldsAfterBudget(t, x, !x.Multi)
		if x.Multi {
			// On two workers the other task runs on the second worker
			// whether the consumer gives way or not, and may run after
			// the consumer is done if that worker's goroutine is late to
			// get a CPU: the order shows nothing there. On a single
			// worker it shows what it shows on the current-thread
			// executor: the yield puts the consumer behind the other
			// task in the worker's queue.
			one := rttest.Executor{Name: "one worker", Options: x.With(executor.WithWorkers(1)), Multi: true}
			t.Run(one.Name, func(t *testing.T) { testRecvYieldsAfterBudget(t, one, true) })
		}
	})
}

func testRecvYieldsAfterBudget(t *testing.T, x rttest.Executor, checkOrder bool) {
	const n = 10 * async.Budget
	tx, rx := Unbounded[int]()
	for i := range n {
		tx.Send(i)
	}
	tx.Close()
	// order is appended by two tasks, which the multi-thread executor
	// may poll at once on two workers.
	var mu sync.Mutex
	var order []string
	note := func(s string) {
		mu.Lock()
		order = append(order, s)
		mu.Unlock()
	}
	received := 0
	consumer := task(func(cx *async.Context) bool {
		for {
			r, ok := rx.Recv().Poll(cx)
			if !ok {
				return false
			}
			if r.Err != nil {
				note("consumer done")
				return true
			}
			received++
		}
	})
	other := task(do(func() { note("other ran") }))
	runTasks(t, x, consumer, other)
	if received != n {
		t.Fatalf("received %d; want %d", received, n)
	}
	if consumer.polls < n/async.Budget {
		t.Errorf("consumer polled %d times; want at least %d (one per budget)", consumer.polls, n/async.Budget)
	}
	if checkOrder && !slices.Equal(order, []string{"other ran", "consumer done"}) {
		t.Errorf("order %q: the consumer did not give way", order)
	}
}

func TestErrorText(t *testing.T) {
	for err, want := range map[error]string{
		ErrClosed:       "mpsc: channel closed",
		ErrReceiverGone: "mpsc: receiver gone",
		ErrSenderClosed: "mpsc: send on a closed sender",
		ErrFull:         "mpsc: channel full",
		ErrEmpty:        "mpsc: channel empty",
	} {
		if err.Error() != want {
			t.Errorf("error text %q; want %q", err.Error(), want)
		}
	}
}
