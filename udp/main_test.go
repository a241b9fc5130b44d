package udp

import (
	"net"
	"net/netip"
	"os"
	"runtime"
	"testing"

	"go.uber.org/goleak"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
)

func TestMain(m *testing.M) {
	// The first look at /proc may set up the Go runtime's own poller, which
	// holds descriptors for the life of the process: do it before any test
	// counts.
	openFDs()
	goleak.VerifyTestMain(m)
}

// openFDs counts the process's open descriptors, or -1 where /proc is not
// there to count them.
func openFDs() int {
	if runtime.GOOS != "linux" {
		return -1
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// checkFDs fails t if it ends with more or fewer descriptors open than it
// began with: every socket must be closed.
func checkFDs(t *testing.T) {
	t.Helper()
	before := openFDs()
	t.Cleanup(func() {
		if after := openFDs(); after != before {
			t.Errorf("open descriptors: %d before the test, %d after", before, after)
		}
	})
}

// run runs fn as the main coroutine of a new executor and fails t with
// what it returns. It then checks that fn closed what it opened: no
// source left in the reactor and no timer armed.
func run(t *testing.T, fn func(co *async.Co) error) {
	t.Helper()
	ex, err := executor.NewCurrentThread()
	if err != nil {
		t.Fatal(err)
	}
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
