package netfd

import (
	"net"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// names is a socket's family and its two addresses, asked of the kernel
// the first time someone wants them and then kept: a server that never
// logs an address never pays for one. Stream and Packet share it for
// their Addr methods and their errors.
type names struct {
	fam   *Family
	addrs atomic.Pointer[addrPair]
}

type addrPair struct{ local, remote net.Addr }

// get returns d's addresses, asking the kernel if they are not known.
// Nothing is kept if d is closed: both are nil then.
func (n *names) get(d *FD) addrPair {
	if a := n.addrs.Load(); a != nil {
		return *a
	}
	var a addrPair
	err := d.Control(func(fd int) error {
		if sa, err := unix.Getsockname(fd); err == nil {
			a.local = n.fam.Addr(sa)
		}
		if sa, err := unix.Getpeername(fd); err == nil {
			a.remote = n.fam.Addr(sa)
		}
		return nil
	})
	if err == nil {
		n.addrs.CompareAndSwap(nil, &a)
	}
	return a
}

// forget drops the kept addresses, after a connect changed the peer.
func (n *names) forget() { n.addrs.Store(nil) }

// opError describes a failed operation as the net package does,
// "read tcp 127.0.0.1:5000->127.0.0.1:41000: connection reset by peer", so
// that errors.Is sees the cause (a syscall.Errno, net.ErrClosed). to, if
// not nil, names the far end in place of the peer (a datagram's
// destination).
func (n *names) opError(d *FD, op string, to net.Addr, err error) error {
	if IsClosed(err) {
		err = net.ErrClosed
	}
	oe := &net.OpError{Op: op, Net: n.fam.Net, Err: err}
	a := n.get(d)
	if to != nil {
		a.remote = to
	}
	if a.local != nil {
		oe.Source = a.local
	}
	if a.remote != nil {
		oe.Addr = a.remote
	}
	return oe
}

// TimeoutError returns the error of a timeout of f, a future that wraps
// one of this package's, for the wrapper's own TimeoutError (see
// timer.TimeoutErrorer): f's description of err, or err itself if f has
// none (it is nil, say, as a wrapper's inner future is between uses).
func TimeoutError(f any, err error) error {
	if op, ok := f.(interface{ TimeoutError(error) error }); ok {
		return op.TimeoutError(err)
	}
	return err
}
