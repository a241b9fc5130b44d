//go:build linux

package tcp

// This test needs Linux's way with a full accept queue: the handshake of
// a connection past it is dropped, so a connect hangs as to an
// unreachable host. Other kernels refuse or accept it.

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// TestConnectTimeout: a connect that times out names the address, as
// net.Dial does, and leaves no timer or socket behind.
func TestConnectTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		// A listener with a backlog of 0 that nobody accepts from: on Linux
		// its queue holds one connection, and the handshake of the next is
		// dropped, so connecting hangs, as to an unreachable host.
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fd)
		if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			t.Fatal(err)
		}
		if err := unix.Listen(fd, 0); err != nil {
			t.Fatal(err)
		}
		sa, err := unix.Getsockname(fd)
		if err != nil {
			t.Fatal(err)
		}
		addr := fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
		runPaused(t, x, func(co *async.Co) error {
			filler, err := async.Get(co, Connect(addr))
			if err != nil {
				return fmt.Errorf("fill the accept queue of %s: %v", addr, err)
			}
			defer filler.Close()
			c, err := async.Get(co, timer.Timeout(Connect(addr), 2*time.Second))
			if err == nil || !errors.Is(err, timer.ErrTimeout) {
				if c != nil {
					c.Close()
				}
				return fmt.Errorf("connect past a full backlog ended with %v, before the timeout: the kernel did not drop its handshake", err)
			}
			if err := checkOpTimeout(err, "dial tcp "+addr+": i/o timeout"); err != nil {
				return fmt.Errorf("connect to a full backlog: %v", err)
			}
			if n := co.Context().Reactor().Timers(); n != 0 {
				return fmt.Errorf("%d timers armed after the timeout", n)
			}
			filler.Close()
			return noSources(co) // the timed-out connect's socket is gone
		})
	})
}
