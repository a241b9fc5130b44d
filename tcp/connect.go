package tcp

import (
	"fmt"
	"net"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/dns"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/reactor"
)

// Connect returns a future that connects to addr, "host:port", and is
// ready with the connection, or with an error naming the address, such as
// "dial tcp 127.0.0.1:1: connect: connection refused".
//
// An IP address or "localhost" (127.0.0.1) with a numeric port is
// connected to at once. Any other host, or a service name for the port
// ("example.com:https"), is looked up first with dns.LookupHostPort, on a
// goroutine of its own so that the executor does not block; then each of
// its addresses is tried in turn, in the resolver's order, until one
// connects. If none does, the error is the last address's.
//
// The handshake does not block: the future waits for the socket to turn
// writable. It has no timeout of its own; wrap it in timer.Timeout for
// one, which then bounds the lookup and every attempt together, and whose
// error names what was under way, as net.Dial's does:
//
//	c, err := async.Get(co, timer.Timeout(tcp.Connect(addr), 2*time.Second))
//	// err: dial tcp 192.0.2.1:80: i/o timeout
//
// Cancelling it cancels the lookup and closes the socket.
func Connect(addr string) async.Future[async.Result[*Conn]] {
	return &connectFuture{addr: addr, lookup: dns.LookupHostPort}
}

// connectFuture is the state machine of Connect: parse addr, perhaps look
// it up, then connect to one address after another until one succeeds.
type connectFuture struct {
	addr   string
	lookup func(hostport string) async.Future[async.Result[[]netip.AddrPort]]
	lk     async.Future[async.Result[[]netip.AddrPort]] // the lookup in flight
	next   []netip.AddrPort                             // the addresses left to try
	ep     endpoint                                     // the address being tried
	c      *Conn                                        // its socket, handshake under way
	err    error                                        // the last attempt's error
	state  connectState
}

type connectState uint8

const (
	connectStart connectState = iota
	connectLookup
	connectDial
	connectDone
)

// Poll parses addr on the first poll, then waits for the lookup, if any,
// and for the attempts.
func (f *connectFuture) Poll(cx *async.Context) (async.Result[*Conn], bool) {
	switch f.state {
	case connectDone:
		panic("tcp: Connect future polled after it was ready")
	case connectStart:
		// An address that fails to parse, or to open a socket, fails
		// without waiting: take the budget's unit before trying.
		if !netfd.Proceed(cx) {
			return async.Result[*Conn]{}, false
		}
		if err := f.begin(); err != nil {
			return f.finish(nil, err), true
		}
	}
	if f.state == connectLookup {
		r, ok := f.lk.Poll(cx)
		if !ok {
			return async.Result[*Conn]{}, false
		}
		f.lk = nil
		if r.Err != nil {
			return f.finish(nil, &net.OpError{Op: "dial", Net: "tcp", Err: r.Err}), true
		}
		if len(r.Value) == 0 { // package dns reports this as an error itself; guard anyway
			return f.finish(nil, &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("lookup %q: no addresses", f.addr)}), true
		}
		f.next, f.state = r.Value, connectDial
	}
	return f.dial(cx)
}

// begin parses addr: an address that needs no lookup is dialled at once.
func (f *connectFuture) begin() error {
	ep, lookup, err := resolve("dial", f.addr, false)
	if err != nil {
		return err
	}
	if lookup {
		f.lk, f.state = f.lookup(f.addr), connectLookup
		return nil
	}
	f.state = connectDial
	if err := f.start(ep); err != nil {
		return err
	}
	return nil
}

// dial waits for the attempt under way; when it fails, it starts the next
// address, until one connects or none is left.
func (f *connectFuture) dial(cx *async.Context) (async.Result[*Conn], bool) {
	for {
		if f.c == nil {
			if len(f.next) == 0 {
				return f.finish(nil, f.err), true
			}
			ap := f.next[0]
			f.next = f.next[1:]
			f.err = f.start(endpointOf(ap))
			continue
		}
		src, err := f.c.s.Source(cx)
		if err != nil {
			f.attemptFailed("", err) // the reactor's error names the registration
			continue
		}
		r, ok := netfd.PollIO(cx, src, reactor.Write, f)
		if !ok {
			return async.Result[*Conn]{}, false
		}
		if r.Err != nil {
			f.attemptFailed("connect", r.Err)
			continue
		}
		c := f.c
		f.c = nil
		return f.finish(c, nil), true
	}
}

// start opens a socket and starts the handshake with ep; an error names
// ep.
func (f *connectFuture) start(ep endpoint) error {
	f.ep = ep
	if ep.addr.Port == 0 {
		return &net.OpError{Op: "dial", Net: "tcp", Addr: ep.addr, Err: errPortZero}
	}
	fd, err := newSocket(ep.domain)
	if err != nil {
		return &net.OpError{Op: "dial", Net: "tcp", Addr: ep.addr, Err: os.NewSyscallError("socket", err)}
	}
	// EINPROGRESS is the normal answer: the handshake goes on in the
	// kernel (EINTR means the same, see connect(2)). A connect that is
	// done already, as it can be on loopback, is checked the same way.
	if err := netfd.Connect(fd, ep.sa); err != nil && err != unix.EINPROGRESS && err != unix.EINTR {
		unix.Close(fd)
		return &net.OpError{Op: "dial", Net: "tcp", Addr: ep.addr, Err: os.NewSyscallError("connect", err)}
	}
	f.c = newConn(fd)
	return nil
}

// attemptFailed closes the socket of the attempt under way and keeps its
// error, described with its address and with call, the system call whose
// error it is: "connect" for the handshake's outcome, or "" for an
// error that says what failed itself, such as the reactor's refusal to
// register the socket ("reactor: poll: register fd 11: ..."), which is
// no connect error.
func (f *connectFuture) attemptFailed(call string, err error) {
	f.release()
	if netfd.IsClosed(err) {
		err = net.ErrClosed
	} else if call != "" {
		err = os.NewSyscallError(call, err)
	}
	f.err = &net.OpError{Op: "dial", Net: "tcp", Addr: f.ep.addr, Err: err}
}

// Do checks whether the handshake is over; see connected.
func (f *connectFuture) Do() (int, bool, error) {
	err := f.c.s.Control(connected)
	return 0, false, err
}

// connected is the operation of the wait. The kernel keeps the outcome of
// a finished connect in SO_ERROR, 0 for success; but SO_ERROR is 0 while
// the handshake is still going too, and a new source starts out assumed
// writable, so on 0 the peer's address tells the two apart (Go's net
// package does the same). "Not yet" is reported as EAGAIN, which makes
// netfd.PollIO wait for the next event.
func connected(fd int) error {
	errno, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if errno != 0 {
		return unix.Errno(errno)
	}
	if _, err := unix.Getpeername(fd); err == unix.ENOTCONN {
		return unix.EAGAIN
	} else if err != nil {
		return err
	}
	return nil
}

// TimeoutError describes the connect's timeout as net.Dial does, for
// timer.Timeout (see timer.TimeoutErrorer): with the address being tried,
// "dial tcp 192.0.2.1:80: i/o timeout", or, while the name is looked up,
// "dial tcp: lookup example.com: i/o timeout".
func (f *connectFuture) TimeoutError(err error) error {
	oe := &net.OpError{Op: "dial", Net: "tcp", Err: err}
	switch {
	case f.state == connectLookup:
		host, _, _ := net.SplitHostPort(f.addr) // it parsed before the lookup started
		oe.Err = &net.DNSError{Err: err.Error(), Name: host, IsTimeout: true, UnwrapErr: err}
	case f.ep.addr != nil:
		oe.Addr = f.ep.addr
	}
	return oe
}

// finish ends the future with c or err.
func (f *connectFuture) finish(c *Conn, err error) async.Result[*Conn] {
	f.Cancel()
	if err != nil {
		return async.Err[*Conn](err)
	}
	return async.Ok(c)
}

// Cancel stops the lookup, if any, and closes the socket of a connect
// still under way.
func (f *connectFuture) Cancel() {
	f.state = connectDone
	if f.lk != nil {
		f.lk.Cancel()
		f.lk = nil
	}
	f.release()
	f.next = nil
}

// release lets go of the socket of the attempt under way: first the waker
// this future stored, so deregistering does not wake its own task, then
// the registration and the descriptor.
func (f *connectFuture) release() {
	if f.c == nil {
		return
	}
	f.c.s.CancelWait(reactor.Write)
	f.c.Close()
	f.c = nil
}
