package tcp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

func TestEchoRoundTrip(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
			t.Run(addr, func(t *testing.T) {
				l, err := Listen(addr)
				if err != nil {
					if strings.Contains(addr, "::") {
						t.Skipf("no IPv6 loopback: %v", err)
					}
					t.Fatal(err)
				}
				defer l.Close()
				run(t, x, func(co *async.Co) error {
					server := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
						c, err := async.Await(co, l.Accept()).Get()
						if err != nil {
							return err
						}
						return async.Await(co, echo(c))
					}))
					c, err := async.Await(co, Connect(l.Addr().String())).Get()
					if err != nil {
						return err
					}
					defer c.Close()
					if c.RemoteAddr().String() != l.Addr().String() {
						return fmt.Errorf("remote address %v, want the listener's %v", c.RemoteAddr(), l.Addr())
					}
					msg := bytes.Repeat([]byte("echo "), 20000) // more than one socket buffer's worth
					writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
						if _, err := async.Await(co, c.WriteAll(msg)).Get(); err != nil {
							return err
						}
						return c.CloseWrite()
					}))
					got, err := readAll(co, c)
					if err != nil {
						return err
					}
					if !bytes.Equal(got, msg) {
						return fmt.Errorf("echo returned %d bytes, want the %d sent", len(got), len(msg))
					}
					if err := async.Await(co, writer).Value; err != nil {
						return err
					}
					r := async.Await(co, server)
					return errors.Join(r.Err, r.Value)
				})
			})
		}
	})
}

func TestManyConnections(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		const conns = 100
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				for {
					c, err := async.Await(co, l.Accept()).Get()
					if err != nil {
						return err
					}
					async.Spawn(co.Context(), echo(c)).Detach()
				}
			})).Detach()
			clients := make([]async.Future[async.Result[error]], conns)
			for i := range clients {
				clients[i] = async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
					c, err := async.Await(co, Connect(l.Addr().String())).Get()
					if err != nil {
						return err
					}
					defer c.Close()
					msg := fmt.Appendf(nil, "hello from client %d", i)
					if _, err := async.Await(co, c.WriteAll(msg)).Get(); err != nil {
						return err
					}
					if err := c.CloseWrite(); err != nil {
						return err
					}
					got, err := readAll(co, c)
					if err != nil {
						return err
					}
					if !bytes.Equal(got, msg) {
						return fmt.Errorf("client %d got %q back", i, got)
					}
					return nil
				}))
			}
			var errs []error
			for _, h := range clients {
				r := async.Await(co, h)
				errs = append(errs, r.Err, r.Value)
			}
			return errors.Join(errs...)
		})
		// The executor, and its reactor, are gone: closing still works.
		if err := l.Close(); err != nil {
			t.Errorf("close a listener after its reactor: %v", err)
		}
	})
}

func TestEOFAfterPeerClose(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer c.Close()
			if _, err := async.Await(co, s.WriteAll([]byte("bye"))).Get(); err != nil {
				return err
			}
			if err := s.Close(); err != nil {
				return err
			}
			got, err := readAll(co, c)
			if err != nil || string(got) != "bye" {
				return fmt.Errorf("read %q, %v; want \"bye\" then end of stream", got, err)
			}
			// End of stream lasts.
			if n, err := async.Await(co, c.Read(make([]byte, 8))).Get(); n != 0 || err != io.EOF {
				return fmt.Errorf("read after end of stream: %d, %v; want 0, io.EOF", n, err)
			}
			return nil
		})
	})
}

func TestResetMidRead(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer c.Close()
			reader := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				_, err := async.Await(co, c.Read(make([]byte, 64))).Get()
				return err
			}))
			async.Await(co, timer.Sleep(20*time.Millisecond)) // let the reader wait
			// A linger of 0 makes close send RST instead of FIN.
			if err := unix.SetsockoptLinger(s.s.Sysfd(), unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0}); err != nil {
				return err
			}
			if err := s.Close(); err != nil {
				return err
			}
			err = async.Await(co, reader).Value
			if !errors.Is(err, syscall.ECONNRESET) {
				return fmt.Errorf("read after the peer reset: %v; want ECONNRESET", err)
			}
			var oe *net.OpError
			if !errors.As(err, &oe) || oe.Op != "read" {
				return fmt.Errorf("read error %#v is not a *net.OpError for read", err)
			}
			return nil
		})
	})
}

func TestConnectRefused(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there now
		run(t, x, func(co *async.Co) error {
			_, err := async.Get(co, timer.Timeout(Connect(addr), 10*time.Second))
			if !errors.Is(err, syscall.ECONNREFUSED) {
				return fmt.Errorf("connect to a closed port: %v; want ECONNREFUSED", err)
			}
			if !strings.Contains(err.Error(), addr) {
				return fmt.Errorf("error %q does not name %s", err, addr)
			}
			return nil
		})
	})
}

func TestCloseWakesReader(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			reader := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				_, err := async.Await(co, c.Read(make([]byte, 64))).Get()
				return err
			}))
			async.Await(co, timer.Sleep(20*time.Millisecond)) // let the reader wait
			if err := c.Close(); err != nil {
				return err
			}
			r := async.Await(co, timer.Timeout(reader, 10*time.Second))
			if r.Err != nil {
				return fmt.Errorf("reader not woken by Close: %v", r.Err)
			}
			if err := r.Value; !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("read on a conn closed meanwhile: %v; want net.ErrClosed", err)
			}
			if err := c.Close(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("second Close: %v; want net.ErrClosed", err)
			}
			return nil
		})
	})
}

func TestCloseWakesAccept(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			acceptor := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				_, err := async.Await(co, l.Accept()).Get()
				return err
			}))
			async.Await(co, timer.Sleep(20*time.Millisecond))
			if err := l.Close(); err != nil {
				return err
			}
			if err := async.Await(co, acceptor).Value; !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("accept on a listener closed meanwhile: %v; want net.ErrClosed", err)
			}
			return nil
		})
	})
}

// TestCancelledReadReleasesWaker polls a Read by hand with a waker that
// counts, cancels it, and makes the socket readable: the reactor must
// have nothing left to wake.
func TestCancelledReadReleasesWaker(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			defer c.Close()
			var wakes atomic.Int32
			w := async.WakerFunc(func() { wakes.Add(1) })
			var scratch async.Context
			buf := make([]byte, 16)
			f := c.Read(buf)
			if _, ok := async.PollWith(co.Context(), &scratch, w, f); ok {
				return errors.New("read of an idle socket was ready")
			}
			f.Cancel()
			if _, err := async.Await(co, s.WriteAll([]byte("x"))).Get(); err != nil {
				return err
			}
			async.Await(co, timer.Sleep(50*time.Millisecond)) // the reactor sees the data
			if n := wakes.Load(); n != 0 {
				return fmt.Errorf("a cancelled read's waker was woken %d times", n)
			}
			if n, err := async.Await(co, c.Read(buf)).Get(); err != nil || string(buf[:n]) != "x" {
				return fmt.Errorf("read after a cancelled one: %q, %v", buf[:n], err)
			}
			return nil
		})
	})
}

// TestReadLosesSelect cancels a Read through a Select that a timer wins.
func TestReadLosesSelect(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			defer c.Close()
			buf := make([]byte, 16)
			for range 3 {
				e := async.Await(co, async.Select2(c.Read(buf), timer.Sleep(10*time.Millisecond)))
				if e.Index != 1 {
					return fmt.Errorf("read of an idle socket won the select: %+v", e.V1)
				}
			}
			if n := co.Context().Reactor().Timers(); n != 0 {
				return fmt.Errorf("%d timers armed after the select", n)
			}
			if _, err := async.Await(co, s.WriteAll([]byte("late"))).Get(); err != nil {
				return err
			}
			if n, err := async.Await(co, c.Read(buf)).Get(); err != nil || string(buf[:n]) != "late" {
				return fmt.Errorf("read after cancelled ones: %q, %v", buf[:n], err)
			}
			return nil
		})
	})
}

func TestAddresses(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		for _, bad := range []string{"127.0.0.1", "example.com:80", "127.0.0.1:x", "127.0.0.1:70000", "[fe80::1%lo]:0"} {
			if l, err := Listen(bad); err == nil {
				l.Close()
				t.Errorf("Listen(%q) succeeded", bad)
			} else if !strings.Contains(err.Error(), bad) {
				t.Errorf("Listen(%q): error %q does not name the address", bad, err)
			}
		}
		run(t, x, func(co *async.Co) error {
			_, err := async.Await(co, Connect("127.0.0.1:0")).Get()
			if err == nil || !strings.Contains(err.Error(), "127.0.0.1:0") {
				return fmt.Errorf("Connect to port 0: %v; want an error naming the address", err)
			}
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			defer c.Close()
			if c.LocalAddr().String() != s.RemoteAddr().String() || s.LocalAddr().String() != c.RemoteAddr().String() {
				return fmt.Errorf("ends disagree: client %v->%v, server %v->%v", c.LocalAddr(), c.RemoteAddr(), s.LocalAddr(), s.RemoteAddr())
			}
			if v, err := unix.GetsockoptInt(c.s.Sysfd(), unix.IPPROTO_TCP, unix.TCP_NODELAY); err != nil || v == 0 {
				return fmt.Errorf("TCP_NODELAY is %d, %v; want it on by default", v, err)
			}
			return nil
		})
	})
}

// TestCancelledWriteReleasesWaker fills the socket until a Write has to
// wait, cancels it, and drains the socket at the peer: the reactor must
// have nothing left to wake.
func TestCancelledWriteReleasesWaker(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			defer c.Close()
			var wakes atomic.Int32
			w := async.WakerFunc(func() { wakes.Add(1) })
			var scratch async.Context
			chunk := make([]byte, 64<<10)
			sent := 0
			for {
				f := c.Write(chunk)
				r, ok := async.PollWith(co.Context(), &scratch, w, f)
				if !ok {
					f.Cancel()
					break
				}
				if r.Err != nil {
					return r.Err
				}
				sent += r.Value
				if sent > 1<<30 {
					return errors.New("wrote 1 GiB without the socket filling up")
				}
			}
			// Drain what was sent, so the writer's side turns writable.
			buf := make([]byte, 64<<10)
			for got := 0; got < sent; {
				n, err := async.Await(co, s.Read(buf)).Get()
				if err != nil {
					return err
				}
				got += n
			}
			async.Await(co, timer.Sleep(50*time.Millisecond)) // the reactor sees the room
			if n := wakes.Load(); n != 0 {
				return fmt.Errorf("a cancelled write's waker was woken %d times", n)
			}
			if n, err := async.Await(co, c.Write([]byte("more"))).Get(); err != nil || n != 4 {
				return fmt.Errorf("write after a cancelled one: %d, %v", n, err)
			}
			return nil
		})
	})
}
