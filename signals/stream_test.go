//go:build unix

package signals

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
)

// By hand: a pending Recv stores its waker, a signal wakes it once, and
// the next poll takes the signal.
func TestRecvHandPolled(t *testing.T) {
	s := Notify(syscall.SIGUSR1)
	defer s.Stop()
	w := &testfut.Waker{}
	if _, ok := s.Recv().Poll(testfut.NewContext(w)); ok {
		t.Fatal("Recv with nothing pending is ready")
	}
	if !s.waiting() {
		t.Fatal("a pending Recv stored no waker")
	}
	s.deliver(syscall.SIGUSR1)
	s.deliver(syscall.SIGUSR1)
	if w.Wakes() != 1 {
		t.Fatalf("two signals woke the Recv %d times; want 1", w.Wakes())
	}
	r, ok := s.Recv().Poll(testfut.NewContext(w))
	if !ok || r.Err != nil || r.Value != syscall.SIGUSR1 {
		t.Fatalf("Recv = %+v, %v; want SIGUSR1", r, ok)
	}
	if n := s.pendingLen(); n != 0 {
		t.Fatalf("%d signals pending; want 0: the second SIGUSR1 coalesced with the first", n)
	}
}

// Recv takes a unit of the budget first: over budget, it is pending, wakes
// its task, and leaves the signal for the next poll.
func TestRecvTakesBudget(t *testing.T) {
	s := Notify(syscall.SIGUSR1)
	defer s.Stop()
	s.deliver(syscall.SIGUSR1)
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	for cx.Proceed() {
	}
	if _, ok := s.Recv().Poll(cx); ok {
		t.Fatal("Recv over budget is ready")
	}
	if w.Wakes() != 1 || s.pendingLen() != 1 {
		t.Fatalf("over budget: %d wakes, %d pending; want 1, 1", w.Wakes(), s.pendingLen())
	}
	testfut.ResetBudget(cx)
	if r, ok := s.Recv().Poll(cx); !ok || r.Value != syscall.SIGUSR1 {
		t.Fatalf("Recv = %+v, %v; want SIGUSR1", r, ok)
	}
}

// Real signals reach a task: one sent before the Recv, kept for it, and
// one sent while it waits, which wakes it.
func TestRecvReceivesSignals(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		s := Notify(syscall.SIGUSR1, syscall.SIGUSR2)
		defer s.Stop()
		kill(t, syscall.SIGUSR1)
		got := tasktest.RunLive(t, x, async.Go(func(co *async.Co) []os.Signal {
			first := async.Await(co, async.Future[async.Result[os.Signal]](s.Recv()))
			go func() {
				eventually(s.waiting)
				kill(t, syscall.SIGUSR2)
			}()
			second := async.Await(co, async.Future[async.Result[os.Signal]](s.Recv()))
			if first.Err != nil || second.Err != nil {
				t.Errorf("Recv errors: %v, %v", first.Err, second.Err)
			}
			return []os.Signal{first.Value, second.Value}
		}))
		if got[0] != syscall.SIGUSR1 || got[1] != syscall.SIGUSR2 {
			t.Fatalf("received %v; want [SIGUSR1 SIGUSR2]", got)
		}
	})
}

// SIGHUP, which would end the program, is received instead.
func TestRecvSIGHUP(t *testing.T) {
	s := Notify(syscall.SIGHUP)
	defer s.Stop()
	kill(t, syscall.SIGHUP)
	sig, err := s.RecvBlocking() // received before the deferred Stop
	if err != nil || sig != syscall.SIGHUP {
		t.Fatalf("RecvBlocking = %v, %v; want SIGHUP", sig, err)
	}
}

// Stop ends a pending Recv with ErrStopped, and every Recv after it.
func TestStopEndsRecv(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		s := Notify(syscall.SIGUSR1)
		go func() {
			eventually(s.waiting)
			s.Stop()
		}()
		errs := tasktest.RunLive(t, x, async.Go(func(co *async.Co) []error {
			a := async.Await(co, async.Future[async.Result[os.Signal]](s.Recv()))
			b := async.Await(co, async.Future[async.Result[os.Signal]](s.Recv()))
			return []error{a.Err, b.Err}
		}))
		for i, err := range errs {
			if !errors.Is(err, ErrStopped) {
				t.Errorf("Recv %d after Stop = %v; want ErrStopped", i, err)
			}
		}
		checkStopped(t, s)
	})
}

// Stop drops the signals kept, and those delivered after it.
func TestStopDropsPending(t *testing.T) {
	s := Notify(syscall.SIGUSR1)
	s.deliver(syscall.SIGUSR1)
	s.Stop()
	s.deliver(syscall.SIGUSR2)
	if _, err := s.RecvBlocking(); !errors.Is(err, ErrStopped) {
		t.Fatalf("RecvBlocking after Stop = %v; want ErrStopped", err)
	}
	checkStopped(t, s)
}

func TestStopConcurrently(t *testing.T) {
	s := Notify(syscall.SIGUSR1)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(s.Stop)
	}
	wg.Wait()
	checkStopped(t, s)
}

// A plain goroutine receives with RecvBlocking; Stop from another
// goroutine ends its wait.
func TestRecvBlocking(t *testing.T) {
	s := Notify(syscall.SIGUSR2)
	kill(t, syscall.SIGUSR2)
	if sig, err := s.RecvBlocking(); err != nil || sig != syscall.SIGUSR2 {
		t.Fatalf("RecvBlocking = %v, %v; want SIGUSR2", sig, err)
	}
	go func() {
		eventually(s.waiting)
		s.Stop()
	}()
	if _, err := s.RecvBlocking(); !errors.Is(err, ErrStopped) {
		t.Fatalf("RecvBlocking = %v; want ErrStopped", err)
	}
	checkStopped(t, s)
}

// Wait is ready with the first signal, sent before or after its first
// poll, and stops its registration.
func TestWait(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		f := Wait(syscall.SIGUSR1, syscall.SIGUSR2)
		s := f.(*waitFuture).s
		kill(t, syscall.SIGUSR2) // before the first poll: kept
		if sig := tasktest.RunLive(t, x, f); sig != syscall.SIGUSR2 {
			t.Fatalf("Wait = %v; want SIGUSR2", sig)
		}
		checkStopped(t, s)

		f = Wait(syscall.SIGUSR1)
		s = f.(*waitFuture).s
		go func() {
			eventually(s.waiting)
			kill(t, syscall.SIGUSR1)
		}()
		if sig := tasktest.RunLive(t, x, f); sig != syscall.SIGUSR1 {
			t.Fatalf("Wait = %v; want SIGUSR1", sig)
		}
		checkStopped(t, s)
	})
}
