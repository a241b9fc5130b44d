package tcp

import "github.com/asyncgo/async"

// Serve returns a future that takes the listener's connections as they
// come, a stream of them, and spawns a task running handle(c) for each.
// It is ready only when accepting fails, with that error: after l.Close,
// one wrapping net.ErrClosed (running out of descriptors is waited out,
// see Accept). The connection tasks are detached: they outlive Serve, and
// handle's future owns its Conn, so it closes it when done or cancelled.
//
// Serve allocates nothing per connection beyond the Conn, the task and
// what handle allocates.
func Serve(l *Listener, handle func(c *Conn) async.Future[struct{}]) async.Future[error] {
	return &serveFuture{l: l, handle: handle}
}

type serveFuture struct {
	l      *Listener
	handle func(c *Conn) async.Future[struct{}]
}

func (f *serveFuture) Poll(cx *async.Context) (error, bool) {
	for {
		r, ok := f.l.Accept().Poll(cx)
		if !ok {
			return nil, false
		}
		if r.Err != nil {
			return r.Err, true
		}
		async.Spawn(cx, f.handle(r.Value)).Detach()
	}
}

// Cancel stops accepting; the listener stays the caller's to close.
func (f *serveFuture) Cancel() { f.l.Accept().Cancel() }
