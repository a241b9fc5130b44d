//go:build unix

package signals

import (
	"os"
	"syscall"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
)

// The cancellation-safety table of the package doc, row by row: each
// operation is cancelled the three ways (lost in a Select, timed out,
// aborted) on both executors, and each test proves what it gave up and
// what it kept.

// A Recv given up drops its waker and takes nothing: a signal that
// arrives afterwards is there for the next Recv.
func testCancelSafetyRecv(t *testing.T, cancelIt tasktest.Way[async.Result[os.Signal]]) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		s := Notify(syscall.SIGUSR1)
		defer s.Stop()
		cancelIt(t, x, s.Recv(), s.waiting)
		if s.waiting() {
			t.Fatal("the cancelled Recv left its waker in the stream")
		}
		kill(t, syscall.SIGUSR1)
		r := tasktest.RunLive(t, x, async.Future[async.Result[os.Signal]](s.Recv()))
		if r.Err != nil || r.Value != syscall.SIGUSR1 {
			t.Fatalf("Recv after a cancelled Recv = %+v; want SIGUSR1", r)
		}
	})
}

func TestCancelSafetyRecvSelect(t *testing.T) {
	testCancelSafetyRecv(t, tasktest.LostInSelect[async.Result[os.Signal]])
}

func TestCancelSafetyRecvTimeout(t *testing.T) {
	testCancelSafetyRecv(t, tasktest.TimedOut[async.Result[os.Signal]])
}

func TestCancelSafetyRecvAbort(t *testing.T) {
	testCancelSafetyRecv(t, tasktest.Aborted[async.Result[os.Signal]])
}

// A Recv woken by a signal and cancelled before it polled again (its
// Select was won by another branch in the same poll) loses no signal:
// the one that woke it is still there.
func TestCancelSafetyRecvWoken(t *testing.T) {
	s := Notify(syscall.SIGUSR1)
	defer s.Stop()
	w := &testfut.Waker{}
	if _, ok := s.Recv().Poll(testfut.NewContext(w)); ok {
		t.Fatal("Recv with nothing pending is ready")
	}
	kill(t, syscall.SIGUSR1)
	eventually(func() bool { return w.Wakes() > 0 })
	s.Recv().Cancel()
	if r, ok := s.Recv().Poll(testfut.NewContext(w)); !ok || r.Value != syscall.SIGUSR1 {
		t.Fatalf("Recv after a woken Recv was cancelled = %+v, %v; want SIGUSR1", r, ok)
	}
}

// A Wait given up stops its registration and ends its goroutine.
func testCancelSafetyWait(t *testing.T, cancelIt tasktest.Way[os.Signal]) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		f := Wait(syscall.SIGUSR1)
		s := f.(*waitFuture).s
		cancelIt(t, x, f, s.waiting)
		checkStopped(t, s)
	})
}

func TestCancelSafetyWaitSelect(t *testing.T) {
	testCancelSafetyWait(t, tasktest.LostInSelect[os.Signal])
}

func TestCancelSafetyWaitTimeout(t *testing.T) {
	testCancelSafetyWait(t, tasktest.TimedOut[os.Signal])
}

func TestCancelSafetyWaitAbort(t *testing.T) {
	testCancelSafetyWait(t, tasktest.Aborted[os.Signal])
}
