package unixsock

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

func TestEchoManyConnections(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		const conns = 50
		path := sockPath(t)
		l, err := Listen(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Type() != os.ModeSocket {
			t.Fatalf("after Listen, %s is %v, %v; want a socket", path, fi, err)
		}
		run(t, x, func(co *async.Co) error {
			defer l.Close()
			async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				for {
					c, err := async.Await(co, l.Accept()).Get()
					if err != nil {
						return err
					}
					if a := c.LocalAddr(); a.String() != path {
						c.Close()
						return fmt.Errorf("accepted conn's local address %v, want %s", a, path)
					}
					async.Spawn(co.Context(), echo(c)).Detach()
				}
			})).Detach()
			clients := make([]async.Future[async.Result[error]], conns)
			for i := range clients {
				clients[i] = async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
					c, err := async.Await(co, Connect(path)).Get()
					if err != nil {
						return err
					}
					defer c.Close()
					if a, ok := c.RemoteAddr().(*net.UnixAddr); !ok || a.Name != path || a.Net != "unix" {
						return fmt.Errorf("client's remote address %#v, want %s", c.RemoteAddr(), path)
					}
					// Past one socket buffer for some of the clients.
					msg := bytes.Repeat(fmt.Appendf(nil, "client %d ", i), 1+i*500)
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
						return fmt.Errorf("client %d got %d bytes back, sent %d", i, len(got), len(msg))
					}
					return async.Await(co, writer).Value
				}))
			}
			var errs []error
			for _, h := range clients {
				r := async.Await(co, h)
				errs = append(errs, r.Err, r.Value)
			}
			return errors.Join(errs...)
		})
		if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after Close, Lstat(%s): %v; want the socket file gone", path, err)
		}
	})
}

func TestAbstractName(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		name := fmt.Sprintf("@asyncgo-unixsock-test-%d-%d", os.Getpid(), time.Now().UnixNano())
		if runtime.GOOS != "linux" {
			l, err := Listen(name)
			if err == nil {
				l.Close()
				t.Fatalf("Listen(%q) succeeded where there are no abstract names", name)
			}
			if !strings.Contains(err.Error(), "only on Linux") {
				t.Fatalf("Listen(%q): %v; want an error saying why", name, err)
			}
			return
		}
		l, err := Listen(name)
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer l.Close()
			c, s, err := connected(co, l)
			if err != nil {
				return err
			}
			defer c.Close()
			defer s.Close()
			if got := c.RemoteAddr().String(); got != name {
				return fmt.Errorf("remote address %q, want %q", got, name)
			}
			if got := s.LocalAddr().String(); got != name {
				return fmt.Errorf("server's local address %q, want %q", got, name)
			}
			if err := write(co, c, "abstract"); err != nil {
				return err
			}
			return expectRead(co, s, "abstract")
		})
		if _, err := os.Lstat(name); err == nil {
			t.Errorf("a file %s exists; an abstract name makes none", name)
		}
		// The name went with the socket.
		run(t, x, func(co *async.Co) error {
			_, err := async.Await(co, Connect(name)).Get()
			if !errors.Is(err, syscall.ECONNREFUSED) {
				return fmt.Errorf("connect to a closed abstract name: %v; want ECONNREFUSED", err)
			}
			return nil
		})
	})
}

func TestPeerCred(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		want := Cred{PID: os.Getpid(), UID: os.Getuid(), GID: os.Getgid()}
		if runtime.GOOS == "freebsd" {
			want.PID = 0 // see Cred
		}
		check := func(what string, c *Conn) error {
			got, err := c.PeerCred()
			if err != nil {
				return fmt.Errorf("%s: %v", what, err)
			}
			if got != want {
				return fmt.Errorf("%s: peer credentials %+v, want %+v", what, got, want)
			}
			return nil
		}
		a, b, err := Pair()
		if err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(check("pair end a", a), check("pair end b", b)); err != nil {
			t.Error(err)
		}
		a.Close()
		b.Close()
		if _, err := a.PeerCred(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("PeerCred after Close: %v; want net.ErrClosed", err)
		}
		l, err := Listen(sockPath(t))
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer l.Close()
			c, s, err := connected(co, l)
			if err != nil {
				return err
			}
			defer c.Close()
			defer s.Close()
			return errors.Join(check("client", c), check("server", s))
		})
	})
}

// TestHalfClose shuts down each direction in turn: the other keeps
// working.
func TestHalfClose(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		a, b, err := Pair()
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer a.Close()
			defer b.Close()
			// a stops writing: b reads to the end, and still answers.
			if err := write(co, a, "question"); err != nil {
				return err
			}
			if err := a.CloseWrite(); err != nil {
				return err
			}
			if err := expectRead(co, b, "question"); err != nil {
				return err
			}
			if err := expectEOF(co, b); err != nil {
				return fmt.Errorf("b after a's CloseWrite: %v", err)
			}
			if err := write(co, b, "answer"); err != nil {
				return fmt.Errorf("b writes after a's CloseWrite: %v", err)
			}
			if err := expectRead(co, a, "answer"); err != nil {
				return err
			}
			// Now b stops writing too: a reads the end.
			if err := b.CloseWrite(); err != nil {
				return err
			}
			if err := expectEOF(co, a); err != nil {
				return fmt.Errorf("a after b's CloseWrite: %v", err)
			}
			if _, err := async.Await(co, a.Write([]byte("x"))).Get(); !errors.Is(err, syscall.EPIPE) {
				return fmt.Errorf("write after CloseWrite: %v; want EPIPE", err)
			}
			return nil
		})
		// And the read side: a fresh pair whose reader shuts down its reading.
		c, d, err := Pair()
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer c.Close()
			defer d.Close()
			if err := c.CloseRead(); err != nil {
				return err
			}
			if err := expectEOF(co, c); err != nil {
				return fmt.Errorf("c after its CloseRead: %v", err)
			}
			if err := write(co, c, "still writing"); err != nil {
				return fmt.Errorf("c writes after its CloseRead: %v", err)
			}
			return expectRead(co, d, "still writing")
		})
	})
}

func TestCloseWakesReader(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		a, b, err := Pair()
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer b.Close()
			reader := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				_, err := async.Await(co, a.Read(make([]byte, 64))).Get()
				return err
			}))
			async.Await(co, timer.Sleep(20*time.Millisecond)) // let the reader wait
			if err := a.Close(); err != nil {
				return err
			}
			r := async.Await(co, timer.Timeout(reader, 10*time.Second))
			if r.Err != nil {
				return fmt.Errorf("reader not woken by Close: %v", r.Err)
			}
			if err := r.Value; !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("read on a conn closed meanwhile: %v; want net.ErrClosed", err)
			}
			if err := a.Close(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("second Close: %v; want net.ErrClosed", err)
			}
			return nil
		})
	})
}

func TestCloseWakesAccept(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := Listen(sockPath(t))
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			acceptor := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				_, err := async.Await(co, l.Accept()).Get()
				return err
			}))
			async.Await(co, timer.Sleep(20*time.Millisecond)) // let the acceptor wait
			if err := l.Close(); err != nil {
				return err
			}
			r := async.Await(co, timer.Timeout(acceptor, 10*time.Second))
			if r.Err != nil {
				return fmt.Errorf("acceptor not woken by Close: %v", r.Err)
			}
			if err := r.Value; !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("accept on a listener closed meanwhile: %v; want net.ErrClosed", err)
			}
			if err := l.Close(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("second Close: %v; want net.ErrClosed", err)
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
		a, b, err := Pair()
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer a.Close()
			defer b.Close()
			var wakes atomic.Int32
			w := async.WakerFunc(func() { wakes.Add(1) })
			var scratch async.Context
			buf := make([]byte, 16)
			f := a.Read(buf)
			if _, ok := async.PollWith(co.Context(), &scratch, w, f); ok {
				return errors.New("read of an idle socket was ready")
			}
			f.Cancel()
			if err := write(co, b, "x"); err != nil {
				return err
			}
			async.Await(co, timer.Sleep(50*time.Millisecond)) // the reactor sees the data
			if n := wakes.Load(); n != 0 {
				return fmt.Errorf("a cancelled read's waker was woken %d times", n)
			}
			if err := expectRead(co, a, "x"); err != nil {
				return fmt.Errorf("after a cancelled read: %v", err)
			}
			return nil
		})
	})
}

// TestFile hands one end of a pair over as an *os.File, as a parent does
// for a child: the file works after the Conn is closed, and closing it
// ends the stream.
func TestFile(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			a, b, err := Pair()
			if err != nil {
				return err
			}
			defer b.Close()
			f, err := a.File()
			if err != nil {
				return err
			}
			a.Close()
			if _, err := f.Write([]byte("from the file")); err != nil {
				f.Close()
				return err
			}
			f.Close()
			if err := expectRead(co, b, "from the file"); err != nil {
				return err
			}
			return expectEOF(co, b)
		})
	})
}

// TestTimeoutsNameTheOperation: a read with no data and an accept with
// nobody connecting time out with errors that name the operation and the
// path, as the net package's do.
func TestTimeoutsNameTheOperation(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		path := sockPath(t)
		l, err := Listen(path)
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer l.Close()
			check := func(what string, err error, want string) error {
				var ne net.Error
				if err == nil || err.Error() != want || !errors.As(err, &ne) || !ne.Timeout() ||
					!errors.Is(err, os.ErrDeadlineExceeded) || !errors.Is(err, timer.ErrTimeout) {
					return fmt.Errorf("%s: %v; want %q, a net.Error with Timeout, os.ErrDeadlineExceeded and timer.ErrTimeout", what, err, want)
				}
				return nil
			}
			_, err := async.Get(co, timer.Timeout(l.Accept(), 20*time.Millisecond))
			if err := check("accept with nobody connecting", err, "accept unix "+path+": i/o timeout"); err != nil {
				return err
			}
			c, s, err := connected(co, l)
			if err != nil {
				return err
			}
			defer c.Close()
			defer s.Close()
			_, err = async.Get(co, timer.Timeout(s.Read(make([]byte, 8)), 20*time.Millisecond))
			return check("read with no data", err, "read unix "+path+": i/o timeout") // the client is unnamed
		})
	})
}
