package http1

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// This file is the Client's connection pool: per host, the connections
// that are open (busy, idle or being dialled), the idle ones, and the
// requests waiting for room under MaxPerHost.
//
// Everything here is guarded by the Client's mu, which tasks on any
// worker take. The rule of the repository holds: no waker is called, and
// no socket closed, with mu held. Functions that run under mu collect
// what to close and whom to wake in a poolFree, which the caller acts on
// after unlocking (poolFree.run).
//
// A connection is registered with the reactor of the task that dialled
// it and can only be waited on through that reactor, so it is reused only
// by tasks whose Context has the same one: on a multi-thread executor all
// workers share one reactor, so every task of it can reuse every
// connection; tasks of two executors each reuse their own.

// hostPool is the pool of one host ("host:port").
type hostPool struct {
	c    *Client
	key  string
	open int           // connections open, busy, idle or being dialled
	idle []*clientConn // oldest first
	wait poolWaitList  // requests waiting for room, oldest first
}

// poolFree is what a pool operation leaves for its caller to do once mu
// is released: sockets to close and waiters to wake.
type poolFree struct {
	close []*clientConn
	wake  []async.Waker
}

// run closes and wakes what f holds. Call it without mu.
func (f *poolFree) run() {
	for _, cc := range f.close {
		cc.closeConn()
	}
	for _, w := range f.wake {
		w.Wake()
	}
}

// hostPool returns the pool of key, making it if need be. c.mu is held.
func (c *Client) hostPool(key string) *hostPool {
	if hp := c.hosts[key]; hp != nil {
		return hp
	}
	if c.hosts == nil {
		c.hosts = make(map[string]*hostPool)
	}
	hp := &hostPool{c: c, key: key}
	c.hosts[key] = hp
	return hp
}

// forgetIfUnused drops an empty pool from the Client's map, so that a
// client that talked to many hosts does not keep a pool for each. No one
// holds a pool that has nothing open and no waiter. c.mu is held.
func (hp *hostPool) forgetIfUnused() {
	if hp.open == 0 && hp.wait.front == nil && len(hp.idle) == 0 && hp.c.hosts[hp.key] == hp {
		delete(hp.c.hosts, hp.key)
	}
}

// take looks for a connection for a task of reactor r: an idle one of
// r's unless fresh, or room to dial one. If neither, it queues w and
// reports false. Idle connections that have expired, and one evicted to
// make room, go to free. c.mu is held.
func (hp *hostPool) take(r *reactor.Reactor, fresh bool, w *poolWaiter, free *poolFree) (cc *clientConn, dial bool) {
	hp.sweep(free)
	if !fresh {
		for i := len(hp.idle) - 1; i >= 0; i-- {
			if cc := hp.idle[i]; cc.r == r {
				hp.removeIdle(i)
				return cc, false
			}
		}
	}
	if hp.hasRoom() {
		hp.open++
		return nil, true
	}
	if len(hp.idle) > 0 {
		// Full, but with idle connections this task cannot use: another
		// executor's, or any if it needs a fresh one. Close the oldest
		// and dial in its place.
		free.close = append(free.close, hp.idle[0])
		hp.removeIdle(0)
		return nil, true
	}
	hp.wait.pushBack(w)
	return nil, false
}

// hasRoom reports whether MaxPerHost allows one more connection.
func (hp *hostPool) hasRoom() bool {
	max := hp.c.MaxPerHost
	return max <= 0 || hp.open < max
}

// removeIdle takes idle[i] out of the idle list and disarms its timer.
func (hp *hostPool) removeIdle(i int) {
	cc := hp.idle[i]
	last := len(hp.idle) - 1
	copy(hp.idle[i:], hp.idle[i+1:])
	hp.idle[last] = nil
	hp.idle = hp.idle[:last]
	cc.idle = false
	cc.r.StopTimer(&cc.idleTimer)
}

// sweep closes the idle connections whose time is up. Their timers do
// it as well; sweeping catches those whose reactor no longer turns (an
// executor that was closed). c.mu is held.
func (hp *hostPool) sweep(free *poolFree) {
	for i := 0; i < len(hp.idle); {
		cc := hp.idle[i]
		if cc.r.Now().Before(cc.idleUntil) {
			i++
			continue
		}
		hp.removeIdle(i)
		free.close = append(free.close, cc)
		hp.freeRoom(free)
	}
}

// freeRoom accounts for a connection that closed: the oldest waiter may
// dial in its place, or else the count goes down. c.mu is held.
func (hp *hostPool) freeRoom(free *poolFree) {
	if w := hp.wait.popFront(); w != nil {
		w.dial = true
		free.addWaker(w)
		return
	}
	hp.open--
}

// release takes back cc from the task that used it: into the idle list,
// or to the oldest waiter, if reusable; else it is closed.
func (hp *hostPool) release(cc *clientConn, reusable bool) {
	var free poolFree
	c := hp.c
	c.mu.Lock()
	hp.put(cc, reusable, &free)
	hp.forgetIfUnused()
	c.mu.Unlock()
	free.run()
}

// forget lets go of a connection a Response's Hijack took: it is no
// longer the pool's, and its room goes to a waiter or is freed.
func (hp *hostPool) forget() {
	var free poolFree
	c := hp.c
	c.mu.Lock()
	hp.freeRoom(&free)
	hp.forgetIfUnused()
	c.mu.Unlock()
	free.run()
}

// put is release with c.mu held.
func (hp *hostPool) put(cc *clientConn, reusable bool, free *poolFree) {
	reusable = reusable && len(cc.buffered()) == 0 && hp.c.maxIdle() > 0
	if !reusable {
		free.close = append(free.close, cc)
		hp.freeRoom(free)
		return
	}
	cc.reused = true
	if w := hp.wait.popFront(); w != nil {
		if w.r == cc.r && !w.fresh {
			w.conn = cc
		} else {
			// The waiter cannot use this connection: it closes, and the
			// waiter dials in its place.
			free.close = append(free.close, cc)
			w.dial = true
		}
		free.addWaker(w)
		return
	}
	cc.idle = true
	cc.idleUntil = cc.r.Now().Add(hp.c.idleTimeout())
	if cc.r.StartTimer(&cc.idleTimer, cc.idleUntil, cc) {
		// The timeout is so short that it has passed already.
		cc.idle = false
		free.close = append(free.close, cc)
		hp.freeRoom(free)
		return
	}
	hp.idle = append(hp.idle, cc)
	if len(hp.idle) > hp.c.maxIdle() {
		free.close = append(free.close, hp.idle[0])
		hp.removeIdle(0)
		hp.freeRoom(free)
	}
}

// expire closes cc if it is still idle and its time is up: its timer
// fired, but it may have been taken, or taken and put back, meanwhile.
func (hp *hostPool) expire(cc *clientConn) {
	var free poolFree
	c := hp.c
	c.mu.Lock()
	if cc.idle && !cc.r.Now().Before(cc.idleUntil) {
		for i, x := range hp.idle {
			if x == cc {
				hp.removeIdle(i)
				free.close = append(free.close, cc)
				hp.freeRoom(&free)
				break
			}
		}
		hp.forgetIfUnused()
	}
	c.mu.Unlock()
	free.run()
}

// closeIdle closes every idle connection. c.mu is held.
func (hp *hostPool) closeIdle(free *poolFree) {
	for len(hp.idle) > 0 {
		free.close = append(free.close, hp.idle[0])
		hp.removeIdle(0)
		hp.freeRoom(free)
	}
}

// poolWaiter is a request waiting for a connection, linked in its pool's
// poolWaitList. The fields are guarded by the Client's mu. Whoever takes it
// out of the list sets conn or dial and wakes it.
type poolWaiter struct {
	prev, next *poolWaiter
	queued     bool
	r          *reactor.Reactor // the waiting task's reactor
	fresh      bool             // it needs a new connection
	waker      async.Waker      // the waiting task's, from its latest poll
	conn       *clientConn      // handed over: an idle connection of r's
	dial       bool             // handed over: room to dial a connection
}

func (f *poolFree) addWaker(w *poolWaiter) {
	if w.waker != nil {
		f.wake = append(f.wake, w.waker)
		w.waker = nil
	}
}

// poolWaitList is a FIFO of waiters, linked through the waiters themselves so
// that waiting allocates nothing.
type poolWaitList struct {
	front, back *poolWaiter
}

func (l *poolWaitList) pushBack(w *poolWaiter) {
	w.prev, w.next, w.queued = l.back, nil, true
	if l.back != nil {
		l.back.next = w
	} else {
		l.front = w
	}
	l.back = w
}

func (l *poolWaitList) popFront() *poolWaiter {
	w := l.front
	if w != nil {
		l.remove(w)
	}
	return w
}

func (l *poolWaitList) remove(w *poolWaiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.front = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.back = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
}
