package tcp

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// Conn is a TCP connection. Its Read and Write futures are reusable and
// live in the Conn, so awaiting them allocates nothing: await each before
// asking for the next of the same kind. One Read and one Write may be in
// flight at once, from two tasks.
//
// A Conn is registered with the reactor of the first task whose read or
// write has to wait, and stays with that reactor until Close.
type Conn struct {
	fd     netFD
	local  *net.TCPAddr
	remote *net.TCPAddr

	rd readFuture
	wr writeFuture
}

// newConn wraps a connected, non-blocking socket. The socket's options are
// set here so that every Conn, accepted or dialled, starts alike.
func newConn(fd int, remote *net.TCPAddr) *Conn {
	c := &Conn{fd: netFD{fd: fd}, remote: remote}
	c.local = localAddr(fd)
	if c.remote == nil {
		if sa, err := unix.Getpeername(fd); err == nil {
			c.remote = tcpAddr(sa)
		}
	}
	// Nagle's algorithm delays small writes; a runtime whose users write
	// whole messages wants them sent, as Go's net package does by default.
	c.SetNoDelay(true)
	c.rd.init(c)
	c.wr.init(c)
	return c
}

// LocalAddr returns the local address of the connection.
func (c *Conn) LocalAddr() net.Addr { return c.local }

// RemoteAddr returns the address of the peer.
func (c *Conn) RemoteAddr() net.Addr { return c.remote }

// SetNoDelay turns Nagle's algorithm off (true, the default) or on.
func (c *Conn) SetNoDelay(noDelay bool) error {
	v := 0
	if noDelay {
		v = 1
	}
	_, err := c.fd.syscall(func(fd int) (int, error) {
		return 0, unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, v)
	})
	if err != nil {
		return c.opError("set TCP_NODELAY", err)
	}
	return nil
}

// CloseWrite shuts down the sending side: the peer reads end of stream
// once it has read what was sent. Reading goes on.
func (c *Conn) CloseWrite() error {
	_, err := c.fd.syscall(func(fd int) (int, error) {
		return 0, unix.Shutdown(fd, unix.SHUT_WR)
	})
	if err != nil {
		return c.opError("close write", err)
	}
	return nil
}

// Close deregisters the connection and closes it. A task waiting on its
// Read or Write is woken and gets an error wrapping net.ErrClosed. Closing
// twice returns net.ErrClosed.
func (c *Conn) Close() error {
	if err := c.fd.close(); err != nil {
		return c.opError("close", err)
	}
	return nil
}

// opError describes a failed operation the way the net package does,
// "read tcp 127.0.0.1:5000->127.0.0.1:41000: connection reset by peer",
// so that errors.Is sees the cause (a syscall.Errno, net.ErrClosed).
func (c *Conn) opError(op string, err error) error {
	if isClosedErr(err) {
		err = net.ErrClosed
	}
	oe := &net.OpError{Op: op, Net: "tcp", Err: err}
	if c.local != nil {
		oe.Source = c.local
	}
	if c.remote != nil {
		oe.Addr = c.remote
	}
	return oe
}

// String describes the connection, for logs.
func (c *Conn) String() string {
	return fmt.Sprintf("tcp %v->%v", c.local, c.remote)
}
