package udp

import (
	"net"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
)

// Conn is a UDP socket, bound and perhaps connected. Its receive and send
// futures live in it and are reused: await (or cancel) one before starting
// the next of the same kind. One receive (RecvFrom or Recv) and one send
// (SendTo or Send) may be in flight at once, from two tasks.
type Conn struct {
	p   netfd.Packet
	dom int // unix.AF_INET or unix.AF_INET6: how destinations are written
	rd  recvFuture
	wr  sendFuture
}

// Datagram is what a receive is ready with.
type Datagram struct {
	// N is how many bytes were copied into the buffer. 0 is a valid,
	// empty datagram.
	N int
	// Addr is the sender, for RecvFrom; the zero AddrPort for Recv.
	Addr netip.AddrPort
	// Truncated reports that the datagram was longer than the buffer: the
	// buffer holds its first N bytes and the rest is lost. It is a flag
	// rather than an error so that one oversized datagram from a stranger
	// cannot end a server's receive loop; a protocol with a maximum size
	// should check it.
	Truncated bool
}

// Bind opens a UDP socket bound to addr, "host:port". host is an IP
// address, "localhost" (127.0.0.1), or empty for every IPv4 address
// ("[::]:port" is every IPv6 address, and IPv4 too where the system allows
// it); port 0 picks a free port (see LocalAddr). Names are not looked up:
// a lookup would block.
//
// Bind waits for nothing, so it needs no runtime: the socket is registered
// with the reactor of the first task whose operation has to wait.
func Bind(addr string) (*Conn, error) {
	ap, err := parseAddr("listen", addr, true)
	if err != nil {
		return nil, err
	}
	c, err := open("listen", ap)
	if err != nil {
		return nil, err
	}
	if err := c.p.Control(func(fd int) error {
		sa, err := ap2sockaddr(ap)
		if err != nil {
			return err
		}
		return os.NewSyscallError("bind", unix.Bind(fd, sa))
	}); err != nil {
		c.p.Close()
		return nil, &net.OpError{Op: "listen", Net: "udp", Addr: net.UDPAddrFromAddrPort(ap), Err: err}
	}
	return c, nil
}

// Dial opens a UDP socket connected to addr, "host:port" with host an IP
// address or "localhost", bound to a free port. Connecting sends nothing:
// it sets the destination of Send, and the kernel then passes on only
// datagrams from addr and reports ICMP errors about it, such as a closed
// port (ECONNREFUSED), to the next receive or send. Names are not looked
// up.
func Dial(addr string) (*Conn, error) {
	ap, err := parseAddr("dial", addr, false)
	if err != nil {
		return nil, err
	}
	c, err := open("dial", ap)
	if err != nil {
		return nil, err
	}
	if err := c.Connect(ap); err != nil {
		c.p.Close()
		return nil, err
	}
	return c, nil
}

// open makes an unbound socket of the family of ap.
func open(op string, ap netip.AddrPort) (*Conn, error) {
	dom := domain(ap)
	fd, err := newSocket(dom)
	if err != nil {
		return nil, &net.OpError{Op: op, Net: "udp", Addr: net.UDPAddrFromAddrPort(ap), Err: os.NewSyscallError("socket", err)}
	}
	c := &Conn{dom: dom}
	c.p.Init(fd, family)
	return c, nil
}

// ap2sockaddr converts ap for a bind, which is not a hot path.
func ap2sockaddr(ap netip.AddrPort) (unix.Sockaddr, error) {
	var raw netfd.RawAddr
	if err := setRaw(&raw, domain(ap), ap); err != nil {
		return nil, err
	}
	return raw.Sockaddr()
}

// Connect sets the socket's peer to addr (see Dial); connecting again
// changes it. An IPv4 peer of an IPv6 socket is reached as ::ffff:a.b.c.d.
// Errors are *net.OpError values with Op "dial".
func (c *Conn) Connect(addr netip.AddrPort) error {
	var raw netfd.RawAddr
	if err := setRaw(&raw, c.dom, addr); err != nil {
		return &net.OpError{Op: "dial", Net: "udp", Source: c.LocalAddr(), Addr: net.UDPAddrFromAddrPort(addr), Err: err}
	}
	return c.p.Connect(&raw)
}

// RecvFrom returns c's receive future, receiving one datagram into buf:
// ready with its length, its sender and whether it was truncated. It
// allocates nothing (on Linux; the other systems' system call wrappers
// allocate the sender's address). After Close it fails with an error
// wrapping net.ErrClosed, and a task waiting on it is woken to see that.
func (c *Conn) RecvFrom(buf []byte) async.Future[async.Result[Datagram]] {
	c.rd.inner = c.p.RecvFrom(buf)
	return &c.rd
}

// Recv is RecvFrom for a connected socket, without the sender (it can
// only be the peer): Datagram.Addr is zero. It fails with ECONNREFUSED if
// an earlier datagram to the peer found its port closed.
func (c *Conn) Recv(buf []byte) async.Future[async.Result[Datagram]] {
	c.rd.inner = c.p.Recv(buf)
	return &c.rd
}

// SendTo returns c's send future, sending buf as one datagram to addr:
// ready with len(buf), or with an error such as EMSGSIZE for a datagram
// larger than the socket can carry. It allocates nothing unless addr has a
// zone that is an interface name. An IPv4 destination of an IPv6 socket is
// reached as ::ffff:a.b.c.d; an IPv6 one of an IPv4 socket is an error. A
// datagram sent is handed to the network, not delivered: UDP does not tell
// whether it arrives.
func (c *Conn) SendTo(buf []byte, addr netip.AddrPort) async.Future[async.Result[int]] {
	c.wr.err = nil
	if err := setRaw(&c.wr.to, c.dom, addr); err != nil {
		c.wr.err = &net.OpError{Op: "write", Net: "udp", Source: c.LocalAddr(), Addr: net.UDPAddrFromAddrPort(addr), Err: err}
	}
	c.wr.inner = c.p.SendTo(buf, &c.wr.to)
	return &c.wr
}

// Send is SendTo to the peer of a connected socket.
func (c *Conn) Send(buf []byte) async.Future[async.Result[int]] {
	c.wr.err = nil
	c.wr.inner = c.p.Send(buf)
	return &c.wr
}

// LocalAddr returns the address the socket is bound to, a *net.UDPAddr,
// with the port the kernel picked if it was asked for port 0; nil once
// closed, if it was never asked before.
func (c *Conn) LocalAddr() net.Addr { return c.p.LocalAddr() }

// RemoteAddr returns the peer of a connected socket, a *net.UDPAddr, or
// nil.
func (c *Conn) RemoteAddr() net.Addr { return c.p.RemoteAddr() }

// Close closes the socket. A task waiting to receive or send is woken and
// its future fails with an error wrapping net.ErrClosed. A second Close
// returns such an error too.
func (c *Conn) Close() error { return c.p.Close() }

// recvFuture is the Conn's RecvFrom and Recv: netfd's receive, with the
// sender converted to a netip.AddrPort. Only the task polling it touches
// it.
type recvFuture struct {
	inner async.Future[async.Result[netfd.Datagram]]
}

// Poll receives, or waits with the task's waker stored in the reactor.
func (f *recvFuture) Poll(cx *async.Context) (async.Result[Datagram], bool) {
	r, ok := f.inner.Poll(cx)
	if !ok {
		return async.Result[Datagram]{}, false
	}
	f.inner = nil
	d := Datagram{N: r.Value.N, Truncated: r.Value.Truncated}
	if r.Value.From != nil {
		d.Addr = rawToAddrPort(r.Value.From)
	}
	return async.Result[Datagram]{Value: d, Err: r.Err}, true
}

// TimeoutError describes the receive's timeout as its other errors, for
// timer.Timeout (see timer.TimeoutErrorer): "read udp 127.0.0.1:5000: i/o
// timeout".
func (f *recvFuture) TimeoutError(err error) error { return netfd.TimeoutError(f.inner, err) }

// Cancel takes the task's waker back from the reactor.
func (f *recvFuture) Cancel() {
	f.inner.Cancel()
	f.inner = nil
}

// sendFuture is the Conn's SendTo and Send. Only the task polling it
// touches it.
type sendFuture struct {
	to    netfd.RawAddr // the destination of SendTo, read by netfd's send
	err   error         // a destination this socket cannot reach
	inner async.Future[async.Result[int]]
}

// Poll sends, or waits for room with the task's waker stored in the
// reactor.
func (f *sendFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	if f.err != nil {
		// Failing without a send: the budget's unit is taken here.
		if !netfd.Proceed(cx) {
			return async.Result[int]{}, false
		}
		err := f.err
		f.err = nil
		f.inner.Cancel()
		f.inner = nil
		return async.Result[int]{Err: err}, true
	}
	r, ok := f.inner.Poll(cx)
	if !ok {
		return r, false
	}
	f.inner = nil
	return r, true
}

// TimeoutError describes the send's timeout as its other errors, with
// the destination (see recvFuture.TimeoutError).
func (f *sendFuture) TimeoutError(err error) error { return netfd.TimeoutError(f.inner, err) }

// Cancel takes the task's waker back from the reactor.
func (f *sendFuture) Cancel() {
	f.err = nil
	f.inner.Cancel()
	f.inner = nil
}
