package websocket

import (
	"github.com/asyncgo/async"
)

// The read side writes the control frames it owes (a pong, a keep-alive
// ping, the answer to a close frame) when nobody else is writing;
// otherwise the write in progress sends them before its next frame (see
// writer.takeControl). Either way a control frame never lands inside
// another frame, and a pong owed for a ping that is not yet answered
// answers the latest ping only, as section 5.5.3 allows, so a flood of
// pings costs no memory.

// controlWrite is the read side's write of the control frames it owes.
type controlWrite struct {
	buf   []byte // borrowed from the pool while a write is in flight
	sent  int
	write async.Future[async.Result[int]] // in flight, or nil
}

// appendControl appends the control frames owed, taking them, with c.mu
// held.
func (c *Conn) appendControl(b []byte) []byte {
	sh := &c.sh
	if sh.closeSent {
		// Nothing follows a close frame.
		sh.pongDue, sh.pingDue, sh.closeDue = false, false, false
		return b
	}
	if sh.pongDue {
		b = c.appendFrame(b, true, 0, opPong, sh.pong.b[:sh.pong.n])
		sh.pongDue = false
	}
	if sh.pingDue {
		b = c.appendFrame(b, true, 0, opPing, nil)
		sh.pingDue = false
	}
	if sh.closeDue {
		var p [2]byte
		b = c.appendFrame(b, true, 0, opClose, closePayload(p[:0], sh.closeCode, ""))
		sh.closeDue = false
		sh.closeSent = true
	}
	return b
}

// sendControl writes the control frames owed, unless another side is
// writing: then that side sends them, and sendControl reports true at
// once, or, if must, waits until it has. It reports false while its own
// write waits for the socket. Frames owed while it wrote (a ping that
// came meanwhile) go out in a write of their own before it reports true.
func (c *Conn) sendControl(cx *async.Context, must bool) (bool, error) {
	rd := &c.rd
	for {
		w := rd.ctl
		if w == nil || w.write == nil {
			c.mu.Lock()
			if !(c.sh.pongDue || c.sh.pingDue || c.sh.closeDue) {
				c.mu.Unlock()
				return true, nil
			}
			if c.sh.busy {
				if must {
					c.sh.ctlWaiter = cx.Waker()
				}
				c.mu.Unlock()
				return !must, nil
			}
			c.sh.busy = true
			if rd.ctl == nil {
				rd.ctl = new(controlWrite)
			}
			w = rd.ctl
			w.buf = c.appendControl(c.pool.get()[:0])
			c.mu.Unlock()
			w.sent = 0
			w.write = c.s.Write(w.buf)
		}
		for w.sent < len(w.buf) {
			r, ok := w.write.Poll(cx)
			if !ok {
				return false, nil
			}
			if r.Err != nil {
				w.write = nil
				c.releaseControl()
				return false, r.Err
			}
			w.sent += r.Value
			if w.sent < len(w.buf) {
				w.write = c.s.Write(w.buf[w.sent:])
			}
		}
		w.write = nil
		c.releaseControl()
	}
}

// releaseControl gives the socket's writing back after the read side's
// write, and wakes a write waiting for it.
func (c *Conn) releaseControl() {
	w := c.rd.ctl
	c.pool.put(w.buf)
	w.buf = nil
	c.mu.Lock()
	c.sh.busy = false
	ww := c.sh.writeWaiter
	c.sh.writeWaiter = nil
	c.mu.Unlock()
	if ww != nil {
		ww.Wake()
	}
}

// tryClose sends a close frame with code and reason if the socket takes
// it at once: for a connection this end is failing, where waiting on a
// peer that broke the protocol would only hold the connection open.
func (c *Conn) tryClose(cx *async.Context, code StatusCode, reason string) {
	c.mu.Lock()
	if c.sh.busy || c.sh.closeSent || c.sh.err != nil {
		c.mu.Unlock()
		return
	}
	c.sh.busy, c.sh.closeSent = true, true
	c.mu.Unlock()
	var buf [maxHeaderSize + maxControlPayload]byte
	b := c.appendFrame(buf[:0], true, 0, opClose, closePayload(nil, code, reason))
	// A waker that does nothing: the write either completes now or is
	// given up.
	var scratch async.Context
	f := c.s.Write(b)
	if _, ok := async.PollWith(cx, &scratch, async.NoopWaker(), f); !ok {
		f.Cancel()
	}
	c.mu.Lock()
	c.sh.busy = false
	c.mu.Unlock()
}
