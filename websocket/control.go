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

// controlOwed reports whether a control frame waits to be sent.
func (c *Conn) controlOwed() bool {
	c.mu.Lock()
	owed := c.sh.pongDue || c.sh.pingDue || c.sh.closeDue
	c.mu.Unlock()
	return owed
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
		b = c.appendFrame(b, true, 0, opPong, sh.pong)
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
// write waits for the socket.
func (c *Conn) sendControl(cx *async.Context, must bool) (bool, error) {
	rd := &c.rd
	if rd.ctlWrite == nil {
		c.mu.Lock()
		owed := c.sh.pongDue || c.sh.pingDue || c.sh.closeDue
		if !owed {
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
			rd.ctl = c.pool.get()[:0]
		}
		rd.ctl = c.appendControl(rd.ctl[:0])
		c.mu.Unlock()
		rd.ctlSent = 0
		rd.ctlWrite = c.s.Write(rd.ctl)
	}
	for {
		r, ok := rd.ctlWrite.Poll(cx)
		if !ok {
			return false, nil
		}
		if r.Err != nil {
			rd.ctlWrite = nil
			c.releaseControl()
			return false, r.Err
		}
		rd.ctlSent += r.Value
		if rd.ctlSent == len(rd.ctl) {
			break
		}
		rd.ctlWrite = c.s.Write(rd.ctl[rd.ctlSent:])
	}
	rd.ctlWrite = nil
	c.releaseControl()
	return true, nil
}

// releaseControl gives the socket's writing back after the read side's
// write, and wakes a write waiting for it.
func (c *Conn) releaseControl() {
	rd := &c.rd
	c.pool.put(rd.ctl)
	rd.ctl = nil
	c.mu.Lock()
	c.sh.busy = false
	w := c.sh.writeWaiter
	c.sh.writeWaiter = nil
	c.mu.Unlock()
	if w != nil {
		w.Wake()
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
	if _, ok := async.PollWith(cx, &scratch, nopWaker{}, f); !ok {
		f.Cancel()
	}
	c.mu.Lock()
	c.sh.busy = false
	c.mu.Unlock()
}

type nopWaker struct{}

func (nopWaker) Wake() {}
