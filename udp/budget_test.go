package udp

// The cooperative budget on the one path of a send that fails without a
// system call: a destination the socket cannot reach.

import (
	"net/netip"
	"testing"

	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/testfut"
)

func TestBudgetUnreachableSendGivesWay(t *testing.T) {
	fdcheck.Check(t)
	c, err := Bind("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	for cx.Proceed() {
	}
	f := c.SendTo([]byte("x"), netip.MustParseAddrPort("[::1]:9"))
	if res, ok := f.Poll(cx); ok {
		t.Fatalf("ready with %+v with the budget spent", res)
	}
	if w.Wakes() != 1 {
		t.Fatalf("pending for the budget with %d wakes, want 1", w.Wakes())
	}
	testfut.ResetBudget(cx)
	if res, ok := f.Poll(cx); !ok || res.Err == nil {
		t.Fatalf("an IPv6 destination of an IPv4 socket: %+v, %v; want an error", res, ok)
	}
}
