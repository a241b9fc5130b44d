package tcp

// The cooperative budget on the paths that are ready without a system
// call made through netfd.PollIO: an address that fails at once, a
// WriteVectored of nothing or on a closed connection.

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
)

func TestBudgetReadyWithoutCallGivesWay(t *testing.T) {
	checkLeaks(t)
	r, err := reactor.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[1])
	oc := newConn(fds[0])
	defer oc.Close()
	_, open := oc.Split()
	dup, err := unix.Dup(fds[1])
	if err != nil {
		t.Fatal(err)
	}
	shut := newConn(dup)
	_, closed := shut.Split()
	shut.Close()
	for _, tc := range []struct {
		name    string
		f       func() async.Future[error]
		wantErr bool
	}{
		{"Connect to an address without a port", func() async.Future[error] { return errOf(Connect("127.0.0.1")) }, true},
		{"WriteVectored of nothing", func() async.Future[error] { return errOf(open.WriteVectored(nil)) }, false},
		{"WriteVectored of empty buffers", func() async.Future[error] { return errOf(open.WriteVectored([][]byte{{}, nil})) }, false},
		{"WriteVectored on a closed connection", func() async.Future[error] { return errOf(closed.WriteVectored([][]byte{[]byte("x")})) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &testfut.Waker{}
			cx := testfut.ReactorContext(w, r)
			for cx.Proceed() {
			}
			f := tc.f()
			if err, ok := f.Poll(cx); ok {
				t.Fatalf("ready with %v with the budget spent", err)
			}
			if w.Wakes() != 1 {
				t.Fatalf("pending for the budget with %d wakes, want 1", w.Wakes())
			}
			testfut.ResetBudget(cx)
			if err, ok := f.Poll(cx); !ok || (err != nil) != tc.wantErr {
				t.Fatalf("with a new budget: %v, %v; want an error: %v", err, ok, tc.wantErr)
			}
		})
	}
}

// errOf is the error of a future's result.
func errOf[T any](f async.Future[async.Result[T]]) async.Future[error] {
	return async.Map(f, func(r async.Result[T]) error { return r.Err })
}
