package tcp

import "github.com/asyncgo/async"

// Serve returns a future that takes the listener's connections as they
// come, a stream of them, and runs handle for each as a coroutine, in a
// task of its own:
//
//	serve := tcp.Serve(l, func(co *async.Co, c *tcp.Conn) {
//		async.Await(co, aio.Copy(c, c, nil)) // echo, until the client closes its side
//	})
//	err, runErr := executor.Run(serve) // until l.Close()
//
// It is ready only when accepting fails, with that error: after l.Close,
// one wrapping net.ErrClosed (running out of descriptors is waited out,
// see Accept). The connection tasks are detached: they outlive Serve.
//
// Serve owns each connection: it closes it when handle returns, panics or
// is cancelled (its task aborted, or shut down with its executor). A
// task cancelled before its first poll still runs handle, up to its first
// Await, which unwinds it (see async.Go), so handle's deferred calls
// always run. A handler need not close the Conn, and may: closing twice
// is harmless. A handler must not keep the Conn past its return.
//
// A coroutine costs a goroutine's stack while it waits; ServeFuture takes
// a handler that returns a future, such as a hand-written state machine,
// for a server that must hold the least memory per connection.
func Serve(l *Listener, handle func(co *async.Co, c *Conn)) async.Future[error] {
	if handle == nil {
		panic("tcp: Serve with a nil handler")
	}
	return ServeFuture(l, func(c *Conn) async.Future[struct{}] {
		return async.Do(func(co *async.Co) { handle(co, c) })
	})
}

// ServeFuture is Serve for a handler that returns the future of the
// connection's task, a coroutine or any other: the task polls
// handle(c)'s future, and ServeFuture closes c when that future
// completes, panics or is cancelled, even before its first poll.
//
// ServeFuture allocates per connection the Conn (together with what
// closes it), the task, and what handle allocates.
func ServeFuture(l *Listener, handle func(c *Conn) async.Future[struct{}]) async.Future[error] {
	if handle == nil {
		panic("tcp: ServeFuture with a nil handler")
	}
	return &serveFuture{l: l, handle: handle}
}

type serveFuture struct {
	l      *Listener
	handle func(c *Conn) async.Future[struct{}]
}

func (f *serveFuture) Poll(cx *async.Context) (error, bool) {
	for {
		r, ok := f.l.acc.Accept().Poll(cx)
		if !ok {
			return nil, false
		}
		if r.Err != nil {
			return f.l.opError("accept", r.Err), true
		}
		s := &servedConn{}
		s.c.init(r.Value)
		s.f = f.handle(&s.c)
		async.Spawn[struct{}](cx, s).Detach()
	}
}

// Cancel stops accepting; the listener stays the caller's to close.
func (f *serveFuture) Cancel() { f.l.acc.Accept().Cancel() }

// servedConn is the future of a connection's task: the handler's future,
// and the Conn that Serve closes when that future is done with it. The
// Conn lives inside it, so that a connection costs one allocation of 128
// bytes here, not a Conn and a wrapper.
type servedConn struct {
	c Conn
	f async.Future[struct{}]
}

func (s *servedConn) Poll(cx *async.Context) (struct{}, bool) {
	v, ok := s.f.Poll(cx)
	if ok {
		s.c.Close()
	}
	return v, ok
}

// Cancel cancels the handler's future, then closes the Conn, even if the
// handler's Cancel panics. The task also cancels a future that panicked.
func (s *servedConn) Cancel() {
	defer s.c.Close()
	s.f.Cancel()
}
