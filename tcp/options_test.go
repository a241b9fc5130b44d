package tcp

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
)

// TestSizes keeps an idle connection cheap: a server holds one Conn per
// connection, and examples/echo's memory budget counts on the Conn being
// its Stream (112 bytes, an allocation class of its own) and nothing
// more; one more field would put it in the 128-byte class.
func TestSizes(t *testing.T) {
	if n := unsafe.Sizeof(Conn{}); n > 112 {
		t.Errorf("Conn is %d bytes; want at most 112", n)
	}
}

// withConn runs fn with the client end of a fresh loopback connection.
func withConn(t *testing.T, x rttest.Executor, fn func(c *Conn) error) {
	t.Helper()
	fdcheck.Check(t)
	run(t, x, func(co *async.Co) error {
		c, s, l, err := pair(co, "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer l.Close()
		defer s.Close()
		defer c.Close()
		return fn(c)
	})
}

// getInt reads an integer option of c's socket.
func getInt(c *Conn, level, name int) (int, error) {
	var v int
	err := c.s.Control(func(fd int) error {
		var err error
		v, err = unix.GetsockoptInt(fd, level, name)
		return err
	})
	return v, err
}

func TestSetNoDelay(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		withConn(t, x, func(c *Conn) error {
			for _, on := range []bool{false, true} {
				if err := c.SetNoDelay(on); err != nil {
					return err
				}
				if v, err := getInt(c, unix.IPPROTO_TCP, unix.TCP_NODELAY); err != nil || (v != 0) != on {
					return fmt.Errorf("TCP_NODELAY after SetNoDelay(%v): %d, %v", on, v, err)
				}
			}
			return nil
		})
	})
}

func TestSetKeepAlive(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		withConn(t, x, func(c *Conn) error {
			for _, on := range []bool{true, false} {
				if err := c.SetKeepAlive(on); err != nil {
					return err
				}
				if v, err := getInt(c, unix.SOL_SOCKET, unix.SO_KEEPALIVE); err != nil || (v != 0) != on {
					return fmt.Errorf("SO_KEEPALIVE after SetKeepAlive(%v): %d, %v", on, v, err)
				}
			}
			return nil
		})
	})
}

func TestSetKeepAlivePeriod(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		withConn(t, x, func(c *Conn) error {
			err := c.SetKeepAlivePeriod(2500 * time.Millisecond)
			if runtime.GOOS == "openbsd" {
				if !errors.Is(err, unix.ENOPROTOOPT) {
					return fmt.Errorf("SetKeepAlivePeriod on OpenBSD: %v; want ENOPROTOOPT", err)
				}
				return nil
			}
			if err != nil {
				return err
			}
			for _, opt := range keepAliveOptions {
				// 2.5 s is rounded up to whole seconds.
				if v, err := getInt(c, unix.IPPROTO_TCP, opt.name); err != nil || v != 3 {
					return fmt.Errorf("%s after SetKeepAlivePeriod(2.5s): %d, %v; want 3", opt.text, v, err)
				}
			}
			if err := c.SetKeepAlivePeriod(0); !errors.Is(err, unix.EINVAL) {
				return fmt.Errorf("SetKeepAlivePeriod(0): %v; want EINVAL", err)
			}
			return nil
		})
	})
}

func TestSetBuffers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		withConn(t, x, func(c *Conn) error {
			const size = 64 << 10
			for _, opt := range []struct {
				name int
				text string
				set  func(int) error
			}{
				{unix.SO_RCVBUF, "SO_RCVBUF", c.SetReadBuffer},
				{unix.SO_SNDBUF, "SO_SNDBUF", c.SetWriteBuffer},
			} {
				if err := opt.set(size); err != nil {
					return err
				}
				// Linux reports twice what was set (socket(7)); the BSDs and
				// macOS report it as set.
				v, err := getInt(c, unix.SOL_SOCKET, opt.name)
				if err != nil || (v != size && v != 2*size) {
					return fmt.Errorf("%s after setting %d: %d, %v", opt.text, size, v, err)
				}
			}
			return nil
		})
	})
}

func TestSetLinger(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		withConn(t, x, func(c *Conn) error {
			for _, tc := range []struct {
				sec         int
				onoff, secs int32
			}{{-1, 0, 0}, {0, 1, 0}, {7, 1, 7}, {-5, 0, 0}} {
				if err := c.SetLinger(tc.sec); err != nil {
					return err
				}
				var l *unix.Linger
				err := c.s.Control(func(fd int) error {
					var err error
					l, err = unix.GetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER)
					return err
				})
				if err != nil {
					return err
				}
				if (l.Onoff != 0) != (tc.onoff != 0) || (tc.onoff != 0 && l.Linger != tc.secs) {
					return fmt.Errorf("SO_LINGER after SetLinger(%d): %+v", tc.sec, *l)
				}
			}
			return nil
		})
	})
}

// TestOptionsAfterClose reports a closed connection, not a bad descriptor.
func TestOptionsAfterClose(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			c.Close()
			for name, err := range map[string]error{
				"SetNoDelay":         c.SetNoDelay(true),
				"SetKeepAlive":       c.SetKeepAlive(true),
				"SetKeepAlivePeriod": c.SetKeepAlivePeriod(time.Second),
				"SetReadBuffer":      c.SetReadBuffer(1 << 16),
				"SetWriteBuffer":     c.SetWriteBuffer(1 << 16),
				"SetLinger":          c.SetLinger(0),
			} {
				var oe *net.OpError
				if !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) {
					return fmt.Errorf("%s after Close: %v; want a *net.OpError wrapping net.ErrClosed", name, err)
				}
			}
			return nil
		})
	})
}
