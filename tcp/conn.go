package tcp

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
)

// Conn is a TCP connection. Its Read and Write futures are reusable and
// live in the Conn, so awaiting them allocates nothing: await each before
// asking for the next of the same kind. One Read and one Write may be in
// flight at once, from two tasks.
//
// A Conn is registered with the reactor of the first task whose read or
// write has to wait, and stays with that reactor until Close. It keeps no
// buffer and no address until asked: an idle connection costs its Conn
// (112 bytes) and its reactor source (64).
type Conn struct {
	s netfd.Stream
}

// family converts the kernel's addresses for the streams of this package.
var family = &netfd.Family{Net: "tcp", Addr: func(sa unix.Sockaddr) net.Addr {
	if a := tcpAddr(sa); a != nil {
		return a
	}
	return nil
}}

// newConn wraps a connected, non-blocking socket. The socket's options are
// set here so that every Conn, accepted or dialled, starts alike.
func newConn(fd int) *Conn {
	c := &Conn{}
	c.init(fd)
	return c
}

// init makes the zero Conn c a Conn over fd, as newConn does.
func (c *Conn) init(fd int) {
	c.s.Init(fd, family)
	// Nagle's algorithm delays small writes; a runtime whose users write
	// whole messages wants them sent, as Go's net package does by default.
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
}

// Read returns a future that reads into buf and is ready with how many
// bytes it read, at least one unless buf is empty. At end of stream it is
// ready with 0 and io.EOF. The future is the Conn's own, reused by every
// Read: await it (or cancel it) before calling Read again.
//
// buf is used only while the future is polled, so tasks on one executor
// may share one buffer, as long as each takes its bytes out before it
// waits again: an idle connection then holds no buffer at all.
func (c *Conn) Read(buf []byte) async.Future[async.Result[int]] { return c.s.Read(buf) }

// Write returns a future that writes what it can of buf, waiting until at
// least one byte fits, and is ready with how many bytes it wrote. The
// future is the Conn's own, shared with WriteAll: await it (or cancel it)
// before calling either again.
func (c *Conn) Write(buf []byte) async.Future[async.Result[int]] { return c.s.Write(buf) }

// WriteAll returns a future that writes all of buf, in as many writes as
// the socket needs, and is ready with len(buf), or with the bytes written
// before an error and the error.
func (c *Conn) WriteAll(buf []byte) async.Future[async.Result[int]] { return c.s.WriteAll(buf) }

// LocalAddr returns the local address of the connection. It is asked of
// the kernel the first time and kept; nil if the Conn was closed first.
func (c *Conn) LocalAddr() net.Addr { return c.s.LocalAddr() }

// RemoteAddr returns the address of the peer, as LocalAddr does.
func (c *Conn) RemoteAddr() net.Addr { return c.s.RemoteAddr() }

// CloseWrite shuts down the sending side: the peer reads end of stream
// once it has read what was sent. Reading goes on.
func (c *Conn) CloseWrite() error { return c.s.CloseWrite() }

// CloseRead shuts down the receiving side: Read reports end of stream.
// Writing goes on.
func (c *Conn) CloseRead() error { return c.s.CloseRead() }

// Close deregisters the connection and closes it. A task waiting on its
// Read or Write is woken and gets an error wrapping net.ErrClosed. Closing
// twice returns net.ErrClosed.
func (c *Conn) Close() error { return c.s.Close() }

// String describes the connection, for logs.
func (c *Conn) String() string {
	return fmt.Sprintf("tcp %v->%v", c.LocalAddr(), c.RemoteAddr())
}
