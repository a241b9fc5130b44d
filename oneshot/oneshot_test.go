package oneshot

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/park"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

func TestSendThenReceive(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[string]()
		if err := tx.Send("hello"); err != nil {
			t.Fatalf("Send: %v", err)
		}
		r := run(t, x, async.Future[async.Result[string]](rx))
		if r.Value != "hello" || r.Err != nil {
			t.Fatalf("received %q, %v; want \"hello\", nil", r.Value, r.Err)
		}
		if !tx.IsClosed() {
			t.Error("IsClosed() = false after the receiver took the value")
		}
	})
}

func TestReceiverWaitsThenSenderSends(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int]()
		recv := &counted[async.Result[int]]{f: rx}
		// The sender sends once the receiver waits, its waker stored. On
		// the current-thread executor that is so when the sender first
		// runs (the receiver was spawned first); on the multi-thread one
		// the two tasks may run at once on two workers, so the sender
		// yields until it is so: the test is about a receiver that waits
		// before the value comes.
		send := fn(func(cx *async.Context) (error, bool) {
			if tx.state.Load()&rxWaiting == 0 {
				cx.Waker().Wake()
				return nil, false
			}
			return tx.Send(42), true
		})
		p := run(t, x, both[async.Result[int], error](recv, send))
		if p.a.Err != nil || p.a.Value.Value != 42 || p.a.Value.Err != nil {
			t.Fatalf("receiver task = %+v; want 42", p.a)
		}
		if p.b.Err != nil || p.b.Value != nil {
			t.Fatalf("sender task = %+v; want nil error", p.b)
		}
		// Once pending (the sender had not run), once ready: woken exactly
		// when the value came, never polled in vain.
		if recv.polls != 2 {
			t.Errorf("receiver polled %d times, want 2", recv.polls)
		}
	})
}

func TestSenderCloseGivesErrSenderGone(t *testing.T) {
	tx, rx := New[int]()
	w := &countWaker{}
	cx := handContext(w)
	if _, ok := rx.Poll(cx); ok {
		t.Fatal("receiver ready before anything happened")
	}
	tx.Close()
	if w.wakes() != 1 {
		t.Errorf("Close woke the receiver %d times, want 1", w.wakes())
	}
	if rx.rxWaker != nil {
		t.Error("the channel still holds the receiver's waker after Close")
	}
	r, ok := rx.Poll(cx)
	if !ok || !errors.Is(r.Err, ErrSenderGone) {
		t.Fatalf("Poll after Close = %+v, %v; want ErrSenderGone", r, ok)
	}
	if _, err := rx.TryRecv(); !errors.Is(err, ErrSenderGone) {
		t.Errorf("TryRecv after Close = %v; want ErrSenderGone", err)
	}
	if _, err := rx.RecvBlocking(); !errors.Is(err, ErrSenderGone) {
		t.Errorf("RecvBlocking after Close = %v; want ErrSenderGone", err)
	}
	if err := tx.Send(1); !errors.Is(err, ErrSenderUsed) {
		t.Errorf("Send after Close = %v; want ErrSenderUsed", err)
	}
	tx.Close() // a second Close does nothing
	if w.wakes() != 1 {
		t.Errorf("second Close woke the receiver again: %d wakes", w.wakes())
	}
}

func TestReceiverCancel(t *testing.T) {
	tx, rx := New[*int]()
	w := &countWaker{}
	if _, ok := rx.Poll(handContext(w)); ok {
		t.Fatal("receiver ready before anything happened")
	}
	rx.Cancel()
	if rx.rxWaker != nil {
		t.Error("Cancel left the receiver's waker in the channel")
	}
	if !tx.IsClosed() {
		t.Error("IsClosed() = false after Cancel")
	}
	v := 7
	if err := tx.Send(&v); !errors.Is(err, ErrReceiverGone) {
		t.Fatalf("Send after Cancel = %v; want ErrReceiverGone", err)
	}
	if rx.value != nil {
		t.Error("a refused value stayed in the channel")
	}
	if _, err := rx.TryRecv(); !errors.Is(err, ErrReceiverGone) {
		t.Errorf("TryRecv after Cancel = %v; want ErrReceiverGone", err)
	}
	rx.Cancel() // a second Cancel does nothing
	if w.wakes() != 0 {
		t.Errorf("the receiver's waker was called %d times; want never", w.wakes())
	}
}

func TestCancelDropsUnreceivedValue(t *testing.T) {
	tx, rx := New[*int]()
	v := 7
	if err := tx.Send(&v); err != nil {
		t.Fatal(err)
	}
	rx.Cancel()
	if rx.value != nil {
		t.Error("Cancel kept a value nobody will take")
	}
}

func TestSendTwice(t *testing.T) {
	tx, rx := New[int]()
	if err := tx.Send(1); err != nil {
		t.Fatal(err)
	}
	if err := tx.Send(2); !errors.Is(err, ErrSenderUsed) {
		t.Fatalf("second Send = %v; want ErrSenderUsed", err)
	}
	tx.Close() // after Send, does nothing
	if v, err := rx.TryRecv(); v != 1 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 1, nil", v, err)
	}
}

func TestTryRecv(t *testing.T) {
	tx, rx := New[int]()
	if _, err := rx.TryRecv(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("TryRecv on an empty channel = %v; want ErrEmpty", err)
	}
	if err := tx.Send(5); err != nil {
		t.Fatal(err)
	}
	if v, err := rx.TryRecv(); v != 5 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 5, nil", v, err)
	}
	if _, err := rx.TryRecv(); !errors.Is(err, ErrReceiverGone) {
		t.Fatalf("TryRecv after the value was taken = %v; want ErrReceiverGone", err)
	}
}

func TestRepollWithAnotherWaker(t *testing.T) {
	tx, rx := New[int]()
	w1, w2 := &countWaker{}, &countWaker{}
	rx.Poll(handContext(w1))
	rx.Poll(handContext(w2))
	if err := tx.Send(3); err != nil {
		t.Fatal(err)
	}
	if w1.wakes() != 0 || w2.wakes() != 1 {
		t.Errorf("wakes: old waker %d, new waker %d; want 0, 1", w1.wakes(), w2.wakes())
	}
}

func TestGoroutineSendsIntoTask(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int]()
		var wg sync.WaitGroup
		defer wg.Wait()
		wg.Go(func() {
			time.Sleep(time.Millisecond) // let the task wait first, usually
			if err := tx.Send(9); err != nil {
				t.Errorf("Send: %v", err)
			}
		})
		r := run(t, x, async.Future[async.Result[int]](rx))
		if r.Value != 9 || r.Err != nil {
			t.Fatalf("received %d, %v; want 9, nil", r.Value, r.Err)
		}
	})
}

func TestTaskSendsToGoroutine(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int]()
		got := make(chan int, 1)
		go func() {
			v, err := rx.RecvBlocking()
			if err != nil {
				t.Errorf("RecvBlocking: %v", err)
			}
			got <- v
		}()
		sender := async.Future[struct{}](&sleepThen{d: time.Millisecond, then: func() {
			if err := tx.Send(11); err != nil {
				t.Errorf("Send: %v", err)
			}
		}})
		run(t, x, sender)
		if v := <-got; v != 11 {
			t.Fatalf("RecvBlocking = %d; want 11", v)
		}
	})
}

// sleepThen sleeps, then calls then.
type sleepThen struct {
	d     time.Duration
	sleep *timer.Timer
	then  func()
}

func (s *sleepThen) Poll(cx *async.Context) (struct{}, bool) {
	if s.sleep == nil {
		s.sleep = timer.Sleep(s.d)
	}
	if _, ok := s.sleep.Poll(cx); !ok {
		return struct{}{}, false
	}
	s.then()
	return struct{}{}, true
}

func (s *sleepThen) Cancel() {
	if s.sleep != nil {
		s.sleep.Cancel()
	}
}

func TestWaitBeforeAndAfterClose(t *testing.T) {
	tx, rx := New[int]()
	done := make(chan error, 1)
	go func() {
		_, err := rx.RecvBlocking()
		done <- err
	}()
	time.Sleep(time.Millisecond)
	tx.Close()
	if err := <-done; !errors.Is(err, ErrSenderGone) {
		t.Fatalf("RecvBlocking = %v; want ErrSenderGone", err)
	}
}

func TestClosedFutureWokenByCancel(t *testing.T) {
	tx, rx := New[int]()
	w := &countWaker{}
	cx := handContext(w)
	closed := tx.Closed()
	if _, ok := closed.Poll(cx); ok {
		t.Fatal("Closed ready while the receiver is there")
	}
	if _, ok := closed.Poll(cx); ok { // a spurious poll re-registers
		t.Fatal("Closed ready while the receiver is there")
	}
	rx.Cancel()
	if w.wakes() != 1 {
		t.Errorf("Cancel woke the Closed future %d times, want 1", w.wakes())
	}
	if rx.txWaker != nil {
		t.Error("the channel still holds the Closed future's waker")
	}
	if _, ok := closed.Poll(cx); !ok {
		t.Error("Closed not ready after the receiver's Cancel")
	}
}

func TestClosedFutureWokenWhenValueTaken(t *testing.T) {
	tx, rx := New[int]()
	w := &countWaker{}
	closed := tx.Closed()
	closed.Poll(handContext(w))
	if err := tx.Send(1); err != nil {
		t.Fatal(err)
	}
	if w.wakes() != 0 {
		t.Error("Send woke the Closed future: the receiver is still there")
	}
	if _, err := rx.TryRecv(); err != nil {
		t.Fatal(err)
	}
	if w.wakes() != 1 {
		t.Errorf("taking the value woke the Closed future %d times, want 1", w.wakes())
	}
}

func TestClosedFutureCancelReleasesWaker(t *testing.T) {
	tx, rx := New[int]()
	w := &countWaker{}
	closed := tx.Closed()
	closed.Poll(handContext(w))
	closed.Cancel()
	if rx.txWaker != nil {
		t.Error("Cancel left the Closed future's waker in the channel")
	}
	rx.Cancel()
	if w.wakes() != 0 {
		t.Errorf("a cancelled Closed future was woken %d times", w.wakes())
	}
}

// A receiver that loses a timeout is cancelled: the sender sees that, and
// no timer or waker is left behind.
func TestTimeoutCancelsReceiver(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tx, rx := New[int]()
		ex := x.New(t, executor.WithPausedClock())
		r, err := executor.BlockOn(ex, timer.Timeout(rx, time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(r.Err, timer.ErrTimeout) {
			t.Fatalf("Timeout(rx) = %+v; want ErrTimeout", r)
		}
		if n := ex.Reactor().Timers(); n != 0 {
			t.Errorf("%d timers left armed", n)
		}
		if rx.rxWaker != nil {
			t.Error("the timed-out receiver's waker is still in the channel")
		}
		if err := tx.Send(1); !errors.Is(err, ErrReceiverGone) {
			t.Errorf("Send after the receiver timed out = %v; want ErrReceiverGone", err)
		}
	})
}

// Send and a polling receiver on two goroutines: the value always arrives
// and the last waker stored is always woken.
func TestRaceSendAndPoll(t *testing.T) {
	for range 2000 {
		tx, rx := New[int]()
		var wg sync.WaitGroup
		wg.Go(func() {
			if err := tx.Send(1); err != nil {
				t.Errorf("Send: %v", err)
			}
		})
		v, err := rx.RecvBlocking()
		wg.Wait()
		if v != 1 || err != nil {
			t.Fatalf("RecvBlocking = %d, %v; want 1, nil", v, err)
		}
	}
}

// Send against Cancel on two goroutines: exactly one outcome, consistent
// on both sides, and nothing left in the channel.
func TestRaceSendAndCancel(t *testing.T) {
	for range 2000 {
		tx, rx := New[*int]()
		w := &countWaker{}
		rx.Poll(handContext(w))
		var wg sync.WaitGroup
		var sendErr error
		v := 1
		wg.Go(func() { sendErr = tx.Send(&v) })
		rx.Cancel()
		wg.Wait()
		if sendErr != nil && !errors.Is(sendErr, ErrReceiverGone) {
			t.Fatalf("Send = %v; want nil or ErrReceiverGone", sendErr)
		}
		if rx.value != nil {
			t.Fatal("a value stayed in a channel whose receiver is gone")
		}
		if rx.rxWaker != nil {
			t.Fatal("the receiver's waker stayed in the channel")
		}
	}
}

// Close against Closed on two goroutines: a Closed future that stored its
// waker is woken.
func TestRaceCancelAndClosed(t *testing.T) {
	for range 2000 {
		tx, rx := New[int]()
		var wg sync.WaitGroup
		wg.Go(rx.Cancel)
		w := park.New()
		closed := tx.Closed()
		cx := handContext(w)
		for {
			if _, ok := closed.Poll(cx); ok {
				break
			}
			w.Wait()
		}
		wg.Wait()
	}
}

func TestNewAllocatesOnce(t *testing.T) {
	var keep *Receiver[int] // so the channel escapes, as a real one does
	allocs := testing.AllocsPerRun(100, func() {
		tx, rx := New[int]()
		tx.Send(1)
		rx.TryRecv()
		keep = rx
	})
	_ = keep
	if allocs != 1 {
		t.Errorf("New+Send+TryRecv allocated %v times, want 1", allocs)
	}
	tx, rx := New[int]()
	cx := handContext(async.NoopWaker())
	allocs = testing.AllocsPerRun(100, func() {
		rx.Poll(cx)
		tx.Closed().Poll(cx)
	})
	if allocs != 0 {
		t.Errorf("polling allocated %v times, want 0", allocs)
	}
}

func TestStateString(t *testing.T) {
	tests := []struct {
		s    uint32
		want string
	}{
		{0, "EMPTY"},
		{rxWaiting, "RX_WAITING"},
		{valueSent | txDone, "VALUE_SENT|TX_DONE"},
		{rxWaiting | txWaiting | valueSent | txDone | rxDone, "RX_WAITING|TX_WAITING|VALUE_SENT|TX_DONE|RX_DONE"},
	}
	for _, tt := range tests {
		if got := stateString(tt.s); got != tt.want {
			t.Errorf("stateString(%#x) = %q; want %q", tt.s, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	for err, want := range map[error]string{
		ErrSenderGone:   "oneshot: sender closed without sending",
		ErrReceiverGone: "oneshot: receiver gone",
		ErrEmpty:        "oneshot: no value sent yet",
		ErrSenderUsed:   "oneshot: sender already sent or closed",
	} {
		if err.Error() != want {
			t.Errorf("error text %q; want %q", err.Error(), want)
		}
	}
}
