package unixsock

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
)

// Conn is a connected Unix stream socket. Its Read and Write futures are
// reusable and live in the Conn, so awaiting them allocates nothing:
// await each before asking for the next of the same kind. One Read and one
// Write may be in flight at once, from two tasks.
//
// A Conn is registered with the reactor of the first task whose read or
// write has to wait, and stays with that reactor until Close. It keeps no
// buffer and no address until asked.
type Conn struct {
	s netfd.Stream
}

// streamFamily converts the kernel's addresses for the streams of this
// package. An unnamed end converts to nil, so that errors read
// "read unix /run/app.sock: broken pipe" rather than name an empty
// address; LocalAddr and RemoteAddr put the unnamed address back.
var streamFamily = &netfd.Family{Net: "unix", Addr: func(sa unix.Sockaddr) net.Addr {
	if a := sockAddr(sa, "unix"); a != nil {
		return a
	}
	return nil
}}

// newConn wraps a connected, non-blocking stream socket.
func newConn(fd int) *Conn {
	c := &Conn{}
	c.s.Init(fd, streamFamily)
	return c
}

// Read returns a future that reads into buf and is ready with how many
// bytes it read, at least one unless buf is empty. At end of stream it is
// ready with 0 and io.EOF. The future is the Conn's own, reused by every
// Read: await it (or cancel it) before calling Read again.
//
// buf is used only while the future is polled, so tasks on one executor
// may share one buffer, as long as each takes its bytes out before it
// waits again.
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

// LocalAddr returns the local address, a *net.UnixAddr: the listener's
// path for an accepted connection, an empty Name for the connecting end
// and for the ends of a Pair. It is asked of the kernel the first time and
// kept; nil if the Conn was closed before anyone asked.
func (c *Conn) LocalAddr() net.Addr { return c.named(c.s.LocalAddr()) }

// RemoteAddr returns the peer's address, as LocalAddr does: the path the
// connection was made to for the connecting end, an empty Name for an
// accepted connection.
func (c *Conn) RemoteAddr() net.Addr { return c.named(c.s.RemoteAddr()) }

// named turns the nil that stands for an unnamed end back into an address
// with an empty name, unless it means the Conn was closed.
func (c *Conn) named(a net.Addr) net.Addr {
	if a == nil && !c.s.Closed() {
		return &net.UnixAddr{Net: "unix"}
	}
	return a
}

// PeerCred returns the credentials of the process at the other end, as
// the kernel recorded them when the connection was made (or the pair
// created): they do not change if that process later changes its user or
// passes the socket on. See Cred for what each system provides.
func (c *Conn) PeerCred() (Cred, error) {
	var cred Cred
	err := c.s.Control(func(fd int) error {
		var err error
		cred, err = peerCred(fd)
		return err
	})
	if err != nil {
		return Cred{}, c.s.OpError("peer credentials", err)
	}
	return cred, nil
}

// File returns a duplicate of the connection's descriptor as an *os.File,
// to hand to a child process (exec.Cmd's ExtraFiles), the other end of a
// Pair staying with the parent. The duplicate is close-on-exec in this
// process (ExtraFiles passes it on all the same) and shares the socket's
// open file description, so it is non-blocking too, which Go programs
// handle. Closing it does not close the Conn, nor the Conn it.
func (c *Conn) File() (*os.File, error) {
	var nfd int
	err := c.s.Control(func(fd int) error {
		var err error
		nfd, err = unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, c.s.OpError("file", os.NewSyscallError("fcntl", err))
	}
	return os.NewFile(uintptr(nfd), c.String()), nil
}

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
	return fmt.Sprintf("unix %v->%v", c.LocalAddr(), c.RemoteAddr())
}
