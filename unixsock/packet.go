package unixsock

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
)

// PacketConn is a Unix datagram socket: each send is one message, which
// arrives whole or not at all, in order. Its receive and send futures
// live in it and are reused: await each before asking for the next of
// the same kind. One receive and one send may be in flight at once, from
// two tasks.
//
// On Linux, receiving and sending allocate nothing once the peer is known:
// the sender's path is converted to a string only when it differs from the
// last sender's, and a destination only when it differs from the last one
// sent to. (Elsewhere x/sys/unix allocates the sender's address.)
type PacketConn struct {
	p netfd.Packet
	// file is the socket file ListenPacket made, removed by Close if the
	// path still names it; nil for an abstract name or no name.
	file os.FileInfo
	path string // the name ListenPacket bound; "" if none

	rd recvFuture
	wr sendToFuture

	// Only the receiving task touches these: the last sender, raw and
	// converted.
	lastFrom     netfd.RawAddr
	lastFromName string
	// Only the sending task touches these: the last destination, given
	// and converted.
	dest     netfd.RawAddr
	destName string
}

// Datagram is what a receive is ready with.
type Datagram struct {
	// N is how many bytes were copied into the buffer. 0 is a valid,
	// empty datagram, not an end of stream: a datagram socket has none.
	N int
	// Truncated reports that the datagram was longer than the buffer: its
	// first N bytes are in the buffer and the rest is lost.
	Truncated bool
	// From is the sender's path for RecvFrom; "" for an unnamed sender (a
	// DialPacket socket, either end of a PacketPair), and for Recv.
	From string
}

// packetFamily converts the kernel's addresses for datagram sockets; an
// unnamed socket converts to nil, as for streams.
var packetFamily = &netfd.Family{Net: "unixgram", Addr: func(sa unix.Sockaddr) net.Addr {
	if a := sockAddr(sa, "unixgram"); a != nil {
		return a
	}
	return nil
}}

// newPacketConn wraps a non-blocking datagram socket, bound or connected
// already if it is going to be.
func newPacketConn(fd int) *PacketConn {
	c := &PacketConn{}
	c.p.Init(fd, packetFamily)
	c.rd.c = c
	c.wr.c = c
	return c
}

// ListenPacket binds a datagram socket to path, to receive from anyone
// who sends to path. As with Listen, the path must not exist, a path
// starting with "@" is an abstract name on Linux (an error elsewhere),
// and Close removes the file ListenPacket made. (The net package leaves
// a datagram socket's file behind; this package removes both kinds.)
//
// A client that wants answers binds a name of its own the same way and
// sends with SendTo: the server sees that name in RecvFrom.
func ListenPacket(path string) (*PacketConn, error) {
	sa, addr, err := resolve("listen", "unixgram", path)
	if err != nil {
		return nil, err
	}
	fd, err := newSocket(unix.SOCK_DGRAM)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: "unixgram", Addr: addr, Err: os.NewSyscallError("socket", err)}
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, &net.OpError{Op: "listen", Net: "unixgram", Addr: addr, Err: os.NewSyscallError("bind", err)}
	}
	var file os.FileInfo
	if !isAbstract(path) {
		if file, err = os.Lstat(path); err != nil {
			unix.Close(fd)
			return nil, &net.OpError{Op: "listen", Net: "unixgram", Addr: addr, Err: err}
		}
	}
	c := newPacketConn(fd)
	c.file, c.path = file, path
	return c, nil
}

// DialPacket opens an unnamed datagram socket connected to the one bound
// at path: Send sends there, and Recv receives only from there. It does
// not wait for anything; it fails at once with ENOENT if nothing is at
// path and ECONNREFUSED if the file there is not a bound datagram
// socket. Its own address is unnamed, so the socket at path cannot answer
// it: a client that wants answers uses ListenPacket and SendTo.
func DialPacket(path string) (*PacketConn, error) {
	sa, addr, err := resolve("dial", "unixgram", path)
	if err != nil {
		return nil, err
	}
	fd, err := newSocket(unix.SOCK_DGRAM)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: "unixgram", Addr: addr, Err: os.NewSyscallError("socket", err)}
	}
	if err := unix.Connect(fd, sa); err != nil {
		unix.Close(fd)
		return nil, &net.OpError{Op: "dial", Net: "unixgram", Addr: addr, Err: os.NewSyscallError("connect", err)}
	}
	return newPacketConn(fd), nil
}

// PacketPair returns two connected, unnamed datagram sockets
// (socketpair(2)): what one sends with Send, the other receives with
// Recv.
func PacketPair() (*PacketConn, *PacketConn, error) {
	fds, err := newPair(unix.SOCK_DGRAM)
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	return newPacketConn(fds[0]), newPacketConn(fds[1]), nil
}

// RecvFrom returns a future that receives one datagram into buf and is
// ready with its length, whether it was cut short, and the sender's path
// ("" if the sender is unnamed). The future is the PacketConn's own,
// shared with Recv: await it (or cancel it) before calling either again.
func (c *PacketConn) RecvFrom(buf []byte) async.Future[async.Result[Datagram]] {
	c.rd.inner = c.p.RecvFrom(buf)
	return &c.rd
}

// Recv is RecvFrom without the sender, for a connected socket (DialPacket,
// PacketPair), which receives only from its peer.
func (c *PacketConn) Recv(buf []byte) async.Future[async.Result[Datagram]] {
	c.rd.inner = c.p.Recv(buf)
	return &c.rd
}

// SendTo returns a future that sends buf as one datagram to the socket
// bound at path and is ready with len(buf). It waits only while the
// socket's send buffer is full, or, on Linux, while the receiver's queue
// is (net.unix.max_dgram_qlen datagrams, 10 by default). The kernel gives
// no event for room in another socket's queue, so that wait tries again
// on a timer, from 1 ms doubling to 50 ms; the BSDs and macOS fail with
// ENOBUFS instead. It fails with ENOENT if nothing is at path, ECONNREFUSED if no
// socket is bound there, and EMSGSIZE if buf is larger than a datagram
// may be. The future is the PacketConn's own, shared with Send: await it
// (or cancel it) before calling either again.
func (c *PacketConn) SendTo(buf []byte, path string) async.Future[async.Result[int]] {
	c.wr.buf, c.wr.path = buf, path
	return &c.wr
}

// Send sends buf as one datagram to the peer of a connected socket, as
// SendTo does.
func (c *PacketConn) Send(buf []byte) async.Future[async.Result[int]] { return c.p.Send(buf) }

// LocalAddr returns the socket's address, a *net.UnixAddr with Net
// "unixgram": the path ListenPacket bound, or an empty Name for an
// unnamed socket. Nil if the socket was closed before anyone asked.
func (c *PacketConn) LocalAddr() net.Addr { return c.named(c.p.LocalAddr()) }

// RemoteAddr returns the peer's address for a connected socket, as
// LocalAddr does; nil for a socket that is not connected.
func (c *PacketConn) RemoteAddr() net.Addr {
	a := c.p.RemoteAddr()
	if a == nil && c.connected() {
		return &net.UnixAddr{Net: "unixgram"}
	}
	return a
}

// named turns the nil that stands for an unnamed socket back into an
// address with an empty name, unless it means the socket was closed.
func (c *PacketConn) named(a net.Addr) net.Addr {
	if a == nil && !c.p.Closed() {
		return &net.UnixAddr{Net: "unixgram"}
	}
	return a
}

// connected reports whether the socket has a peer.
func (c *PacketConn) connected() bool {
	err := c.p.Control(func(fd int) error {
		_, err := unix.Getpeername(fd)
		return err
	})
	return err == nil
}

// Close closes the socket and removes the file ListenPacket made. A task
// waiting on a receive or a send is woken and gets an error wrapping
// net.ErrClosed. Closing twice returns net.ErrClosed.
func (c *PacketConn) Close() error {
	if err := c.p.Close(); err != nil {
		return err
	}
	removeIfSame(c.path, c.file)
	return nil
}
