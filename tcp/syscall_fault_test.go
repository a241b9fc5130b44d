package tcp

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/internal/rttest"
)

// The tests of this file make single system calls fail through netfd's
// fault seam (netfd.InjectFaults) while a real server and client run on
// an executor, and check that the runtime retries, waits, backs off or
// reports, as each fault calls for; that nothing is left behind (the
// descriptor count, the reactor's sources, and goroutines, which TestMain
// checks); and that the runtime serves normally afterwards.

// echoOnce checks that c and s still carry data both ways.
func echoOnce(co *async.Co, c, s *Conn, msg string) error {
	if _, err := async.Await(co, c.WriteAll([]byte(msg))).Get(); err != nil {
		return fmt.Errorf("client write: %w", err)
	}
	if err := readExactly(co, s, msg); err != nil {
		return fmt.Errorf("server: %w", err)
	}
	if _, err := async.Await(co, s.WriteAll([]byte(msg))).Get(); err != nil {
		return fmt.Errorf("server write: %w", err)
	}
	if err := readExactly(co, c, msg); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}

// readExactly reads len(want) bytes from c and compares them with want.
func readExactly(co *async.Co, c *Conn, want string) error {
	got := make([]byte, len(want))
	for n := 0; n < len(got); {
		m, err := async.Await(co, c.Read(got[n:])).Get()
		if err != nil {
			return fmt.Errorf("read %d of %d bytes: %w", n, len(got), err)
		}
		n += m
	}
	if string(got) != want {
		return fmt.Errorf("read %q, want %q", got, want)
	}
	return nil
}

// closeAll closes the connections and the listener, then checks that the
// reactor of co holds no source.
func closeAll(co *async.Co, l *Listener, conns ...*Conn) error {
	var errs []error
	for _, c := range conns {
		errs = append(errs, c.Close())
	}
	errs = append(errs, l.Close(), noSources(co))
	return errors.Join(errs...)
}

// TestInjectedEINTR interrupts reads, writes and accepts three times
// each: every call is retried at once, and the caller never sees EINTR.
func TestInjectedEINTR(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		fs := netfd.InjectFaults(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			for _, fd := range []int{c.s.Sysfd(), s.s.Sysfd()} {
				fs.Fail(netfd.SysRead, fd, 3, netfd.Fault{Err: unix.EINTR})
				fs.Fail(netfd.SysWrite, fd, 3, netfd.Fault{Err: unix.EINTR})
			}
			if err := echoOnce(co, c, s, "interrupted"); err != nil {
				return err
			}
			fs.Fail(netfd.SysAccept, l.acc.Sysfd(), 3, netfd.Fault{Err: unix.EINTR})
			c2, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return err
			}
			s2, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return fmt.Errorf("accept after EINTR: %w", err)
			}
			if n := fs.Left(netfd.SysRead) + fs.Left(netfd.SysWrite) + fs.Left(netfd.SysAccept); n != 0 {
				return fmt.Errorf("%d interruptions not met", n)
			}
			if err := echoOnce(co, c2, s2, "afterwards"); err != nil {
				return err
			}
			return closeAll(co, l, c, s, c2, s2)
		})
	})
}

// TestInjectedEAGAIN makes the first read, write and accept of fresh
// sockets say EAGAIN although the reactor's first event says they are
// ready. Each clears its readiness and waits for the reactor's event,
// which the registration queued, and then succeeds: one call more than
// without the fault, not a busy loop, and no lost wakeup.
func TestInjectedEAGAIN(t *testing.T) {
	// Current-thread only. The test needs the event that registering a
	// ready socket queues (edge-triggered) to be still undelivered when the
	// faulted call says EAGAIN, so that it wakes the task after the clear.
	// On a MultiThread another worker may be turning the reactor and take that
	// edge before the call; the fake EAGAIN then clears readiness that the
	// kernel will never report again (the socket stays ready, so there is no
	// new edge), and the accept waits for ever. A real EAGAIN cannot do that:
	// the kernel raises a new edge when the socket becomes ready. The
	// multi-thread runs of TestInjectedUDPFaults and netfd's
	// TestEAGAINWaitsForNextEvent prove the EAGAIN path with an event that
	// comes after the call.
	x := rttest.Executors[0] // current-thread
	fdcheck.Check(t)
	fs := netfd.InjectFaults(t)
	run(t, x, func(co *async.Co) error {
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			return err
		}
		c, err := async.Await(co, Connect(l.Addr().String())).Get()
		if err != nil {
			return err
		}
		lfd := l.acc.Sysfd()
		fs.Fail(netfd.SysAccept, lfd, 1, netfd.Fault{Err: unix.EAGAIN})
		s, err := async.Await(co, l.Accept()).Get()
		if err != nil {
			return fmt.Errorf("accept after EAGAIN: %w", err)
		}
		if n := fs.Calls(netfd.SysAccept, lfd); n != 2 {
			return fmt.Errorf("%d accept calls, want 2: one that said EAGAIN, one after the event", n)
		}
		sfd, cfd := s.s.Sysfd(), c.s.Sysfd()
		fs.Fail(netfd.SysWrite, sfd, 1, netfd.Fault{Err: unix.EAGAIN})
		fs.Fail(netfd.SysRead, cfd, 1, netfd.Fault{Err: unix.EAGAIN})
		if _, err := async.Await(co, s.WriteAll([]byte("hello"))).Get(); err != nil {
			return fmt.Errorf("write after EAGAIN: %w", err)
		}
		if err := readExactly(co, c, "hello"); err != nil {
			return fmt.Errorf("read after EAGAIN: %w", err)
		}
		if w, r := fs.Calls(netfd.SysWrite, sfd), fs.Calls(netfd.SysRead, cfd); w != 2 || r != 2 {
			return fmt.Errorf("%d write and %d read calls, want 2 each", w, r)
		}
		if err := echoOnce(co, c, s, "afterwards"); err != nil {
			return err
		}
		return closeAll(co, l, c, s)
	})
}

// TestInjectedAcceptAborted: connections the peer aborted while they
// waited in the queue (ECONNABORTED) are skipped at once, and the accept
// returns the next one.
func TestInjectedAcceptAborted(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		fs := netfd.InjectFaults(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			lfd := l.acc.Sysfd()
			fs.Fail(netfd.SysAccept, lfd, 3, netfd.Fault{Err: unix.ECONNABORTED})
			before := fs.Calls(netfd.SysAccept, lfd)
			c2, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return err
			}
			s2, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return fmt.Errorf("accept after ECONNABORTED: %w", err)
			}
			if n := fs.Calls(netfd.SysAccept, lfd) - before; n != 4 {
				return fmt.Errorf("%d accept calls, want 4: three aborted, then the connection", n)
			}
			if err := echoOnce(co, c2, s2, "after aborted ones"); err != nil {
				return err
			}
			if err := echoOnce(co, c, s, "the first one too"); err != nil {
				return err
			}
			return closeAll(co, l, c, s, c2, s2)
		})
	})
}

// TestInjectedAcceptExhaustion runs the accept out of buffers, memory or
// descriptors three times. It must back off as netfd.Acceptor documents,
// 5, 10 and 20 ms on the paused clock (a spinning accept would make
// thousands of calls and move no time), never report the failures, then
// take the connection, and take the next one at once.
func TestInjectedAcceptExhaustion(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, errno := range []unix.Errno{unix.ENOBUFS, unix.ENOMEM, unix.EMFILE} {
			t.Run(errno.Error(), func(t *testing.T) {
				fdcheck.Check(t)
				fs := netfd.InjectFaults(t)
				err, runErr := executor.Run(async.Go(func(co *async.Co) error {
					c, s, l, err := pair(co, "127.0.0.1:0")
					if err != nil {
						return err
					}
					lfd := l.acc.Sysfd()
					fs.Fail(netfd.SysAccept, lfd, 3, netfd.Fault{Err: errno})
					before := fs.Calls(netfd.SysAccept, lfd)
					r := co.Context().Reactor()
					c2, err := async.Await(co, Connect(l.Addr().String())).Get()
					if err != nil {
						return err
					}
					start := r.Now()
					s2, err := async.Await(co, l.Accept()).Get()
					if err != nil {
						return fmt.Errorf("accept out of resources: %w; want it to back off and succeed", err)
					}
					waited := r.Now().Sub(start)
					if n := fs.Calls(netfd.SysAccept, lfd) - before; n != 4 {
						return fmt.Errorf("%d accept calls, want 4", n)
					}
					if want := 35 * time.Millisecond; waited < want || waited > 10*want {
						return fmt.Errorf("the accept waited %v, want the backoff's 5+10+20 ms", waited)
					}
					// The connection that succeeded reset the backoff.
					c3, err := async.Await(co, Connect(l.Addr().String())).Get()
					if err != nil {
						return err
					}
					start = r.Now()
					s3, err := async.Await(co, l.Accept()).Get()
					if err != nil {
						return err
					}
					if d := r.Now().Sub(start); d != 0 {
						return fmt.Errorf("the accept after recovering waited %v on the paused clock; want none", d)
					}
					if err := echoOnce(co, c2, s2, "backed off"); err != nil {
						return err
					}
					if err := echoOnce(co, c3, s3, "recovered"); err != nil {
						return err
					}
					return closeAll(co, l, c, s, c2, s2, c3, s3)
				}), x.With(executor.WithPausedClock())...)
				if runErr != nil {
					t.Fatalf("executor: %v", runErr)
				}
				if err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// TestInjectedSocketFailure: socket(2) out of buffers or memory fails
// Connect and Listen with errors that name the operation, the address and
// the call, and opens nothing; the next Connect and Listen work.
func TestInjectedSocketFailure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, errno := range []unix.Errno{unix.ENOBUFS, unix.ENOMEM} {
			t.Run(errno.Error(), func(t *testing.T) {
				fdcheck.Check(t)
				fs := netfd.InjectFaults(t)
				run(t, x, func(co *async.Co) error {
					l, err := Listen("127.0.0.1:0")
					if err != nil {
						return err
					}
					addr := l.Addr().String()
					fs.Fail(netfd.SysSocket, netfd.AnyFD, 1, netfd.Fault{Err: errno})
					_, err = async.Await(co, Connect(addr)).Get()
					var oe *net.OpError
					if !errors.Is(err, errno) || !errors.As(err, &oe) || oe.Op != "dial" ||
						!strings.Contains(err.Error(), "socket") || !strings.Contains(err.Error(), addr) {
						return fmt.Errorf("Connect with socket() failing: %v; want a dial error naming %s and socket, wrapping %v", err, addr, errno)
					}
					fs.Fail(netfd.SysSocket, netfd.AnyFD, 1, netfd.Fault{Err: errno})
					if l2, err := Listen("127.0.0.1:0"); !errors.Is(err, errno) ||
						!strings.Contains(err.Error(), "listen") || !strings.Contains(err.Error(), "socket") {
						if l2 != nil {
							l2.Close()
						}
						return fmt.Errorf("Listen with socket() failing: %v; want a listen error naming socket, wrapping %v", err, errno)
					}
					c, err := async.Await(co, Connect(addr)).Get()
					if err != nil {
						return fmt.Errorf("Connect afterwards: %w", err)
					}
					s, err := async.Await(co, l.Accept()).Get()
					if err != nil {
						return err
					}
					if err := echoOnce(co, c, s, "afterwards"); err != nil {
						return err
					}
					return closeAll(co, l, c, s)
				})
			})
		}
	})
}

// TestInjectedWriteFailure: a write refused for want of buffers or memory
// fails with a write error that wraps the errno and counts nothing
// written; the connection stays usable.
func TestInjectedWriteFailure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, errno := range []unix.Errno{unix.ENOBUFS, unix.ENOMEM} {
			t.Run(errno.Error(), func(t *testing.T) {
				fdcheck.Check(t)
				fs := netfd.InjectFaults(t)
				run(t, x, func(co *async.Co) error {
					c, s, l, err := pair(co, "127.0.0.1:0")
					if err != nil {
						return err
					}
					fs.Fail(netfd.SysWrite, c.s.Sysfd(), 1, netfd.Fault{Err: errno})
					n, err := async.Await(co, c.WriteAll([]byte("lost"))).Get()
					var oe *net.OpError
					if n != 0 || !errors.Is(err, errno) || !errors.As(err, &oe) || oe.Op != "write" {
						return fmt.Errorf("WriteAll with write() failing: %d, %v; want 0 and a write error wrapping %v", n, err, errno)
					}
					if err := echoOnce(co, c, s, "afterwards"); err != nil {
						return err
					}
					return closeAll(co, l, c, s)
				})
			})
		}
	})
}

// TestInjectedShortWrites makes the client's writes take 1, 10, 1000 and
// 1 bytes of a large WriteAll, which must still deliver every byte, in
// order, through an echo server. A short write tells the runtime that
// the socket is full, so the writer waits for an event; TCP sends one
// when a full buffer drains, but this one never filled: the echoed bytes
// arriving are the events here (epoll reports the socket's whole
// readiness with them), as the test's comment in netfd.Fault says a test
// must provide.
func TestInjectedShortWrites(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		fs := netfd.InjectFaults(t)
		msg := message(300_000)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			server := async.Spawn(co.Context(), echo(s))
			for _, n := range []int{1, 10, 1000, 1} {
				fs.Fail(netfd.SysWrite, c.s.Sysfd(), 1, netfd.Fault{Short: n})
			}
			writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				n, err := async.Await(co, c.WriteAll(msg)).Get()
				if err != nil || n != len(msg) {
					return fmt.Errorf("WriteAll: %d, %v; want %d", n, err, len(msg))
				}
				return c.CloseWrite()
			}))
			got, err := readAll(co, c)
			if err != nil {
				return err
			}
			if !bytes.Equal(got, msg) {
				return fmt.Errorf("the echo returned %d bytes, not the %d written, in order", len(got), len(msg))
			}
			for _, h := range []async.JoinHandle[error]{writer, server} {
				if r := async.Await(co, h); r.Err != nil || r.Value != nil {
					return errors.Join(r.Err, r.Value)
				}
			}
			if n := fs.Left(netfd.SysWrite); n != 0 {
				return fmt.Errorf("%d short writes not made", n)
			}
			return closeAll(co, l, c) // the echo closed s
		})
	})
}

// TestInjectWhileServing arms faults from the test's goroutine while an
// executor serves on another, as the fault seam allows (run it with
// -race): an echo server on the runtime, a client on the net package,
// whose calls do not go through netfd, so faults armed for any
// descriptor meet only the server's. Every round interrupts a read and a
// write of the server and aborts an accept; every echo still arrives.
func TestInjectWhileServing(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		fs := netfd.InjectFaults(t)
		served := make(chan error, 1)
		go func() {
			err, runErr := executor.Run(async.Go(func(co *async.Co) error {
				for {
					c, err := async.Await(co, l.Accept()).Get()
					if errors.Is(err, net.ErrClosed) {
						return nil
					}
					if err != nil {
						return err
					}
					async.Spawn(co.Context(), echo(c)).Detach()
				}
			}), x.Options...)
			served <- errors.Join(runErr, err)
		}()
		defer func() {
			l.Close()
			select {
			case err := <-served:
				if err != nil {
					t.Errorf("server: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("the server did not stop when its listener closed")
			}
		}()
		const rounds = 20
		buf := make([]byte, 64)
		for i := range rounds {
			fs.Fail(netfd.SysAccept, netfd.AnyFD, 1, netfd.Fault{Err: unix.ECONNABORTED})
			c, err := net.DialTimeout("tcp", l.Addr().String(), 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			for j := range 5 {
				fs.Fail(netfd.SysRead, netfd.AnyFD, 1, netfd.Fault{Err: unix.EINTR})
				fs.Fail(netfd.SysWrite, netfd.AnyFD, 1, netfd.Fault{Err: unix.EINTR})
				msg := fmt.Sprintf("round %d message %d", i, j)
				if _, err := c.Write([]byte(msg)); err != nil {
					t.Fatal(err)
				}
				n := 0
				for n < len(msg) {
					m, err := c.Read(buf[n:len(msg)])
					if err != nil {
						t.Fatalf("round %d: read the echo: %v", i, err)
					}
					n += m
				}
				if string(buf[:n]) != msg {
					t.Fatalf("round %d: echo %q, want %q", i, buf[:n], msg)
				}
				if left := fs.Left(netfd.SysRead) + fs.Left(netfd.SysWrite) + fs.Left(netfd.SysAccept); left != 0 {
					t.Fatalf("round %d: %d faults not met by the time the echo came back", i, left)
				}
			}
			c.Close()
		}
	})
}
