package main

import (
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/tcp"
)

// readBufferSize is the size of the server's one read buffer. A read
// takes what the socket holds, up to this much, and writes it back before
// the task waits again.
const readBufferSize = 64 << 10

// server holds what the connection tasks share: the read buffer. A task
// reads into it and writes the bytes back within one poll, so a buffer is
// busy only while a poll runs. An idle connection holds no buffer; only a
// connection whose peer is slow to read keeps the bytes it could not send
// yet (see conn).
//
// On a current-thread executor the tasks run one at a time, so they all
// share one buffer, buf. On a multi-thread executor polls run at once on
// the workers, so each poll takes a buffer from the free list and gives it
// back when it returns: there are never more buffers than polls that ran
// at once, the workers. (A sync.Pool would be a little cheaper, but a
// garbage collection empties it, and the next polls allocate again.)
type server struct {
	buf  []byte    // the one buffer; nil on a multi-thread executor
	free *freeList // nil on a current-thread executor
}

// freeList is the multi-thread server's idle read buffers.
type freeList struct {
	mu   sync.Mutex
	bufs [][]byte
}

// get takes an idle buffer, or makes one.
func (f *freeList) get() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.bufs); n > 0 {
		b := f.bufs[n-1]
		f.bufs = f.bufs[:n-1]
		return b
	}
	return make([]byte, readBufferSize)
}

// put gives b back.
func (f *freeList) put(b []byte) {
	f.mu.Lock()
	f.bufs = append(f.bufs, b)
	f.mu.Unlock()
}

// serveEcho returns the accept loop: tcp.ServeFuture spawning a conn
// task, a state machine, per connection, ready only when accepting fails
// for good (the listener closed; running out of descriptors is waited
// out). multi says whether
// it runs on a multi-thread executor, where connections cannot share one
// buffer.
func serveEcho(l *tcp.Listener, multi bool) async.Future[error] {
	s := &server{}
	if multi {
		s.free = &freeList{}
	} else {
		s.buf = make([]byte, readBufferSize)
	}
	return tcp.ServeFuture(l, func(c *tcp.Conn) async.Future[struct{}] {
		return &conn{c: c, srv: s}
	})
}

// conn echoes one connection: read into the server's buffer, write it
// back, repeat, until end of stream or an error, then close.
//
// A write that does not go through at once (the peer reads slower than it
// sends) copies what is left into unsent, and the task reads nothing more
// until that is written: the unsent bytes are bounded by one read, and
// TCP's flow control holds the peer back meanwhile. That is the
// backpressure.
//
// A server holds one per connection, so it is kept to three words (24
// bytes): the unsent bytes, rare, hang off a pointer.
type conn struct {
	c      *tcp.Conn
	srv    *server
	unsent *[]byte // nil unless a write is stuck
}

// Poll runs the echo loop until the connection must wait, reading into
// the server's buffer: the shared one, or one lent for this poll.
func (e *conn) Poll(cx *async.Context) (struct{}, bool) {
	if e.srv.free == nil {
		return e.poll(cx, e.srv.buf)
	}
	b := e.srv.free.get()
	v, ok := e.poll(cx, b)
	e.srv.free.put(b)
	return v, ok
}

// poll is Poll with buf the buffer to read into.
func (e *conn) poll(cx *async.Context, buf []byte) (struct{}, bool) {
	for {
		if e.unsent != nil {
			if !e.flush(cx) {
				return struct{}{}, false
			}
			if e.c == nil {
				return struct{}{}, true
			}
		}
		r, ok := e.c.Read(buf).Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if r.Err != nil { // end of stream, or a reset
			e.close()
			return struct{}{}, true
		}
		e.echo(cx, buf[:r.Value])
		if e.c == nil {
			return struct{}{}, true
		}
	}
}

// echo writes data back, keeping a copy of what did not fit.
func (e *conn) echo(cx *async.Context, data []byte) {
	w, ok := e.c.Write(data).Poll(cx)
	switch {
	case !ok:
		// The write future keeps data, which is the server's buffer:
		// take the bytes out before another task reads into it. The next
		// poll writes them afresh.
		e.keep(data)
	case w.Err != nil:
		e.close()
	case w.Value < len(data):
		e.keep(data[w.Value:])
	}
}

// keep copies data into the connection's own buffer.
func (e *conn) keep(data []byte) {
	b := append([]byte(nil), data...)
	e.unsent = &b
}

// flush writes unsent, reporting false while it must wait for room.
func (e *conn) flush(cx *async.Context) bool {
	for len(*e.unsent) > 0 {
		w, ok := e.c.Write(*e.unsent).Poll(cx)
		if !ok {
			return false
		}
		if w.Err != nil {
			e.close()
			return true
		}
		*e.unsent = (*e.unsent)[w.Value:]
	}
	e.unsent = nil // let a burst's buffer go
	return true
}

func (e *conn) close() {
	e.c.Close()
	e.c, e.unsent = nil, nil
}

// Cancel closes the connection: the server is shutting down.
func (e *conn) Cancel() {
	if e.c != nil {
		e.close()
	}
}
