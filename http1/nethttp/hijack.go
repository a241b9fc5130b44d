package nethttp

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"

	"github.com/asyncgo/async/bridge"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/task"
)

// Hijack takes the connection from the server (http.Hijacker). What the
// handler wrote goes out first: the head if a status was set (a 101
// Switching Protocols, usually, without framing) and any body bytes. The
// net.Conn is the server's socket through package bridge: its calls run
// on the calling goroutine, and the executor reports readiness, so the
// executor must keep running while the connection is used. The
// bufio.Reader holds the bytes the client sent after the request's head
// (Buffered reports them, as net/http's does).
//
// The caller owns the connection and must close it; the request's
// context still ends when the handler returns. Reads of the body fail
// after Hijack.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	x := w.x
	g := &x.g
	if err := w.usable(); err != nil {
		return nil, nil, err
	}
	o := op{kind: opHijack, a: g.buf, flush: len(g.buf) > 0}
	if g.wroteHeader {
		g.addHead(&o)
	}
	r := x.call(w.gen, o)
	g.buf = g.buf[:0]
	if r.err != nil {
		g.broken = r.err
		return nil, nil, r.err
	}
	g.hijacked = true
	conn := bridge.NetConn(&hijackRuntime{r: x.req.reactor}, r.hj.Conn)
	var src io.Reader = conn
	size := 4 << 10
	if n := len(r.hj.Buffered); n > 0 {
		src = io.MultiReader(bytes.NewReader(r.hj.Buffered), conn)
		size = max(size, n)
	}
	br := bufio.NewReaderSize(src, size)
	if n := len(r.hj.Buffered); n > 0 {
		// Load the bytes into the buffer, where callers look for them;
		// they all fit, so the connection is not read.
		if _, err := br.Peek(n); err != nil {
			conn.Close()
			return nil, nil, err
		}
	}
	return conn, bufio.NewReadWriter(br, bufio.NewWriter(conn)), nil
}

var _ http.Hijacker = (*responseWriter)(nil)

// hijackRuntime is the bridge's view of the executor that serves the
// hijacked connection: its reactor, which reports the socket's readiness.
type hijackRuntime struct{ r *reactor.Reactor }

func (h *hijackRuntime) Reactor() *reactor.Reactor { return h.r }

// OnExecutor reports whether the caller is polling a future, where a
// blocking call would stop the executor (see bridge.Runtime).
func (h *hijackRuntime) OnExecutor() bool { return task.Polling() }
