package websocket

import (
	"errors"
	"fmt"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// Close returns a future that closes the connection with the close
// handshake (RFC 6455 section 7): it sends a close frame with code and
// reason (cut to 123 bytes), waits for the peer's, then closes the
// socket. It is ready with nil once the handshake is done, or with an
// error if the peer's close frame did not come within CloseTimeout (the
// socket is closed all the same). A read in flight ends with the peer's
// *CloseError; with none in flight, Close reads itself, and discards the
// messages that come before the close frame.
//
// Close is a write: it waits for a write in flight to finish, and no
// other write may follow it.
func (c *Conn) Close(code StatusCode, reason string) async.Future[error] {
	f := &c.wr.extra().closeF
	*f = closeFuture{c: c, code: code, reason: reason}
	if code != StatusNoStatus && !code.sendable() {
		f.err = fmt.Errorf("websocket: Close with code %d, which a close frame may not carry", uint16(code))
	}
	return f
}

type closeFuture struct {
	c        *Conn
	code     StatusCode
	reason   string
	err      error
	state    uint8
	payload  []byte
	inner    *frameWrite
	timer    reactor.Timer
	armed    bool
	deadline time.Time
}

const (
	clSend uint8 = iota
	clWait
	clDone
)

func (f *closeFuture) Poll(cx *async.Context) (error, bool) {
	c := f.c
	if f.err != nil {
		return f.err, true
	}
	if f.state == clDone {
		return errors.New("websocket: Close polled after it was ready"), true
	}
	if !f.armed {
		f.deadline = c.r.Now().Add(c.lim.closeWait)
		f.armed = true
		if c.r.StartTimer(&f.timer, f.deadline, cx.Waker()) {
			return f.end(errors.New("websocket: close: timed out")), true
		}
	}
	if f.state == clSend {
		ok, err := f.send(cx)
		if err != nil {
			return f.end(err), true
		}
		if !ok {
			return f.pending(cx)
		}
		f.state = clWait
	}
	for {
		c.mu.Lock()
		recv, ended, reading := c.sh.closeRecv, c.sh.err, c.sh.reading
		if recv == nil && ended == nil && reading {
			c.sh.opWaiter = cx.Waker()
		}
		c.mu.Unlock()
		switch {
		case recv != nil:
			return f.end(nil), true
		case ended != nil:
			return f.end(ended), true
		case reading:
			return f.pending(cx)
		}
		// Nobody reads: read until the peer's close frame, discarding
		// data. A read of the caller's that starts meanwhile takes over.
		entered, ok, err := c.enterRead(cx, true)
		if !entered {
			return f.pending(cx)
		}
		r := async.Err[Message](err)
		if err == nil && ok {
			r, ok = c.readWhole(cx)
		}
		c.leaveRead(ok || err != nil)
		if !ok && err == nil {
			return f.pending(cx)
		}
		if r.Err != nil {
			var ce *CloseError
			if errors.As(r.Err, &ce) && ce.Remote && ce.Code != StatusAbnormalClosure {
				return f.end(nil), true
			}
			return f.end(r.Err), true
		}
	}
}

// send writes the close frame, unless the read side already answered a
// close of the peer's.
func (f *closeFuture) send(cx *async.Context) (bool, error) {
	c := f.c
	if f.inner == nil {
		c.mu.Lock()
		sent := c.sh.closeSent
		c.mu.Unlock()
		if sent {
			return true, nil
		}
		if c.wr.streaming {
			return false, errors.New("websocket: Close while a MessageWriter's message is open")
		}
		f.payload = closePayload(f.payload[:0], f.code, f.reason)
		f.inner = c.writeFrame(opClose, true, f.payload)
	}
	err, ok := f.inner.Poll(cx)
	if !ok {
		return false, nil
	}
	f.inner = nil
	return true, err
}

// pending waits, unless the deadline passed.
func (f *closeFuture) pending(cx *async.Context) (error, bool) {
	// Whatever it waits on, Close is woken when the connection ends or a
	// read of the caller's takes the reading over.
	f.c.mu.Lock()
	f.c.sh.opWaiter = cx.Waker()
	f.c.mu.Unlock()
	if f.c.r.PollTimer(&f.timer, cx.Waker()) {
		return f.end(fmt.Errorf("websocket: close: no close frame from the peer within %v", f.c.lim.closeWait)), true
	}
	return nil, false
}

// end closes the socket and settles the future.
func (f *closeFuture) end(err error) error {
	c := f.c
	f.stop()
	f.state = clDone
	c.closeSocket()
	return err
}

func (f *closeFuture) stop() {
	c := f.c
	if f.armed {
		c.r.StopTimer(&f.timer)
	}
	if f.inner != nil {
		f.inner.Cancel()
		f.inner = nil
	}
	c.mu.Lock()
	mine := c.sh.closeReads // only Close reads that way
	c.sh.closeReads = false
	c.sh.opWaiter = nil
	c.mu.Unlock()
	if mine {
		c.abandonRead()
	}
}

// Cancel stops waiting: the connection stays as it is, its close frame
// sent or not.
func (f *closeFuture) Cancel() {
	if f.state != clDone {
		f.stop()
	}
}
