package netfd

import (
	"net"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
)

// Packet is a datagram socket: the body of a udp.Conn or a Unix datagram
// socket. Its receive and send futures live in it and are reused, and the
// sender's address is kept in the kernel's own format (RawAddr) inside the
// receive future, so a server receiving datagrams allocates nothing per
// datagram. One receive and one send may be in flight at once, from two
// tasks.
//
// Unlike a Stream, a Packet never takes a short receive to mean the socket
// is drained: more datagrams may be queued behind the one just read, so
// only EAGAIN clears its readiness.
//
// The addresses of LocalAddr, RemoteAddr and errors are asked for when
// first needed and kept; Connect forgets them. Packet is for datagram
// sockets (SOCK_DGRAM, or SOCK_SEQPACKET) only: on Linux a receive passes
// MSG_TRUNC, which on a stream socket would discard the data.
type Packet struct {
	FD
	names names // asked for once, forgotten by Connect
	rd    recvFuture
	wr    sendFuture
}

// Datagram is what a receive is ready with.
type Datagram struct {
	// N is how many bytes were copied into the buffer; 0 is a valid,
	// empty datagram, not the end of anything.
	N int
	// Truncated reports that the datagram was longer than the buffer:
	// its first N bytes are in the buffer and the rest is lost
	// (MSG_TRUNC). The socket is fine; the next receive gets the next
	// datagram.
	Truncated bool
	// From is the sender, for RecvFrom; nil for Recv. It points into the
	// Packet and is overwritten by the next RecvFrom: convert or copy it
	// before calling RecvFrom again. Its Len is 0 when the sender has no
	// address, as an unnamed Unix socket on Linux.
	From *RawAddr
}

// Init makes p a datagram socket over fd, a non-blocking socket.
func (p *Packet) Init(fd int, fam *Family) {
	p.FD.Init(fd)
	p.names.fam = fam
	p.rd.p = p
	p.wr.p = p
}

// RecvFrom returns p's receive future, receiving one datagram into buf: ready
// with its length, whether it was truncated, and its sender. Await or
// cancel it before the next RecvFrom or Recv.
func (p *Packet) RecvFrom(buf []byte) async.Future[async.Result[Datagram]] {
	p.rd.start(buf, true)
	return &p.rd
}

// Recv is RecvFrom without the sender, for a connected socket, where the
// kernel passes on only datagrams from the peer. Datagram.From is nil.
func (p *Packet) Recv(buf []byte) async.Future[async.Result[Datagram]] {
	p.rd.start(buf, false)
	return &p.rd
}

// SendTo returns p's send future, sending buf as one datagram to the
// address to: ready with len(buf), or with an error such as EMSGSIZE for a
// datagram the socket cannot carry. to is read when the future is polled:
// keep it unchanged until the future is done. Await or cancel the future
// before the next SendTo or Send.
func (p *Packet) SendTo(buf []byte, to *RawAddr) async.Future[async.Result[int]] {
	p.wr.buf, p.wr.to = buf, to
	return &p.wr
}

// Send is SendTo to the peer of a connected socket.
func (p *Packet) Send(buf []byte) async.Future[async.Result[int]] {
	p.wr.buf, p.wr.to = buf, nil
	return &p.wr
}

// Connect sets the socket's peer, the default destination of Send and the
// only sender Recv then sees; the kernel does it at once, as connect(2) on a
// datagram socket sends nothing. An AF_UNSPEC address dissolves the
// association on the systems that allow it. Errors are OpErrors with Op
// "dial", as the net package names a connect of a datagram socket.
func (p *Packet) Connect(to *RawAddr) error {
	sa, err := to.Sockaddr()
	if err == nil {
		err = p.Control(func(fd int) error { return unix.Connect(fd, sa) })
	}
	p.names.forget()
	if err != nil {
		return p.opErrorTo("dial", to, err)
	}
	return nil
}

// Close closes the socket (see FD.Close); its error is an OpError.
func (p *Packet) Close() error {
	if err := p.FD.Close(); err != nil {
		return p.OpError("close", err)
	}
	return nil
}

// LocalAddr returns the local address, or nil if the socket is not bound or
// was closed before anyone asked.
func (p *Packet) LocalAddr() net.Addr { return p.names.get(&p.FD).local }

// RemoteAddr returns the peer's address, or nil if the socket is not
// connected.
func (p *Packet) RemoteAddr() net.Addr { return p.names.get(&p.FD).remote }

// OpError describes a failed operation as the net package does, with the
// local address as Source and the peer's, if connected, as Addr, so that
// errors.Is sees the cause (a syscall.Errno, net.ErrClosed).
func (p *Packet) OpError(op string, err error) error {
	return p.opErrorTo(op, nil, err)
}

// opErrorTo is OpError with the destination to as Addr, when given.
func (p *Packet) opErrorTo(op string, to *RawAddr, err error) error {
	var far net.Addr
	if to != nil {
		if sa, serr := to.Sockaddr(); serr == nil {
			far = p.names.fam.Addr(sa)
		}
	}
	return p.names.opError(&p.FD, op, far, err)
}
