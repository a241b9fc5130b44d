package poll_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/poll"
	"github.com/asyncgo/async/tcp"
)

// The tests of this file fail the Poller's registrations under a whole
// runtime: TCP sockets on an executor, whose reactor registers each
// socket the first time an operation on it has to wait. This package's
// tests are the only ones that can reach its fault seam, and being
// poll_test they may import the layers above; the reactor and tcp are
// then compiled against this package with the seam in.

// checkRuntimeLeaks fails t if it ends with more descriptors or
// goroutines than it began with.
func checkRuntimeLeaks(t *testing.T) {
	t.Helper()
	fdcheck.Warm()
	opts := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opts) })
	fdcheck.Check(t)
}

// runTask runs fn as the main coroutine of a new executor.
func runTask(t *testing.T, fn func(co *async.Co) error) {
	t.Helper()
	err, runErr := executor.Run(async.Go(fn))
	if err := errors.Join(runErr, err); err != nil {
		t.Fatal(err)
	}
}

// wantFault checks that err wraps errno and names op and the change.
func wantFault(err error, errno unix.Errno, op, change string) error {
	if !errors.Is(err, errno) || !strings.Contains(err.Error(), op) || !strings.Contains(err.Error(), change) {
		return fmt.Errorf("%s with %s failing: %v; want an error naming %s and %s, wrapping %v", op, change, err, op, change, errno)
	}
	return nil
}

// TestRegisterFaultInRuntime fails the registration of a connecting
// socket, of a listener and of an accepted connection, with ENOMEM and
// ENOSPC. Each operation fails with an error that names it and the
// registration; the reactor keeps no source for it; the connecting
// socket is closed; and the listener and the connection, which their
// owner keeps, register on the next try and work.
func TestRegisterFaultInRuntime(t *testing.T) {
	for _, errno := range []unix.Errno{unix.ENOMEM, unix.ENOSPC} {
		t.Run(errno.Error(), func(t *testing.T) {
			checkRuntimeLeaks(t)
			fs := poll.InjectFaults(t)
			runTask(t, func(co *async.Co) error {
				r := co.Context().Reactor()
				l, err := tcp.Listen("127.0.0.1:0")
				if err != nil {
					return err
				}
				defer l.Close()
				addr := l.Addr().String()

				fs.FailCtl("register", 0, 1, errno)
				if _, err := async.Await(co, tcp.Connect(addr)).Get(); wantFault(err, errno, "dial", "register") != nil {
					return wantFault(err, errno, "dial", "register")
				}
				if n := r.Sources(); n != 0 {
					return fmt.Errorf("%d sources after a failed registration", n)
				}
				c, err := async.Await(co, tcp.Connect(addr)).Get()
				if err != nil {
					return fmt.Errorf("Connect after the fault: %w", err)
				}
				defer c.Close()

				fs.FailCtl("register", 0, 1, errno)
				if _, err := async.Await(co, l.Accept()).Get(); wantFault(err, errno, "accept", "register") != nil {
					return wantFault(err, errno, "accept", "register")
				}
				if n := r.Sources(); n != 1 { // the client's
					return fmt.Errorf("%d sources after the listener's failed registration, want 1", n)
				}
				// The handshake of the Connect that failed was over before
				// its registration failed, so its connection is first in
				// the queue: its end of stream shows that the failed
				// Connect closed its socket.
				orphan, err := async.Await(co, l.Accept()).Get()
				if err != nil {
					return fmt.Errorf("Accept after the fault: %w", err)
				}
				if _, err := async.Await(co, orphan.Read(make([]byte, 1))).Get(); err != io.EOF {
					orphan.Close()
					return fmt.Errorf("the connection of the failed Connect read %v; want end of stream", err)
				}
				if err := orphan.Close(); err != nil {
					return err
				}
				s, err := async.Await(co, l.Accept()).Get()
				if err != nil {
					return err
				}
				defer s.Close()

				if _, err := async.Await(co, c.WriteAll([]byte("hi"))).Get(); err != nil {
					return err
				}
				fs.FailCtl("register", 0, 1, errno)
				buf := make([]byte, 8)
				if _, err := async.Await(co, s.Read(buf)).Get(); wantFault(err, errno, "read", "register") != nil {
					return wantFault(err, errno, "read", "register")
				}
				if n, err := async.Await(co, s.Read(buf)).Get(); err != nil || string(buf[:n]) != "hi" {
					return fmt.Errorf("Read after the fault: %q, %v; want \"hi\"", buf[:n], err)
				}
				if n := r.Sources(); n != 3 {
					return fmt.Errorf("%d sources with a listener and two connections registered, want 3", n)
				}
				errs := errors.Join(c.Close(), s.Close(), l.Close())
				if n := r.Sources(); n != 0 {
					errs = errors.Join(errs, fmt.Errorf("%d sources after closing everything", n))
				}
				return errs
			})
		})
	}
}

// TestDeregisterFaultInRuntime fails the deregistration of a connection
// as it closes. Close reports the error, naming the close and the
// deregistration, and still closes the descriptor (the peer sees end of
// stream) and frees the reactor's slot; the runtime goes on serving.
func TestDeregisterFaultInRuntime(t *testing.T) {
	checkRuntimeLeaks(t)
	fs := poll.InjectFaults(t)
	runTask(t, func(co *async.Co) error {
		r := co.Context().Reactor()
		l, err := tcp.Listen("127.0.0.1:0")
		if err != nil {
			return err
		}
		defer l.Close()
		for round := range 2 { // the second round is the runtime serving afterwards
			c, err := async.Await(co, tcp.Connect(l.Addr().String())).Get()
			if err != nil {
				return err
			}
			s, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				c.Close()
				return err
			}
			if _, err := async.Await(co, s.WriteAll([]byte("x"))).Get(); err != nil {
				return err
			}
			if _, err := async.Await(co, c.Read(make([]byte, 1))).Get(); err != nil {
				return err
			}
			n := r.Sources()
			if round == 0 {
				fs.FailCtl("deregister", 0, 1, unix.ENOMEM)
				if err := wantFault(c.Close(), unix.ENOMEM, "close", "deregister"); err != nil {
					return err
				}
			} else if err := c.Close(); err != nil {
				return err
			}
			if m := r.Sources(); m != n-1 {
				return fmt.Errorf("round %d: %d sources after closing one of %d", round, m, n)
			}
			if _, err := async.Await(co, s.Read(make([]byte, 1))).Get(); err != io.EOF {
				return fmt.Errorf("round %d: the peer read %v after the close; want end of stream", round, err)
			}
			if err := s.Close(); err != nil {
				return err
			}
		}
		if err := l.Close(); err != nil {
			return err
		}
		if n := r.Sources(); n != 0 {
			return fmt.Errorf("%d sources after closing everything", n)
		}
		return nil
	})
}
