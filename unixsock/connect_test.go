package unixsock

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// connectFails connects to path and checks it fails at once with want,
// in an error that names path.
func connectFails(co *async.Co, path string, want error) error {
	// Ready at the first poll: a hand poll with a no-op waker shows it,
	// with no bound on the time taken.
	var scratch async.Context
	f := Connect(path)
	r, ok := async.PollWith(co.Context(), &scratch, async.NoopWaker(), f)
	if !ok {
		f.Cancel()
		return fmt.Errorf("connect to %s did not fail at its first poll", path)
	}
	if !errors.Is(r.Err, want) {
		if r.Err == nil {
			r.Value.Close()
		}
		return fmt.Errorf("connect to %s: %v; want %v", path, r.Err, want)
	}
	if !strings.Contains(r.Err.Error(), path) {
		return fmt.Errorf("error %q does not name %s", r.Err, path)
	}
	return nil
}

func TestConnectMissingPath(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		path := filepath.Join(t.TempDir(), "nothing-here")
		run(t, x, func(co *async.Co) error { return connectFails(co, path, syscall.ENOENT) })
	})
}

func TestConnectNoListener(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		// A socket file nobody listens on: bound, never listened, closed.
		path := sockPath(t)
		fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		err = unix.Bind(fd, &unix.SockaddrUnix{Name: path})
		unix.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error { return connectFails(co, path, syscall.ECONNREFUSED) })
	})
}

// TestConnectFullBacklog connects to a listener whose queue is full: the
// connect waits, and succeeds once the server accepts.
func TestConnectFullBacklog(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux makes a connect to a full queue wait; the others refuse it")
	}
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		// A backlog of 0 queues one connection: Linux refuses a new one only
		// when the queue is longer than the backlog (unix_recvq_full).
		l, err := listen(sockPath(t), 0)
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer l.Close()
			first, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return fmt.Errorf("fill the queue: %v", err)
			}
			defer first.Close()

			// The first poll of the second connect finds the queue full.
			var scratch async.Context
			second := Connect(l.Addr().String())
			if r, ok := async.PollWith(co.Context(), &scratch, async.NoopWaker(), second); ok {
				if r.Err == nil {
					r.Value.Close()
				}
				return fmt.Errorf("connect to a full queue was ready at once: %v", r.Err)
			}
			if n := co.Context().Reactor().Timers(); n != 1 {
				return fmt.Errorf("%d timers armed by a waiting connect; want its retry timer", n)
			}
			waiter := async.Spawn(co.Context(), second)

			// Accepting makes room; the waiting connect gets in.
			s1, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return err
			}
			defer s1.Close()
			r := async.Await(co, timer.Timeout(waiter, 10*time.Second))
			if r.Err != nil {
				return fmt.Errorf("connect still waiting after the server accepted: %v", r.Err)
			}
			c2, err := r.Value.Get()
			if err != nil {
				return fmt.Errorf("connect after the server accepted: %v", err)
			}
			defer c2.Close()
			s2, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return err
			}
			defer s2.Close()
			if err := write(co, c2, "in"); err != nil {
				return err
			}
			return expectRead(co, s2, "in")
		})
	})
}

// TestCancelWaitingConnect cancels a connect waiting on a full queue: its
// timer and socket go.
func TestCancelWaitingConnect(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux makes a connect to a full queue wait")
	}
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := listen(sockPath(t), 0)
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer l.Close()
			first, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return err
			}
			defer first.Close()
			c, err := async.Get(co, timer.Timeout(Connect(l.Addr().String()), 30*time.Millisecond))
			if !errors.Is(err, timer.ErrTimeout) {
				if err == nil {
					c.Close()
				}
				return fmt.Errorf("connect to a full queue: %v; want timer.ErrTimeout", err)
			}
			// The error names the operation and the path, as the net
			// package's do.
			var ne net.Error
			if want := "dial unix " + l.Addr().String() + ": i/o timeout"; err.Error() != want ||
				!errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
				return fmt.Errorf("connect to a full queue: %q; want %q, a net.Error with Timeout, os.ErrDeadlineExceeded", err, want)
			}
			return nil // run checks that no timer is left; checkFDs, no socket
		})
	})
}

func TestBadPaths(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		long := "/tmp/" + strings.Repeat("x", maxPath)
		bad := []string{"", long, "/tmp/a\x00b"}
		if runtime.GOOS != "linux" {
			bad = append(bad, "@abstract")
		}
		for _, path := range bad {
			l, err := Listen(path)
			if err == nil {
				l.Close()
				t.Errorf("Listen(%q) succeeded", path)
				continue
			}
			if path != "" && !strings.Contains(err.Error(), path) {
				t.Errorf("Listen(%q): error %q does not name the path", path, err)
			}
		}
		run(t, x, func(co *async.Co) error {
			for _, path := range bad {
				c, err := async.Await(co, Connect(path)).Get()
				if err == nil {
					c.Close()
					return fmt.Errorf("Connect(%q) succeeded", path)
				}
				if path != "" && !strings.Contains(err.Error(), path) {
					return fmt.Errorf("Connect(%q): error %q does not name the path", path, err)
				}
			}
			return nil
		})
	})
}

// TestListenRemovesOnlyItsOwnFile: Listen refuses a path in use without
// touching it, and Close leaves alone a file that took its socket's place.
func TestListenRemovesOnlyItsOwnFile(t *testing.T) {
	fdcheck.Check(t)
	path := sockPath(t)
	if err := os.WriteFile(path, []byte("not a socket"), 0o600); err != nil {
		t.Fatal(err)
	}
	if l, err := Listen(path); !errors.Is(err, syscall.EADDRINUSE) {
		if err == nil {
			l.Close()
		}
		t.Fatalf("Listen on an existing file: %v; want EADDRINUSE", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "not a socket" {
		t.Fatalf("the file Listen refused is now %q, %v", b, err)
	}
	os.Remove(path)

	l, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	// Someone removes the socket file and puts another in its place.
	os.Remove(path)
	if err := os.WriteFile(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "new" {
		t.Fatalf("Close removed or changed a file it did not make: %q, %v", b, err)
	}
}
