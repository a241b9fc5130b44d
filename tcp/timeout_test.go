package tcp

// Tests of timer.Timeout around the socket futures: the error of a
// timeout names the operation and its addresses, as the net package's do.

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// runPaused is run on an executor with a paused clock: a timeout runs out
// as soon as every task waits, and the tests take no real time.
func runPaused(t *testing.T, x rttest.Executor, fn func(co *async.Co) error) {
	t.Helper()
	err, runErr := executor.Run(async.Go(fn), x.With(executor.WithPausedClock())...)
	if runErr != nil {
		t.Fatalf("executor: %v", runErr)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// checkOpTimeout checks that err is the timeout of an operation: it reads
// want, is a *net.OpError and a net.Error whose Timeout is true, and is
// both os.ErrDeadlineExceeded and timer.ErrTimeout for errors.Is.
func checkOpTimeout(err error, want string) error {
	var oe *net.OpError
	var ne net.Error
	switch {
	case err == nil:
		return fmt.Errorf("no error; want %q", want)
	case err.Error() != want:
		return fmt.Errorf("error %q; want %q", err, want)
	case !errors.As(err, &oe):
		return fmt.Errorf("error %q is a %T, not a *net.OpError", err, err)
	case !errors.As(err, &ne) || !ne.Timeout():
		return fmt.Errorf("error %q is not a net.Error with Timeout() true", err)
	case !errors.Is(err, os.ErrDeadlineExceeded) || !errors.Is(err, timer.ErrTimeout):
		return fmt.Errorf("error %q is not os.ErrDeadlineExceeded and timer.ErrTimeout for errors.Is", err)
	}
	return nil
}

// TestConnectTimeoutDuringLookup: a connect that times out while its name
// is looked up says so, as net.Dial does.
func TestConnectTimeoutDuringLookup(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		runPaused(t, x, func(co *async.Co) error {
			silent := func(string) async.Future[async.Result[[]netip.AddrPort]] {
				return async.Pending[async.Result[[]netip.AddrPort]]()
			}
			f := &connectFuture{addr: "db.example.test:5432", lookup: silent}
			_, err := async.Get(co, timer.Timeout[*Conn](f, time.Second))
			return checkOpTimeout(err, "dial tcp: lookup db.example.test: i/o timeout")
		})
	})
}

// TestReadWriteTimeout: a read with no data and a write to a peer that
// does not read time out with errors that name the operation and both
// ends; the connection is still usable afterwards.
func TestReadWriteTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		runPaused(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			defer c.Close()
			ends := c.LocalAddr().String() + "->" + c.RemoteAddr().String()

			_, err = async.Get(co, timer.Timeout(c.Read(make([]byte, 64)), time.Second))
			if err := checkOpTimeout(err, "read tcp "+ends+": i/o timeout"); err != nil {
				return fmt.Errorf("read with no data: %v", err)
			}

			// Small buffers, and more than they hold: the write must wait.
			if err := c.SetWriteBuffer(4 << 10); err != nil {
				return err
			}
			if err := s.SetReadBuffer(4 << 10); err != nil {
				return err
			}
			_, err = async.Get(co, timer.Timeout(c.WriteAll(make([]byte, 8<<20)), time.Second))
			if err := checkOpTimeout(err, "write tcp "+ends+": i/o timeout"); err != nil {
				return fmt.Errorf("write to a peer that does not read: %v", err)
			}

			// The connection still works: the next read gets what is sent.
			if _, err := async.Get(co, s.WriteAll([]byte("late"))); err != nil {
				return err
			}
			buf := make([]byte, 4)
			if _, err := async.Get(co, timer.Timeout(c.Read(buf), time.Minute)); err != nil || string(buf) != "late" {
				return fmt.Errorf("read after a timed-out read: %q, %v; want \"late\"", buf, err)
			}
			return nil
		})
	})
}

// TestAcceptTimeout: an accept with nobody connecting names the listener.
func TestAcceptTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		runPaused(t, x, func(co *async.Co) error {
			l, err := Listen("127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			_, err = async.Get(co, timer.Timeout(l.Accept(), time.Second))
			return checkOpTimeout(err, "accept tcp "+l.Addr().String()+": i/o timeout")
		})
	})
}
