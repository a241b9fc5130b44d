package unixsock

// The cooperative budget on the paths that complete without netfd.PollIO:
// a Connect, which a listener with room takes at once, and a SendTo whose
// path is no socket path.

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

func TestBudgetReadyWithoutPollIOGivesWay(t *testing.T) {
	path := sockPath(t)
	l, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	pc, peer, err := PacketPair()
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	defer peer.Close()
	for _, tc := range []struct {
		name    string
		f       async.Future[error]
		wantErr bool
	}{
		{"Connect to a listener", connectAndClose(path), false},
		{"Connect to nothing", connectAndClose(path + "-nothing"), true},
		{"SendTo an empty path", errOf(pc.SendTo([]byte("x"), "")), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &testfut.Waker{}
			cx := testfut.NewContext(w)
			for cx.Proceed() {
			}
			if err, ok := tc.f.Poll(cx); ok {
				t.Fatalf("ready with %v with the budget spent", err)
			}
			if w.Wakes() != 1 {
				t.Fatalf("pending for the budget with %d wakes, want 1", w.Wakes())
			}
			testfut.ResetBudget(cx)
			if err, ok := tc.f.Poll(cx); !ok || (err != nil) != tc.wantErr {
				t.Fatalf("with a new budget: %v, %v; want an error: %v", err, ok, tc.wantErr)
			}
		})
	}
}

// connectAndClose is Connect's error; a connection it makes is closed.
func connectAndClose(path string) async.Future[error] {
	return async.Map(Connect(path), func(r async.Result[*Conn]) error {
		if r.Value != nil {
			r.Value.Close()
		}
		return r.Err
	})
}

// errOf is the error of a future's result.
func errOf[T any](f async.Future[async.Result[T]]) async.Future[error] {
	return async.Map(f, func(r async.Result[T]) error { return r.Err })
}
