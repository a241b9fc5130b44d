package http1

import (
	"io"
	"math"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/tcp"
)

// Sizes of a client connection's buffers.
const (
	// clientInSize is the input buffer a connection starts with: most
	// response heads fit, and a body streams through it. A head that does
	// not fit grows it, up to the head limit, for that connection.
	clientInSize = 8 << 10
	// clientOutSize is the output buffer that a request body is framed in:
	// the data read from Body at once, plus a chunk's framing.
	clientOutSize = 16 << 10
	// chunkHeadRoom is the room kept in front of the data for a chunk
	// header: 16 hex digits and CRLF hold any size.
	chunkHeadRoom = maxChunkSizeDigits + 2
)

// clientBodyLimits are the limits a response body is read under: none on
// its length, which is the caller's to bound (it reads the stream), and
// the parser's defaults on chunk extensions and trailers, which nobody
// reads.
func clientBodyLimits() bodyLimits {
	l := defaultBodyLimits()
	l.body = math.MaxInt64
	return l
}

// clientConn is one connection of the Client to a host. It is owned by
// one task at a time: the task that awaits the Do using it, then the one
// reading the response body; between requests it sits in its hostPool's
// idle list, where only the pool's mutex guards it.
//
// It is the bodySource of its responses' bodies: in[rpos:wpos] holds the
// bytes read and not yet consumed.
type clientConn struct {
	c    *tcp.Conn
	r    *reactor.Reactor // the reactor c is registered with: the connecting task's
	pool *hostPool

	in         []byte
	rpos, wpos int
	fillF      connFill
	head       responseHead
	body       bodyReader

	out []byte // the request head, then the framed chunks of its body

	// Guarded by pool.mu.
	idle      bool      // in the pool's idle list
	idleUntil time.Time // when an idle connection expires, by r's clock
	idleTimer reactor.Timer
	reused    bool // served a response before the current one
}

func newClientConn(c *tcp.Conn, r *reactor.Reactor, p *hostPool) *clientConn {
	cc := &clientConn{c: c, r: r, pool: p, in: make([]byte, clientInSize)}
	cc.fillF.cc = cc
	return cc
}

// buffered is the bodySource's view of the input.
func (cc *clientConn) buffered() []byte { return cc.in[cc.rpos:cc.wpos] }

// consume discards the first n buffered bytes.
func (cc *clientConn) consume(n int) {
	cc.rpos += n
	if cc.rpos == cc.wpos {
		cc.rpos, cc.wpos = 0, 0
	}
}

// fill returns the connection's fill future.
func (cc *clientConn) fill() async.Future[error] { return &cc.fillF }

// makeRoom makes room at the end of the input buffer, moving the
// unconsumed bytes to its front or, when they fill it, growing it, to at
// most limit bytes. It reports false if the buffer is full at limit.
func (cc *clientConn) makeRoom(limit int) bool {
	if cc.wpos < len(cc.in) {
		return true
	}
	if cc.rpos > 0 {
		n := copy(cc.in, cc.in[cc.rpos:cc.wpos])
		cc.rpos, cc.wpos = 0, n
		return true
	}
	if len(cc.in) >= limit {
		return false
	}
	grown := make([]byte, min(2*len(cc.in), limit))
	copy(grown, cc.in[:cc.wpos])
	cc.in = grown
	return true
}

// connFill is the connection's fill future: one read of the socket into
// the end of the input buffer.
type connFill struct {
	cc    *clientConn
	limit int // the most the buffer may grow to; 0 for no growth
	rd    async.Future[async.Result[int]]
}

// Poll reads once; it is ready with nil when at least one byte arrived,
// else with the read's error (io.EOF at the end of the stream).
func (f *connFill) Poll(cx *async.Context) (error, bool) {
	cc := f.cc
	if f.rd == nil {
		if !cc.makeRoom(max(f.limit, len(cc.in))) {
			panic("http1: client connection filled with a full buffer")
		}
		f.rd = cc.c.Read(cc.in[cc.wpos:])
	}
	res, ok := f.rd.Poll(cx)
	if !ok {
		return nil, false
	}
	f.rd = nil
	if res.Value > 0 {
		cc.wpos += res.Value
		return nil, true
	}
	if res.Err == nil {
		return io.ErrNoProgress, true
	}
	return res.Err, true
}

// Cancel cancels the read in flight; nothing was buffered by it.
func (f *connFill) Cancel() {
	if f.rd != nil {
		f.rd.Cancel()
		f.rd = nil
	}
}

// drainBuffered decodes the rest of the body from what is already
// buffered, without reading the socket, and reports whether that ended
// it: then the connection is at the start of the next response. It is how
// a body closed before its end, or a redirect's body, may still leave its
// connection reusable.
func (cc *clientConn) drainBuffered() bool {
	r := &cc.body
	if r.fill != nil || r.kind == bodyUntilClose {
		return false
	}
	for r.err == nil {
		in := cc.buffered()
		if len(in) == 0 {
			return false // the rest is still in the socket
		}
		consumed, _, done, err := r.decode(in, math.MaxInt)
		cc.consume(consumed)
		switch {
		case err != nil:
			r.err = err
		case done:
			r.err = io.EOF
		case consumed == 0:
			return false // cannot happen: a decoder fed bytes consumes some
		}
	}
	return r.reusable()
}

// alive looks, without waiting, whether a connection that sat idle is
// still open: a read that would block says it is; the end of the stream,
// an error, or bytes nobody asked for say the server closed it or broke
// it. It costs one read(2) at most, none when the reactor already knows
// the socket has nothing to read. A close that the reactor has not seen
// yet passes; the retry of Do covers that.
func (cc *clientConn) alive(cx *async.Context) bool {
	if !cc.reused {
		return true
	}
	rd := cc.c.Read(cc.in[cc.wpos:])
	res, ok := rd.Poll(cx)
	if !ok {
		rd.Cancel()
		return true
	}
	cc.wpos += res.Value
	return false
}

// closeConn closes the socket; the pool's count is the caller's to fix.
func (cc *clientConn) closeConn() {
	cc.fillF.Cancel()
	cc.body.cancelFill()
	cc.c.Close()
}

// Wake is the idle timer's waker: the connection has sat idle for the
// Client's IdleTimeout, unless it was taken meanwhile (see
// hostPool.expire). The reactor calls it from its turn, with no lock
// held.
func (cc *clientConn) Wake() { cc.pool.expire(cc) }
