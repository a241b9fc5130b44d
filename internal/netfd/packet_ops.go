package netfd

import (
	"net"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// recvFuture is the Packet's RecvFrom and Recv. Only the task polling it
// touches it. The sender's address is written here, so a receive builds
// nothing on the heap.
type recvFuture struct {
	p        *Packet
	buf      []byte
	wantFrom bool
	from     RawAddr
}

// start arms the future for one receive into buf.
func (f *recvFuture) start(buf []byte, wantFrom bool) {
	f.buf, f.wantFrom = buf, wantFrom
}

// Poll receives a datagram, or stores the task's waker and waits.
func (f *recvFuture) Poll(cx *async.Context) (async.Result[Datagram], bool) {
	r, ok := pollPacket(cx, f.p, reactor.Read, f)
	if !ok {
		return r, false
	}
	f.buf = nil
	if r.Err != nil {
		r.Err = f.p.OpError("read", r.Err)
		return r, true
	}
	if f.wantFrom {
		r.Value.From = &f.from
	}
	return r, true
}

// Do is one receive: recvfrom(2) on Linux, recvmsg(2) elsewhere (see
// recvFrom). It never reports drained: another datagram may be
// queued behind this one, however short it was.
func (f *recvFuture) Do() (Datagram, bool, error) {
	if !f.p.Acquire() {
		return Datagram{}, false, net.ErrClosed
	}
	var from *RawAddr
	if f.wantFrom {
		from = &f.from
	}
	n, trunc, err := recvFrom(f.p.sysfd, f.buf, from)
	f.p.Release()
	return Datagram{N: n, Truncated: trunc}, false, err
}

// TimeoutError describes the receive's timeout as its other errors, for
// timer.Timeout (see timer.TimeoutErrorer):
// "read udp 127.0.0.1:5000: i/o timeout".
func (f *recvFuture) TimeoutError(err error) error { return f.p.OpError("read", err) }

// Cancel takes the task's waker back from the source.
func (f *recvFuture) Cancel() {
	f.buf = nil
	f.p.CancelWait(reactor.Read)
}

// sendFuture is the Packet's SendTo and Send. Only the task polling it
// touches it.
type sendFuture struct {
	p   *Packet
	buf []byte
	to  *RawAddr // nil for Send
}

// Poll sends the datagram, or stores the task's waker and waits for room.
func (f *sendFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	r, ok := pollPacket(cx, f.p, reactor.Write, f)
	if !ok {
		return r, false
	}
	to := f.to
	f.buf, f.to = nil, nil
	if r.Err != nil {
		r.Err = f.p.opErrorTo("write", to, r.Err)
	}
	return r, true
}

// Do is one sendto(2). A datagram goes whole or not at all, and a full
// buffer says EAGAIN, so it never reports drained.
func (f *sendFuture) Do() (int, bool, error) {
	if !f.p.Acquire() {
		return 0, false, net.ErrClosed
	}
	n, err := sendTo(f.p.sysfd, f.buf, f.to)
	f.p.Release()
	return n, false, err
}

// TimeoutError describes the send's timeout as its other errors, with
// the destination (see recvFuture.TimeoutError).
func (f *sendFuture) TimeoutError(err error) error { return f.p.opErrorTo("write", f.to, err) }

// Cancel takes the task's waker back from the source.
func (f *sendFuture) Cancel() {
	f.buf, f.to = nil, nil
	f.p.CancelWait(reactor.Write)
}

// pollPacket runs op with PollIO on p's source in direction dir.
func pollPacket[T any, O IOOp[T]](cx *async.Context, p *Packet, dir reactor.Direction, op O) (async.Result[T], bool) {
	src, err := p.Source(cx)
	if err != nil {
		if !Proceed(cx) {
			return async.Result[T]{}, false
		}
		return async.Result[T]{Err: err}, true
	}
	return PollIO(cx, src, dir, op)
}
