package tcp

import (
	"time"

	"golang.org/x/sys/unix"
)

// The socket options of a Conn. Each setter makes one setsockopt call on
// the descriptor, and its error is a *net.OpError naming the option, or
// wrapping net.ErrClosed after Close.

// SetNoDelay turns Nagle's algorithm off (true, the default) or on.
func (c *Conn) SetNoDelay(noDelay bool) error {
	return c.setInt("set TCP_NODELAY", unix.IPPROTO_TCP, unix.TCP_NODELAY, boolInt(noDelay))
}

// SetKeepAlive turns TCP keep-alive probes on or off (SO_KEEPALIVE; off
// by default). With them on, a peer that vanished without closing, such
// as a host that lost power, is noticed after the keep-alive period and
// then fails the connection's reads and writes.
func (c *Conn) SetKeepAlive(keepAlive bool) error {
	return c.setInt("set SO_KEEPALIVE", unix.SOL_SOCKET, unix.SO_KEEPALIVE, boolInt(keepAlive))
}

// SetKeepAlivePeriod sets how long the connection may stay idle before
// the first keep-alive probe, and the time between probes, both d rounded
// up to whole seconds (TCP_KEEPIDLE and TCP_KEEPINTVL; TCP_KEEPALIVE and
// TCP_KEEPINTVL on macOS); d must be positive. It does not turn the
// probes on: see SetKeepAlive. OpenBSD has no such per-socket option, and there it
// returns an error wrapping ENOPROTOOPT.
func (c *Conn) SetKeepAlivePeriod(d time.Duration) error {
	if d <= 0 {
		return c.s.OpError("set keep-alive period", unix.EINVAL)
	}
	secs := int((d + time.Second - 1) / time.Second)
	err := c.s.Control(func(fd int) error { return setKeepAlivePeriod(fd, secs) })
	if err != nil {
		return c.s.OpError("set keep-alive period", err)
	}
	return nil
}

// SetReadBuffer sets the size of the kernel's receive buffer for the
// connection (SO_RCVBUF). Linux doubles the value for its bookkeeping and
// caps it at net.core.rmem_max.
func (c *Conn) SetReadBuffer(bytes int) error {
	return c.setInt("set SO_RCVBUF", unix.SOL_SOCKET, unix.SO_RCVBUF, bytes)
}

// SetWriteBuffer sets the size of the kernel's send buffer for the
// connection (SO_SNDBUF), as SetReadBuffer does for receiving.
func (c *Conn) SetWriteBuffer(bytes int) error {
	return c.setInt("set SO_SNDBUF", unix.SOL_SOCKET, unix.SO_SNDBUF, bytes)
}

// SetLinger sets what Close does with data not yet sent (SO_LINGER), as
// the net package's TCPConn.SetLinger does. With sec < 0, the default,
// Close returns at once and the kernel sends the data in the background.
// With sec == 0, Close discards the data and resets the connection (the
// peer sees ECONNRESET). With sec > 0, the data is sent in the background
// as with sec < 0, except that on some systems Close blocks until it is
// sent or sec seconds have passed; with any unsent data left after that,
// the connection is reset.
func (c *Conn) SetLinger(sec int) error {
	l := unix.Linger{}
	if sec >= 0 {
		l.Onoff, l.Linger = 1, int32(sec)
	}
	err := c.s.Control(func(fd int) error { return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &l) })
	if err != nil {
		return c.s.OpError("set SO_LINGER", err)
	}
	return nil
}

// setInt sets an integer socket option; op names it in the error.
func (c *Conn) setInt(op string, level, name, v int) error {
	err := c.s.Control(func(fd int) error { return unix.SetsockoptInt(fd, level, name, v) })
	if err != nil {
		return c.s.OpError(op, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
