package fdcheck

import (
	"net"
	"os"
	"runtime"
	"testing"
)

// Open returns how many descriptors the process has open, or -1 where
// /proc/self/fd is not there to count them.
func Open() int {
	if runtime.GOOS != "linux" {
		return -1
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// Warm opens, once, what holds descriptors for the life of the process:
// the Go runtime's own network poller, which the first look at /proc or
// the first use of the net package sets up. Call it from TestMain, before
// any test counts.
func Warm() {
	Open()
	if l, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		l.Close()
	}
}

// Check fails t if it ends with more or fewer descriptors open than it
// began with: every socket, listener and event queue must be closed.
func Check(t testing.TB) {
	t.Helper()
	before := Open()
	t.Cleanup(func() {
		if after := Open(); after != before {
			t.Errorf("open descriptors: %d before the test, %d after", before, after)
		}
	})
}
