package unixsock

import (
	"net"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
)

// recvFuture is the PacketConn's RecvFrom and Recv: netfd's receive, with
// the sender converted to a path. Only the receiving task touches it.
type recvFuture struct {
	c     *PacketConn
	inner async.Future[async.Result[netfd.Datagram]]
}

// Poll receives a datagram, or waits for one.
func (f *recvFuture) Poll(cx *async.Context) (async.Result[Datagram], bool) {
	r, ok := f.inner.Poll(cx)
	if !ok {
		return async.Result[Datagram]{}, false
	}
	f.inner = nil
	d := Datagram{N: r.Value.N, Truncated: r.Value.Truncated}
	if r.Value.From != nil {
		d.From = f.c.senderName(r.Value.From)
	}
	return async.Result[Datagram]{Value: d, Err: r.Err}, true
}

// TimeoutError describes the receive's timeout as its other errors, for
// timer.Timeout (see timer.TimeoutErrorer).
func (f *recvFuture) TimeoutError(err error) error { return netfd.TimeoutError(f.inner, err) }

// Cancel cancels netfd's receive, which takes the task's waker back.
func (f *recvFuture) Cancel() {
	if f.inner != nil {
		f.inner.Cancel()
		f.inner = nil
	}
}

// senderName converts the sender's address to its path, "" if unnamed.
// A server mostly hears again from whom it just heard, so the last
// conversion is kept, and reused while the raw address is the same: the
// comparison takes in the bytes past the address's length too, which
// the next receive from the same sender leaves as they were, so at worst
// a conversion is made twice.
func (c *PacketConn) senderName(from *netfd.RawAddr) string {
	if *from == c.lastFrom {
		return c.lastFromName
	}
	name := ""
	if from.Family() == unix.AF_UNIX {
		if sa, err := from.Sockaddr(); err == nil {
			if a := sockAddr(sa, "unixgram"); a != nil {
				name = a.Name
			}
		}
	}
	c.lastFrom, c.lastFromName = *from, name
	return name
}

// sendToFuture is the PacketConn's SendTo: the destination converted to
// the kernel's form on the first poll, then netfd's send, paced by a
// timer when the receiver's queue is full. Only the sending task touches
// it.
//
// The pacing is for Linux, where a send to a full queue on a socket that
// is not connected to the receiver says EAGAIN, and the kernel frees the
// buffer it had taken for the datagram, which wakes the sender as
// writable: waiting for writability would try again at every turn of the
// reactor, at full speed, until the queue has room (unix_dgram_sendmsg;
// a connected sender is woken only when its peer's queue has room). So
// after a second EAGAIN in a row the next try waits for the retry timer.
// A first EAGAIN waits for writability alone, which is right when the
// sender's own buffer was full: its datagrams were read, and the next
// fits at once. (A pending that was the task's budget running out, not
// EAGAIN, counts as a miss too; at worst the send then waits 1 ms.)
type sendToFuture struct {
	c      *PacketConn
	buf    []byte
	path   string
	inner  async.Future[async.Result[int]] // nil before the first poll
	missed bool                            // a try said EAGAIN
	retry  retry
}

// Poll sends the datagram, or waits for room.
func (f *sendToFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	if f.inner == nil {
		if err := f.c.setDest(f.path); err != nil {
			// Failing without a send: the budget's unit is taken here.
			if !netfd.Proceed(cx) {
				return async.Result[int]{}, false
			}
			f.buf = nil
			return async.Err[int](err), true
		}
		f.inner = f.c.p.SendTo(f.buf, &f.c.dest)
	}
	for {
		if f.retry.waiting(cx) {
			return async.Result[int]{}, false
		}
		r, ok := f.inner.Poll(cx)
		if ok {
			f.finish()
			return r, true
		}
		if !f.missed {
			f.missed = true
			return r, false
		}
		armed, err := f.retry.arm(cx)
		if err != nil {
			f.inner.Cancel()
			f.finish()
			return async.Err[int](err), true
		}
		if armed {
			return r, false
		}
	}
}

// finish makes the future idle for the next SendTo.
func (f *sendToFuture) finish() {
	f.retry.reset()
	f.buf, f.inner, f.missed = nil, nil, false
}

// TimeoutError describes the send's timeout as its other errors, with the
// destination, for timer.Timeout (see timer.TimeoutErrorer).
func (f *sendToFuture) TimeoutError(err error) error {
	if f.inner == nil {
		return &net.OpError{Op: "write", Net: "unixgram", Addr: &net.UnixAddr{Name: f.path, Net: "unixgram"}, Err: err}
	}
	return netfd.TimeoutError(f.inner, err)
}

// Cancel cancels netfd's send, if it was started, and stops the timer.
func (f *sendToFuture) Cancel() {
	if f.inner != nil {
		f.inner.Cancel()
	}
	f.finish()
}

// setDest makes path the destination of the next send, converting it
// unless it is the last destination. netfd reads the destination while
// the send is polled, and only the next SendTo changes it, once this one
// is done.
func (c *PacketConn) setDest(path string) error {
	if path == c.destName && c.dest.Len != 0 {
		return nil
	}
	sa, addr, err := resolve("write", "unixgram", path)
	if err != nil {
		return err
	}
	if err := c.dest.Set(sa); err != nil {
		c.dest.Len = 0
		return &net.OpError{Op: "write", Net: "unixgram", Addr: addr, Err: err}
	}
	c.destName = path
	return nil
}
