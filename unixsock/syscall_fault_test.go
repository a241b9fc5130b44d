package unixsock

import (
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/internal/rttest"
)

// The tests of this file make single system calls of Unix sockets fail
// through netfd's fault seam (netfd.InjectFaults) and check that the
// runtime retries, backs off or reports, leaks nothing (descriptors here,
// sources and timers in run, goroutines in TestMain), and serves on.

// roundTrip sends msg from a to b and back.
func roundTrip(co *async.Co, a, b *Conn, msg string) error {
	for _, p := range [][2]*Conn{{a, b}, {b, a}} {
		if _, err := async.Await(co, p[0].WriteAll([]byte(msg))).Get(); err != nil {
			return err
		}
		if err := expectRead(co, p[1], msg); err != nil {
			return err
		}
	}
	return nil
}

// TestInjectedConnectEINTR interrupts the connect(2) of a Unix socket,
// which Connect makes through netfd's FD.Control, twice: it is made again
// at once, and the connection works. Then reads, writes and accepts are
// interrupted, and aborted connections skipped, with the same result.
func TestInjectedConnectEINTR(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		path := sockPath(t)
		fs := netfd.InjectFaults(t)
		run(t, x, func(co *async.Co) error {
			l, err := Listen(path)
			if err != nil {
				return err
			}
			defer l.Close() // before run counts the reactor's sources
			fs.Fail(netfd.SysControl, netfd.AnyFD, 2, netfd.Fault{Err: unix.EINTR})
			before := fs.Calls(netfd.SysControl, netfd.AnyFD)
			c, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return fmt.Errorf("Connect with connect(2) interrupted: %w", err)
			}
			defer c.Close()
			if n := fs.Calls(netfd.SysControl, netfd.AnyFD) - before; n != 3 {
				return fmt.Errorf("%d connect calls, want 3: two interrupted, one made", n)
			}
			lfd := l.acc.Sysfd()
			fs.Fail(netfd.SysAccept, lfd, 2, netfd.Fault{Err: unix.EINTR})
			fs.Fail(netfd.SysAccept, lfd, 2, netfd.Fault{Err: unix.ECONNABORTED})
			s, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return fmt.Errorf("Accept after EINTR and ECONNABORTED: %w", err)
			}
			defer s.Close()
			for _, fd := range []int{c.s.Sysfd(), s.s.Sysfd()} {
				fs.Fail(netfd.SysRead, fd, 2, netfd.Fault{Err: unix.EINTR})
				fs.Fail(netfd.SysWrite, fd, 2, netfd.Fault{Err: unix.EINTR})
			}
			if err := roundTrip(co, c, s, "interrupted"); err != nil {
				return err
			}
			if n := fs.Left(netfd.SysAccept) + fs.Left(netfd.SysRead) + fs.Left(netfd.SysWrite); n != 0 {
				return fmt.Errorf("%d faults not met", n)
			}
			return errors.Join(c.Close(), s.Close())
		})
	})
}

// TestInjectedUnixAcceptExhaustion: a Unix listener out of descriptors
// backs off on the paused clock, as a TCP one does, and then accepts.
func TestInjectedUnixAcceptExhaustion(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := Listen(sockPath(t))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		fs := netfd.InjectFaults(t)
		err, runErr := executor.Run(async.Go(func(co *async.Co) error {
			fs.Fail(netfd.SysAccept, l.acc.Sysfd(), 2, netfd.Fault{Err: unix.EMFILE})
			r := co.Context().Reactor()
			c, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return err
			}
			defer c.Close()
			start := r.Now()
			s, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return fmt.Errorf("Accept out of descriptors: %w; want it to back off and succeed", err)
			}
			defer s.Close()
			if d := r.Now().Sub(start); d < 15*time.Millisecond || d > 150*time.Millisecond {
				return fmt.Errorf("the accept waited %v; want the backoff's 5+10 ms", d)
			}
			return roundTrip(co, c, s, "backed off")
		}), x.With(executor.WithPausedClock())...)
		if err := errors.Join(runErr, err); err != nil {
			t.Fatal(err)
		}
	})
}

// TestInjectedUnixWriteFailure: a write refused for want of buffers fails
// with a write error wrapping ENOBUFS, and the connection lives on.
func TestInjectedUnixWriteFailure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		path := sockPath(t)
		fs := netfd.InjectFaults(t)
		run(t, x, func(co *async.Co) error {
			l, err := Listen(path)
			if err != nil {
				return err
			}
			defer l.Close() // before run counts the reactor's sources
			c, s, err := connected(co, l)
			if err != nil {
				return err
			}
			defer c.Close()
			defer s.Close()
			fs.Fail(netfd.SysWrite, c.s.Sysfd(), 1, netfd.Fault{Err: unix.ENOBUFS})
			_, err = async.Await(co, c.WriteAll([]byte("lost"))).Get()
			var oe *net.OpError
			if !errors.Is(err, unix.ENOBUFS) || !errors.As(err, &oe) || oe.Op != "write" {
				return fmt.Errorf("WriteAll with write() failing: %v; want a write error wrapping ENOBUFS", err)
			}
			if err := roundTrip(co, c, s, "afterwards"); err != nil {
				return err
			}
			return errors.Join(c.Close(), s.Close())
		})
	})
}
