package websocket

import (
	"crypto/rand"
	"errors"

	"github.com/asyncgo/async"
)

// Writes leave in frames built in a buffer borrowed from the pool: the
// control frames the read side owes, then the frame's header and payload
// (masked by a client, compressed when permessage-deflate was agreed).
// A server's large uncompressed payload is not copied: the header goes
// out first, then the caller's bytes. The buffer goes back to the pool
// when the write is done, so an idle connection holds none.

// largePayload is the size from which a server writes a payload from the
// caller's slice instead of copying it next to its header.
const largePayload = 16 << 10

// writer is the write side's state, owned by the future that holds the
// socket's writing (sharedState.busy).
type writer struct {
	f         frameState // of the write in flight: WriteMessage, Ping, a MessageWriter's, Close's
	streaming bool       // a MessageWriter's message is open
	more      *writeMore // made at the first use, as few connections need it
}

// writeMore holds the futures of the write side's rarer operations.
type writeMore struct {
	mw     MessageWriter
	closeF closeFuture
	ping   pingFuture
}

func (w *writer) extra() *writeMore {
	if w.more == nil {
		w.more = new(writeMore)
	}
	return w.more
}

// frameWrite is the future that writes one frame (and the control frames
// owed before and after it): the Conn itself, whose frameState holds the
// write's state.
type frameWrite Conn

// frameState is the state of the frame being written.
type frameState struct {
	out    []byte // header (and payload, unless large) to write
	direct []byte // a large payload written after out, from the caller's slice
	inner  async.Future[async.Result[int]]
	sent   int32
	dsent  int32

	// Small fields last, packed together.
	op      opcode
	fin     bool
	state   uint8
	written bool // some byte of the frame is out: it cannot be taken back
}

const (
	fwStart uint8 = iota
	fwWrite
	fwDone
)

// WriteMessage returns a future that writes data as one message of type
// t, compressed if permessage-deflate was agreed. It is ready with nil
// once the socket took the message: a peer that does not read holds the
// writer up, so memory does not grow. data must not change until then.
//
// Cancelling it before any byte is out loses nothing; after, the
// connection cannot go on (half a frame is on the wire) and is closed.
func (c *Conn) WriteMessage(t MessageType, data []byte) async.Future[error] {
	if t != Text && t != Binary {
		return async.Ready[error](errors.New("websocket: WriteMessage of a message type that is neither Text nor Binary"))
	}
	if c.wr.streaming {
		return async.Ready[error](errors.New("websocket: WriteMessage while a MessageWriter's message is open"))
	}
	return c.writeFrame(opcode(t), true, data)
}

// Ping returns a future that sends a ping with data (at most 125 bytes)
// and is ready with nil once the peer's pong with the same data has
// arrived: a round trip, to check the peer is there. The pong is read by
// the read in flight, so one must be going (see Conn). Bound the wait
// with timer.Timeout; cancelled, Ping stops waiting.
func (c *Conn) Ping(data []byte) async.Future[error] {
	if len(data) > maxControlPayload {
		return async.Ready[error](errors.New("websocket: ping payload over 125 bytes"))
	}
	f := &c.wr.extra().ping
	*f = pingFuture{c: c}
	f.n = copy(f.data[:], data)
	return f
}

// pingFuture is Ping's future: the write of the ping, then the wait for
// its pong.
type pingFuture struct {
	c       *Conn
	data    [maxControlPayload]byte
	n       int
	inner   *frameWrite
	waiting bool
}

func (f *pingFuture) Poll(cx *async.Context) (error, bool) {
	c := f.c
	if !f.waiting {
		if f.inner == nil {
			c.mu.Lock()
			c.sh.pingWait, c.sh.pongCame = f, false
			c.mu.Unlock()
			f.inner = c.writeFrame(opPing, true, f.data[:f.n])
		}
		err, ok := f.inner.Poll(cx)
		if !ok {
			return nil, false
		}
		f.inner = nil
		if err != nil {
			f.stop()
			return err, true
		}
		f.waiting = true
	}
	c.mu.Lock()
	came, err := c.sh.pongCame, c.sh.err
	if !came && err == nil {
		c.sh.opWaiter = cx.Waker()
	}
	c.mu.Unlock()
	switch {
	case came:
		f.stop()
		return nil, true
	case err != nil:
		f.stop()
		return err, true
	}
	return nil, false
}

func (f *pingFuture) stop() {
	c := f.c
	c.mu.Lock()
	c.sh.pingWait, c.sh.opWaiter = nil, nil
	c.mu.Unlock()
	f.waiting = false
}

// Cancel stops the write (see WriteMessage) or the wait.
func (f *pingFuture) Cancel() {
	if f.inner != nil {
		f.inner.Cancel()
		f.inner = nil
	}
	f.stop()
}

func (c *Conn) writeFrame(op opcode, fin bool, payload []byte) *frameWrite {
	f := &c.wr.f
	// The payload waits in direct until build lays the frame out.
	f.op, f.fin, f.direct = op, fin, payload
	f.state, f.sent, f.dsent, f.written = fwStart, 0, 0, false
	return (*frameWrite)(c)
}

func (fw *frameWrite) Poll(cx *async.Context) (error, bool) {
	c := (*Conn)(fw)
	f := &c.wr.f
	if f.state == fwStart {
		ok, owed, err := c.acquire(cx, f.op)
		if err != nil {
			f.state, f.direct = fwDone, nil
			return err, true
		}
		if !ok {
			return nil, false
		}
		if err := f.build(c, owed); err != nil {
			c.release()
			f.state = fwDone
			return err, true
		}
		f.state = fwWrite
	}
	if f.state == fwDone {
		return errors.New("websocket: frame write polled after it was ready"), true
	}
	for {
		done, err := f.writeOut(c, cx)
		if err != nil {
			f.finish(c)
			return c.writeFailed(err), true
		}
		if !done {
			return nil, false
		}
		// Control frames the read side came to owe meanwhile go out now,
		// rather than wait for the next write. Checking and letting go of
		// the socket's writing is one step, so that a frame owed just
		// after is sent by the read side, which then finds the socket
		// free.
		c.mu.Lock()
		owed := c.sh.pongDue || c.sh.pingDue || c.sh.closeDue
		var w async.Waker
		if owed {
			f.out = c.appendControl(f.out[:0])
			f.sent, f.direct, f.dsent = 0, nil, 0
		} else {
			c.sh.busy = false
			w, c.sh.ctlWaiter = c.sh.ctlWaiter, nil
		}
		c.mu.Unlock()
		if !owed {
			f.drop(c)
			if w != nil {
				w.Wake()
			}
			return nil, true
		}
	}
}

// build lays out the frame, after the control frames owed (if owed).
func (f *frameState) build(c *Conn, owed bool) error {
	payload := f.direct
	var rsv uint8
	if c.z != nil && (f.op == opText || f.op == opBinary) && f.fin && len(payload) > 0 {
		z, err := c.z.defl.compress(nil, payload)
		if err != nil {
			return err
		}
		payload, rsv = z, rsv1Bit
	}
	out := c.pool.get()[:0]
	if owed {
		c.mu.Lock()
		out = c.appendControl(out)
		c.mu.Unlock()
	}
	if !c.client && len(payload) >= largePayload {
		out = appendHeader(out, f.fin, rsv, f.op, len(payload), nil)
		f.direct = payload
	} else {
		out = c.appendFrame(out, f.fin, rsv, f.op, payload)
		f.direct = nil
	}
	f.out = out
	return nil
}

// writeOut writes out, then direct.
func (f *frameState) writeOut(c *Conn, cx *async.Context) (bool, error) {
	for int(f.sent) < len(f.out) || int(f.dsent) < len(f.direct) {
		if f.inner == nil {
			if int(f.sent) < len(f.out) {
				f.inner = c.s.Write(f.out[f.sent:])
			} else {
				f.inner = c.s.Write(f.direct[f.dsent:])
			}
		}
		r, ok := f.inner.Poll(cx)
		if !ok {
			return false, nil
		}
		f.inner = nil
		if r.Err != nil {
			return false, r.Err
		}
		f.written = true
		if int(f.sent) < len(f.out) {
			f.sent += int32(r.Value)
		} else {
			f.dsent += int32(r.Value)
		}
	}
	return true, nil
}

// finish gives back the buffer and the socket's writing.
func (f *frameState) finish(c *Conn) {
	f.drop(c)
	c.release()
}

// drop gives back the buffer and ends the write.
func (f *frameState) drop(c *Conn) {
	c.pool.put(f.out)
	f.out, f.direct = nil, nil
	f.state = fwDone
}

// Cancel gives the socket's writing back; a frame partly written closes
// the connection.
func (fw *frameWrite) Cancel() {
	c := (*Conn)(fw)
	f := &c.wr.f
	if f.state == fwStart {
		c.mu.Lock()
		c.sh.writeWaiter = nil
		c.mu.Unlock()
		return
	}
	if f.state != fwWrite {
		return
	}
	if f.inner != nil {
		f.inner.Cancel()
		f.inner = nil
	}
	written := f.written
	f.finish(c)
	if written {
		c.failed(errors.New("websocket: write cancelled with a frame half written"))
		c.closeSocket()
	}
}

// writeFailed records a failed write as the end of the connection.
func (c *Conn) writeFailed(err error) error {
	err = c.failed(err)
	c.closeSocket()
	return err
}

// acquire takes the socket's writing for a frame of op, or stores the
// waker to be called when it is free. In the same step it fails a write
// on a connection that ended, or a data frame after our close frame (RFC
// 6455 section 5.5.1 allows none), and reports whether control frames
// are owed: one lock on the path of a write that does not wait.
func (c *Conn) acquire(cx *async.Context, op opcode) (ok, owed bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sh := &c.sh
	switch {
	case sh.err != nil:
		return false, false, sh.err
	case sh.busy:
		sh.writeWaiter = cx.Waker()
		return false, false, nil
	case op != opClose && sh.closeSent:
		return false, false, errAfterClose
	}
	sh.busy = true
	sh.writeWaiter = nil
	if op == opClose {
		sh.closeSent = true
	}
	return true, sh.pongDue || sh.pingDue || sh.closeDue, nil
}

// errAfterClose is what a write returns once this end's close frame has
// gone: RFC 6455 section 5.5.1 allows no data after it.
var errAfterClose = errors.New("websocket: write after the close frame was sent")

// release gives the socket's writing back and wakes the read side if it
// waits to send a close frame.
func (c *Conn) release() {
	c.mu.Lock()
	c.sh.busy = false
	w := c.sh.ctlWaiter
	c.sh.ctlWaiter = nil
	c.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// appendFrame appends a whole frame: header and payload, masked with a
// fresh key by a client.
func (c *Conn) appendFrame(b []byte, fin bool, rsv uint8, op opcode, payload []byte) []byte {
	if !c.client {
		b = appendHeader(b, fin, rsv, op, len(payload), nil)
		return append(b, payload...)
	}
	var key [4]byte
	rand.Read(key[:])
	b = appendHeader(b, fin, rsv, op, len(payload), &key)
	n := len(b)
	b = append(b, payload...)
	mask(key, 0, b[n:])
	return b
}
