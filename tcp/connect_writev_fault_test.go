package tcp

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/timer"
)

// The tests of this file make the two system calls that package tcp
// makes itself, connect(2) and writev(2), fail through netfd's fault seam
// (netfd.Connect and netfd.Writev), as syscall_fault_test.go does for the
// calls of netfd's streams and listeners; and they check how a connect
// that fails to register with the reactor is reported.

// checkLeaks fails t if it ends with more descriptors or goroutines than
// it began with. (The reactor's sources are checked by each test, while
// its executor runs.)
func checkLeaks(t *testing.T) {
	t.Helper()
	opts := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opts) })
	fdcheck.Check(t)
}

// wantDialError checks that err is Connect's error for addr: a dial
// error naming addr and connect(2), and wrapping errno.
func wantDialError(err error, addr string, errno unix.Errno) error {
	var oe *net.OpError
	if !errors.Is(err, errno) || !errors.As(err, &oe) || oe.Op != "dial" || oe.Addr == nil || oe.Addr.String() != addr ||
		!strings.Contains(err.Error(), "connect: ") {
		return fmt.Errorf("Connect with connect() failing: %v; want a dial error for %s naming connect, wrapping %v", err, addr, errno)
	}
	return nil
}

// connectWithin awaits the Connect future f for at most 10 s, so that a
// Connect left waiting for an event that never comes fails the test
// instead of hanging it.
func connectWithin(co *async.Co, f async.Future[async.Result[*Conn]]) (*Conn, error) {
	return async.Get(co, timer.Timeout(f, 10*time.Second))
}

// acceptAndEcho accepts the connection c made to l and checks that it
// carries data both ways; it closes both ends.
func acceptAndEcho(co *async.Co, l *Listener, c *Conn, msg string) error {
	s, err := async.Await(co, l.Accept()).Get()
	if err != nil {
		c.Close()
		return fmt.Errorf("accept: %w", err)
	}
	return errors.Join(echoOnce(co, c, s, msg), c.Close(), s.Close())
}

// TestInjectedConnectEINTR interrupts connect(2): the connection goes on
// in the kernel, as connect(2) says, so Connect takes EINTR for
// EINPROGRESS and completes with a working connection, after one call.
// An interrupted connect to a port nothing listens on is refused later,
// in SO_ERROR, and reported as a refusal.
func TestInjectedConnectEINTR(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		checkLeaks(t)
		fs := netfd.InjectFaults(t)
		refused := closedPort(t).String()
		run(t, x, func(co *async.Co) error {
			l, err := Listen("127.0.0.1:0")
			if err != nil {
				return err
			}
			addr := l.Addr().String()
			fs.Fail(netfd.SysConnect, netfd.AnyFD, 1, netfd.Fault{Err: unix.EINTR})
			c, err := connectWithin(co, Connect(addr))
			if err != nil {
				l.Close()
				return fmt.Errorf("Connect with connect() interrupted: %w; want the handshake to go on and succeed", err)
			}
			if n := fs.Calls(netfd.SysConnect, netfd.AnyFD); n != 1 {
				return fmt.Errorf("%d connect calls, want 1: EINTR is not retried, it is waited on", n)
			}
			if err := acceptAndEcho(co, l, c, "interrupted"); err != nil {
				return err
			}
			fs.Fail(netfd.SysConnect, netfd.AnyFD, 1, netfd.Fault{Err: unix.EINTR})
			_, err = connectWithin(co, Connect(refused))
			if err := wantDialError(err, refused, unix.ECONNREFUSED); err != nil {
				return fmt.Errorf("interrupted, then refused: %w", err)
			}
			return closeAll(co, l)
		})
	})
}

// TestInjectedConnectFailure makes connect(2) fail at once, as it does
// when no route leads to the address (ENETUNREACH), no local address or
// port is left for it (EADDRNOTAVAIL), the kernel is out of buffers
// (ENOBUFS), or the peer refuses (ECONNREFUSED, which a non-blocking
// connect usually reports later but may report at once). Connect fails
// with a dial error naming the address and connect, closes the socket and
// registers nothing; given several addresses by a lookup, it tries the
// next one, and reports the last one's error if none connects; and the
// next Connect works.
func TestInjectedConnectFailure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, errno := range []unix.Errno{unix.ECONNREFUSED, unix.ENETUNREACH, unix.EADDRNOTAVAIL, unix.ENOBUFS} {
			t.Run(errno.Error(), func(t *testing.T) {
				checkLeaks(t)
				fs := netfd.InjectFaults(t)
				first := closedPort(t)
				run(t, x, func(co *async.Co) error {
					l, err := Listen("127.0.0.1:0")
					if err != nil {
						return err
					}
					addr := l.Addr().String()
					fs.Fail(netfd.SysConnect, netfd.AnyFD, 1, netfd.Fault{Err: errno})
					_, err = connectWithin(co, Connect(addr))
					if err := wantDialError(err, addr, errno); err != nil {
						l.Close()
						return err
					}
					if err := noSources(co); err != nil {
						l.Close()
						return err
					}

					// A name with two addresses, the first failing: the
					// second connects.
					good := addrPort(l)
					var asked []string
					lookup := answer(&asked, []netip.AddrPort{first, good}, nil)
					before := fs.Calls(netfd.SysConnect, netfd.AnyFD)
					fs.Fail(netfd.SysConnect, netfd.AnyFD, 1, netfd.Fault{Err: errno})
					c, err := connectWithin(co, fakeConnect("db.example:5432", lookup))
					if err != nil {
						l.Close()
						return fmt.Errorf("Connect to a name whose first address fails with %v: %w; want the second", errno, err)
					}
					if n := fs.Calls(netfd.SysConnect, netfd.AnyFD) - before; n != 2 || c.RemoteAddr().String() != good.String() {
						c.Close()
						l.Close()
						return fmt.Errorf("%d connect calls, connected to %v; want 2 calls, connected to %v", n, c.RemoteAddr(), good)
					}
					if err := acceptAndEcho(co, l, c, "second address"); err != nil {
						l.Close()
						return err
					}

					// Both failing: the error is the second's.
					fs.Fail(netfd.SysConnect, netfd.AnyFD, 2, netfd.Fault{Err: errno})
					_, err = connectWithin(co, fakeConnect("db.example:5432", lookup))
					if err := wantDialError(err, good.String(), errno); err != nil {
						l.Close()
						return fmt.Errorf("every address failing: %w", err)
					}

					c, err = connectWithin(co, Connect(addr))
					if err != nil {
						l.Close()
						return fmt.Errorf("Connect afterwards: %w", err)
					}
					if err := acceptAndEcho(co, l, c, "afterwards"); err != nil {
						l.Close()
						return err
					}
					return closeAll(co, l)
				})
			})
		}
	})
}

// TestConnectRegistrationError: a Connect whose socket the reactor
// refuses to register fails with an error that says so, not one that
// blames connect(2) ("dial tcp …: connect: reactor: …" it used to read),
// and closes the socket. Package tcp cannot reach the poller's fault
// seam (poll's export_test.go), so a reactor that is closed, and a
// context without one, stand in for the poller's ENOMEM or ENOSPC; poll's
// TestRegisterFaultInRuntime fails the registration itself under tcp.
func TestConnectRegistrationError(t *testing.T) {
	checkLeaks(t)
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close() // with the connections of the handshakes, never accepted
	addr := l.Addr().String()
	closed, err := reactor.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := closed.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cx   *async.Context
		want string
		is   error
	}{
		{"closed reactor", testfut.ReactorContext(async.NoopWaker(), closed), "dial tcp " + addr + ": reactor: closed", reactor.ErrReactorClosed},
		{"no reactor", testfut.NewContext(async.NoopWaker()), "dial tcp " + addr + ": polled without a reactor", nil},
	} {
		r, ok := Connect(addr).Poll(c.cx)
		var oe *net.OpError
		switch {
		case !ok:
			t.Errorf("%s: Connect is pending; want it to fail at once", c.name)
		case r.Err == nil:
			r.Value.Close()
			t.Errorf("%s: Connect succeeded without registering", c.name)
		case !strings.HasPrefix(r.Err.Error(), c.want) || strings.Contains(r.Err.Error(), "connect"):
			t.Errorf("%s: %q; want an error beginning %q, not naming connect", c.name, r.Err, c.want)
		case !errors.As(r.Err, &oe) || oe.Op != "dial" || oe.Addr.String() != addr:
			t.Errorf("%s: %#v is not a dial error for %s", c.name, r.Err, addr)
		case c.is != nil && !errors.Is(r.Err, c.is):
			t.Errorf("%s: %v does not wrap %v", c.name, r.Err, c.is)
		}
	}
}

// TestInjectedShortWritev makes the client's writev calls take 1, 2, 3,
// 34, 37, 1499, 4097 and 1 bytes of a WriteVectored of some 400 buffers
// of varied sizes (empty ones among them): cuts within a buffer, across
// one boundary and across several, one after the other. Every byte must
// reach the echo server and come back in order. As with the short writes
// of TestInjectedShortWrites, each short call makes the writer wait for
// an event that the echo of what it wrote provides.
func TestInjectedShortWritev(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		checkLeaks(t)
		fs := netfd.InjectFaults(t)
		msg := message(300_000)
		bufs := vectors(msg)
		shorts := []int{1, 2, 3, 34, 37, 1499, 4097, 1}
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			server := async.Spawn(co.Context(), echo(s))
			r, w := c.Split()
			for _, n := range shorts {
				fs.Fail(netfd.SysWritev, c.s.Sysfd(), 1, netfd.Fault{Short: n})
			}
			writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				n, err := async.Await(co, w.WriteVectored(bufs)).Get()
				if err != nil || n != len(msg) {
					return fmt.Errorf("WriteVectored: %d, %v; want %d", n, err, len(msg))
				}
				return w.CloseWrite()
			}))
			got, err := readHalfAll(co, r)
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
			if n := fs.Left(netfd.SysWritev); n != 0 {
				return fmt.Errorf("%d short writevs not made", n)
			}
			if n := fs.Calls(netfd.SysWritev, c.s.Sysfd()); n <= len(shorts) {
				return fmt.Errorf("%d writev calls; want more than the %d short ones", n, len(shorts))
			}
			return errors.Join(r.Close(), w.Close(), closeAll(co, l)) // the echo closed s
		})
	})
}

// TestInjectedWritevFailure: a writev refused for want of buffers or
// memory ends WriteVectored with a writev error wrapping the errno and
// the count of the bytes written before it: none when the first call
// fails, 5 when a short call took 5 first. The peer gets exactly those
// bytes, and the connection stays usable.
func TestInjectedWritevFailure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, errno := range []unix.Errno{unix.ENOBUFS, unix.ENOMEM} {
			t.Run(errno.Error(), func(t *testing.T) {
				checkLeaks(t)
				fs := netfd.InjectFaults(t)
				bufs := [][]byte{[]byte("abc"), []byte("defg"), []byte("hij")}
				run(t, x, func(co *async.Co) error {
					c, s, l, err := pair(co, "127.0.0.1:0")
					if err != nil {
						return err
					}
					r, w := c.Split()
					// check checks the outcome of a WriteVectored that fails
					// after n bytes.
					check := func(got int, err error, n int) error {
						var oe *net.OpError
						if got != n || !errors.Is(err, errno) || !errors.As(err, &oe) || oe.Op != "writev" ||
							!strings.Contains(err.Error(), "writev") {
							return fmt.Errorf("WriteVectored with writev() failing after %d bytes: %d, %v; want %d and a writev error wrapping %v", n, got, err, n, errno)
						}
						return nil
					}
					fd := c.s.Sysfd()
					fs.Fail(netfd.SysWritev, fd, 1, netfd.Fault{Err: errno})
					n, err := async.Await(co, w.WriteVectored(bufs)).Get()
					if err := check(n, err, 0); err != nil {
						return err
					}

					fs.Fail(netfd.SysWritev, fd, 1, netfd.Fault{Short: 5})
					fs.Fail(netfd.SysWritev, fd, 1, netfd.Fault{Err: errno})
					writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
						n, err := async.Await(co, w.WriteVectored(bufs)).Get()
						return check(n, err, 5)
					}))
					if err := readExactly(co, s, "abcde"); err != nil {
						return err
					}
					// The short call made the writer wait for room; the
					// peer's data is the event that ends the wait.
					if _, err := async.Await(co, s.WriteAll([]byte("!"))).Get(); err != nil {
						return err
					}
					if h := async.Await(co, writer); h.Err != nil || h.Value != nil {
						return errors.Join(h.Err, h.Value)
					}
					if err := readHalfExactly(co, r, "!"); err != nil {
						return err
					}

					if n, err := async.Await(co, w.WriteVectored(bufs)).Get(); n != 10 || err != nil {
						return fmt.Errorf("WriteVectored afterwards: %d, %v; want 10", n, err)
					}
					if err := readExactly(co, s, "abcdefghij"); err != nil {
						return err
					}
					return errors.Join(r.Close(), w.Close(), closeAll(co, l, s))
				})
			})
		}
	})
}

// TestInjectedWritevEINTR interrupts writev three times: each call is
// made again at once, and WriteVectored writes everything without seeing
// EINTR.
func TestInjectedWritevEINTR(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		checkLeaks(t)
		fs := netfd.InjectFaults(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			r, w := c.Split()
			fd := c.s.Sysfd()
			fs.Fail(netfd.SysWritev, fd, 3, netfd.Fault{Err: unix.EINTR})
			bufs := [][]byte{[]byte("inter"), nil, []byte("rupted")}
			if n, err := async.Await(co, w.WriteVectored(bufs)).Get(); n != 11 || err != nil {
				return fmt.Errorf("WriteVectored with writev() interrupted: %d, %v; want 11", n, err)
			}
			if n := fs.Calls(netfd.SysWritev, fd); n != 4 {
				return fmt.Errorf("%d writev calls, want 4: three interrupted, then the write", n)
			}
			if err := readExactly(co, s, "interrupted"); err != nil {
				return err
			}
			return errors.Join(r.Close(), w.Close(), closeAll(co, l, s))
		})
	})
}

// readHalfExactly is readExactly for a read half.
func readHalfExactly(co *async.Co, r *ReadHalf, want string) error {
	got := make([]byte, len(want))
	for n := 0; n < len(got); {
		m, err := async.Await(co, r.Read(got[n:])).Get()
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
