package netfd

// The cooperative budget on the paths that are ready without a system
// call, and so without PollIO: empty buffers and sockets already closed.
// A loop that retries a failing operation must still give way.

import (
	"errors"
	"net"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/task"
)

func TestBudgetReadyWithoutCallGivesWay(t *testing.T) {
	r, err := reactor.New(nil)
	if err != nil {
		t.Fatalf("reactor.New: %v", err)
	}
	defer r.Close()
	open, _ := streamPair(t)
	closed, _ := streamPair(t)
	closed.Close()
	packet, _ := faultPackets(t)
	packet.Close()
	acceptor := newAcceptor(t, &fakeAccept{})
	acceptor.Close()
	for _, tc := range []struct {
		name    string
		f       func() async.Future[error]
		wantErr error
	}{
		{"Read of nothing", func() async.Future[error] { return errOf(open.Read(nil)) }, nil},
		{"Write of nothing", func() async.Future[error] { return errOf(open.Write(nil)) }, nil},
		{"WriteAll of nothing", func() async.Future[error] { return errOf(open.WriteAll(nil)) }, nil},
		{"Read of a closed stream", func() async.Future[error] { return errOf(closed.Read(make([]byte, 8))) }, net.ErrClosed},
		{"Write to a closed stream", func() async.Future[error] { return errOf(closed.Write([]byte("x"))) }, net.ErrClosed},
		{"Recv on a closed packet socket", func() async.Future[error] { return errOf(packet.Recv(make([]byte, 8))) }, net.ErrClosed},
		{"Send on a closed packet socket", func() async.Future[error] { return errOf(packet.Send([]byte("x"))) }, net.ErrClosed},
		{"Accept on a closed acceptor", func() async.Future[error] { return errOf(acceptor.Accept()) }, net.ErrClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &countWaker{}
			cx := testfut.ReactorContext(w, r)
			for cx.Proceed() {
			}
			f := tc.f()
			if err, ok := f.Poll(cx); ok {
				t.Fatalf("ready with %v with the budget spent", err)
			}
			if !w.take() {
				t.Fatal("pending for the budget without waking the task")
			}
			testfut.ResetBudget(cx)
			err, ok := f.Poll(cx)
			if !ok || !errors.Is(err, tc.wantErr) {
				t.Fatalf("with a new budget: %v, %v; want %v", err, ok, tc.wantErr)
			}
			if left := (*task.Context)(cx).Remaining(); left != async.Budget-1 {
				t.Fatalf("%d units left, want %d", left, async.Budget-1)
			}
		})
	}
}

// errOf is the error of a future's result.
func errOf[T any](f async.Future[async.Result[T]]) async.Future[error] {
	return async.Map(f, func(r async.Result[T]) error { return r.Err })
}
