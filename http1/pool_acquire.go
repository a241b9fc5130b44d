package http1

import (
	"errors"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
)

// connAcquire gets a request a connection to its host: an idle one, a new
// one dialled, or, when MaxPerHost connections are open, the first that
// comes free, in the order the requests came. It lives in the Do future
// and is reused for each attempt.
type connAcquire struct {
	c     *Client
	addr  string // host:port, the pool's key
	fresh bool   // only a new connection will do: the retry of a stale one
	st    acquireState
	hp    *hostPool
	r     *reactor.Reactor
	w     poolWaiter
	dial  async.Future[async.Result[*tcp.Conn]]
}

type acquireState uint8

const (
	acqStart   acquireState = iota
	acqQueued               // in the pool's wait list
	acqDialing              // connecting, with room in the pool
	acqDone                 // ready, or cancelled
)

// start arms a for a connection to addr.
func (a *connAcquire) start(c *Client, addr string, fresh bool) {
	*a = connAcquire{c: c, addr: addr, fresh: fresh}
}

// poll is ready with a connection, or with the error of dialling one.
func (a *connAcquire) poll(cx *async.Context) (cc *clientConn, err error, ready bool) {
	for a.st != acqDialing {
		switch a.st {
		case acqStart:
			a.r = cx.Reactor()
			if !a.begin(cx) {
				return nil, nil, false
			}
		case acqQueued:
			if !a.checkQueued(cx) {
				return nil, nil, false
			}
		}
		if a.st == acqDone {
			cc = a.w.conn
			a.w.conn = nil
			if cc.alive(cx) {
				return cc, nil, true
			}
			// The server closed it while it was idle: close it too, and
			// ask again.
			a.hp.release(cc, false)
			a.st = acqStart
		}
	}
	res, ok := a.dial.Poll(cx)
	if !ok {
		return nil, nil, false
	}
	a.dial, a.st = nil, acqDone
	conn, err := res.Get()
	if errors.Is(err, timer.ErrTimeout) {
		// The client's own timeout, named with its length, as the
		// request and header timeouts are.
		err = &clientTimeout{what: "connect timeout", d: a.c.connectTimeout()}
	}
	if err != nil {
		a.giveRoomBack()
		return nil, err, true
	}
	return newClientConn(conn, a.r, a.hp), nil, true
}

// begin asks the pool; it reports whether a has a connection or room to
// dial one, and queues it otherwise.
func (a *connAcquire) begin(cx *async.Context) bool {
	var free poolFree
	a.w = poolWaiter{r: a.r, fresh: a.fresh, waker: cx.Waker()}
	a.c.mu.Lock()
	a.hp = a.c.hostPool(a.addr)
	cc, dial := a.hp.take(a.r, a.fresh, &a.w, &free)
	a.c.mu.Unlock()
	free.run()
	switch {
	case cc != nil:
		a.w.conn, a.st = cc, acqDone
	case dial:
		a.startDial()
	default:
		a.st = acqQueued
		return false
	}
	return true
}

// checkQueued looks whether the pool handed a a connection or room, and
// leaves it the task's latest waker if not.
func (a *connAcquire) checkQueued(cx *async.Context) bool {
	a.c.mu.Lock()
	defer a.c.mu.Unlock()
	switch {
	case a.w.conn != nil:
		a.st = acqDone
	case a.w.dial:
		a.startDial()
	default:
		a.w.waker = cx.Waker()
		return false
	}
	return true
}

func (a *connAcquire) startDial() {
	a.st = acqDialing
	a.dial = timer.Timeout(tcp.Connect(a.addr), a.c.connectTimeout())
}

// giveRoomBack returns the room a dial had to the pool: the dial failed
// or was cancelled.
func (a *connAcquire) giveRoomBack() {
	var free poolFree
	a.c.mu.Lock()
	a.hp.freeRoom(&free)
	a.hp.forgetIfUnused()
	a.c.mu.Unlock()
	free.run()
}

// cancel gives back whatever a holds or was handed: its place in line,
// a connection, or room to dial.
func (a *connAcquire) cancel() {
	switch a.st {
	case acqQueued:
		a.c.mu.Lock()
		if a.w.queued {
			a.hp.wait.remove(&a.w)
			a.hp.forgetIfUnused()
			a.c.mu.Unlock()
			break
		}
		cc, dial := a.w.conn, a.w.dial
		a.w.conn, a.w.dial = nil, false
		a.c.mu.Unlock()
		if cc != nil {
			a.hp.release(cc, true)
		} else if dial {
			a.giveRoomBack()
		}
	case acqDialing:
		a.dial.Cancel()
		a.dial = nil
		a.giveRoomBack()
	case acqDone:
		if cc := a.w.conn; cc != nil {
			a.w.conn = nil
			a.hp.release(cc, true)
		}
	}
	a.st = acqDone
	a.w.waker = nil
}

// connectTimeout is ConnectTimeout or its default.
func (c *Client) connectTimeout() time.Duration {
	if c.ConnectTimeout > 0 {
		return c.ConnectTimeout
	}
	return DefaultConnectTimeout
}
