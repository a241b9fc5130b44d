package tcp

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
)

// TestReusePort binds two listeners to one port with ReusePort, and sees
// a third, without it, refused; connections to the port reach one of the
// two.
func TestReusePort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		lc := ListenConfig{ReusePort: true}
		l1, err := lc.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l1.Close()
		addr := l1.Addr().String()
		l2, err := lc.Listen(addr)
		if err != nil {
			t.Fatalf("second listener on %s with ReusePort: %v", addr, err)
		}
		defer l2.Close()
		for _, l := range []*Listener{l1, l2} {
			err := l.acc.Control(func(fd int) error {
				v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT)
				if err == nil && v == 0 {
					err = errors.New("SO_REUSEPORT is off")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if l3, err := Listen(addr); err == nil {
			l3.Close()
			t.Fatalf("a listener without ReusePort bound %s, which two others hold", addr)
		} else if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), addr) {
			t.Fatalf("listen without ReusePort on a held port: %v; want EADDRINUSE naming %s", err, addr)
		}
		run(t, x, func(co *async.Co) error {
			c, err := async.Await(co, Connect(addr)).Get()
			if err != nil {
				return err
			}
			defer c.Close()
			// The kernel picked one of the two: whichever it was, its queue
			// has the connection. Accept from both; the empty one loses.
			e := async.Await(co, async.Select2(l1.Accept(), l2.Accept()))
			s, err := e.V1.Get()
			if e.Index == 1 {
				s, err = e.V2.Get()
			}
			if err != nil {
				return err
			}
			defer s.Close()
			if s.RemoteAddr().String() != c.LocalAddr().String() {
				return fmt.Errorf("accepted %v, want %v", s.RemoteAddr(), c.LocalAddr())
			}
			return nil
		})
	})
}

func TestListenConfigBacklog(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		if _, err := (ListenConfig{Backlog: -1}).Listen("127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "backlog") {
			t.Errorf("Listen with a negative backlog: %v; want an error about it", err)
		}
		l, err := ListenConfig{Backlog: 3}.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		run(t, x, func(co *async.Co) error {
			c, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return err
			}
			defer c.Close()
			s, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return err
			}
			return s.Close()
		})
	})
}
