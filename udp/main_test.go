package udp

import (
	"net"
	"net/netip"
	"testing"

	"go.uber.org/goleak"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
)

func TestMain(m *testing.M) {
	fdcheck.Warm() // before any test counts descriptors
	goleak.VerifyTestMain(m)
}

// run runs fn as the main coroutine of a new executor and fails t with
// what it returns. It then checks that fn closed what it opened: no
// source left in the reactor and no timer armed.
func run(t *testing.T, x rttest.Executor, fn func(co *async.Co) error) {
	t.Helper()
	ex := x.New(t)
	err, runErr := executor.BlockOn(ex, async.Go(fn))
	sources, timers := ex.Reactor().Sources(), ex.Reactor().Timers()
	if cerr := ex.Close(); cerr != nil {
		t.Errorf("closing the executor: %v", cerr)
	}
	if runErr != nil {
		t.Fatalf("executor: %v", runErr)
	}
	if err != nil {
		t.Fatal(err)
	}
	if sources != 0 || timers != 0 {
		t.Errorf("the reactor holds %d sources and %d timers after the test; want none", sources, timers)
	}
}

// bind binds a socket to addr and fails t if it cannot.
func bind(t *testing.T, addr string) *Conn {
	t.Helper()
	c, err := Bind(addr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// addrOf returns the address c is bound to.
func addrOf(c *Conn) netip.AddrPort {
	a, _ := c.LocalAddr().(*net.UDPAddr)
	if a == nil {
		return netip.AddrPort{}
	}
	return a.AddrPort()
}

// closeAll closes each Conn; tests defer it inside the coroutine, so that
// run sees the sources gone.
func closeAll(cs ...*Conn) {
	for _, c := range cs {
		c.Close()
	}
}
