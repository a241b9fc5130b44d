package http1

import (
	"bytes"
	"errors"
	"slices"
	"sync"

	"github.com/asyncgo/async"
)

// exchange is what a connection needs while it serves a request: the
// input buffer with the request's head and whatever followed it, the
// output buffer of responses not yet written, the parsed head, the body
// reader, and the Request and ResponseWriter handed to the handler.
//
// A connection waiting for a request holds none of it: it takes an
// exchange from the server's pool when bytes arrive and gives it back
// when it is idle again with nothing buffered either way. So the memory
// of an idle keep-alive connection is its small serverConn, and the
// exchanges number the connections busy at once.
type exchange struct {
	c *serverConn

	// in holds input: in[r:w] is unparsed or unconsumed. While a
	// request is served, its head is in[r:headEnd] and its body is read
	// from in[br:w].
	in          []byte
	r, w        int
	headEnd, br int

	// out holds responses not yet written: out[sent:].
	out  []byte
	sent int

	head    requestHead
	body    bodyReader
	req     Request
	rw      ResponseWriter
	handler async.Future[struct{}]

	headTime   int64 // when the head was complete, Unix ns
	filler     fillFuture
	fillErr    error // a fill fails with this: the body's deadline passed
	fillWaits  bool  // a fill returned pending: the handler waits for the body
	continued  bool  // 100 Continue is sent, or not to be sent
	writeWaits bool  // a write of the response returned pending
	linger     bool  // an error answer: linger before closing
	headBuf    []byte
}

// minRead is the least room a read of the connection is given.
const minRead = 2 << 10

// Sizes of an exchange's buffers. An input buffer starts at inSize and
// grows, for a long head, up to the head limit; an output buffer is
// written out when it holds flushAt bytes.
const (
	inSize  = 4 << 10
	outSize = 4 << 10
	flushAt = 16 << 10
)

// exchangePool holds idle exchanges for reuse. It is a free list under a
// mutex rather than a sync.Pool: a collection empties a sync.Pool, and
// the next requests would allocate their buffers again.
type exchangePool struct {
	mu   sync.Mutex
	free []*exchange
	size int // the head limit, which bounds how far in may grow
}

// maxPooled bounds the idle exchanges kept.
const maxPooled = 1024

func (p *exchangePool) get(c *serverConn) *exchange {
	p.mu.Lock()
	var x *exchange
	if n := len(p.free); n > 0 {
		x = p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
	}
	p.mu.Unlock()
	if x == nil {
		x = &exchange{in: make([]byte, inSize), out: make([]byte, 0, outSize)}
		x.req.x, x.rw.x, x.filler.x = x, x, x
	}
	x.c = c
	return x
}

// put gives x back; buffers grown past their usual size are let go.
func (p *exchangePool) put(x *exchange) {
	x.c = nil
	x.linger = false
	x.r, x.w, x.headEnd, x.br = 0, 0, 0, 0
	x.out, x.sent = x.out[:0], 0
	x.handler = nil
	x.body.src = nil
	x.rw.header.Reset()
	if len(x.in) > inSize {
		x.in = make([]byte, inSize)
	}
	if cap(x.out) > flushAt*2 {
		x.out = make([]byte, 0, outSize)
	}
	p.mu.Lock()
	if len(p.free) < maxPooled {
		p.free = append(p.free, x)
	}
	p.mu.Unlock()
}

// errHijacked is what the body of a hijacked request reads.
var errHijacked = errors.New("http1: read of the body after Hijack")

// detach lets go of the buffers of an exchange whose connection was
// hijacked: the handler may keep its future going for as long as the
// connection lives (a WebSocket), and the server will neither read nor
// write again. The Request stays readable: its head is kept, copied to
// its size. Its body fails from now on. The buffers go back to p, in an
// exchange of their own, for the requests of other connections.
func (x *exchange) detach(p *exchangePool) {
	x.head.fields.buf = bytes.Clone(x.head.fields.buf)
	spare := &exchange{in: x.in, out: x.out[:0]}
	spare.req.x, spare.rw.x, spare.filler.x = spare, spare, spare
	p.put(spare)
	x.in, x.r, x.w, x.headEnd, x.br = nil, 0, 0, 0, 0
	x.out, x.sent = nil, 0
	x.headBuf = nil
	x.body.cancelFill()
	x.body.src = nil
	if x.body.err == nil {
		x.body.err = errHijacked
	}
}

// idle reports whether x holds nothing the connection still needs.
func (x *exchange) idle() bool { return x.r == x.w && x.sent == len(x.out) }

// room makes sure in has at least minRead bytes free after w for a read
// of the next head, moving the unparsed bytes to the front or growing the
// buffer, up to the head limit plus a read (the parser fails a head over
// its limit before the buffer passes that). The parser keeps positions
// relative to in[r:], so moving the bytes loses nothing.
func (x *exchange) room(limit int) {
	if len(x.in)-x.w >= minRead {
		return
	}
	if x.r > 0 {
		n := copy(x.in, x.in[x.r:x.w])
		x.r, x.w = 0, n
		if len(x.in)-x.w >= minRead {
			return
		}
	}
	x.grow(max(min(2*len(x.in), limit+minRead), x.w+minRead))
}

// bodyRoom makes sure in has at least minRead bytes free after w for a
// read of the body. The head before it must stay where it is, so the
// buffer grows, and the head's fields follow it.
func (x *exchange) bodyRoom() {
	if len(x.in)-x.w >= minRead {
		return
	}
	x.grow(x.w + minRead)
	x.head.fields.buf = x.in[x.r:x.headEnd]
}

func (x *exchange) grow(size int) {
	in := make([]byte, size)
	copy(in, x.in[:x.w])
	x.in = in
}

// The bodySource of the request's body: the bytes after the head.

func (x *exchange) buffered() []byte { return x.in[x.br:x.w] }

func (x *exchange) consume(n int) { x.br += n }

// fill returns the future that reads more of the body. The body reader
// asks only when all that was buffered is consumed, so the space after
// the head is reused for each read; the head itself stays, since the
// handler may still look at it.
func (x *exchange) fill() async.Future[error] {
	x.br, x.w = x.headEnd, x.headEnd
	return &x.filler
}

var continueLine = []byte("HTTP/1.1 100 Continue\r\n\r\n")

// fillFuture reads the connection for the body. Before the first read it
// sends 100 Continue if the client asked for it (RFC 9110 section
// 10.1.1): the client waits for it before sending the body, and it is
// sent only when the handler reads, so a handler that answers without
// reading costs the client no upload.
type fillFuture struct{ x *exchange }

func (f *fillFuture) Poll(cx *async.Context) (error, bool) {
	x := f.x
	if x.fillErr != nil {
		return x.fillErr, true
	}
	if !x.continued {
		x.continued = true
		if !x.rw.committed {
			// Before this response's head, and after the responses to
			// the requests before it.
			x.out = slices.Insert(x.out, x.rw.bodyStart, continueLine...)
			x.rw.bodyStart += len(continueLine)
		}
	}
	if x.sent < len(x.out) {
		// Whatever the handler wrote so far, and the 100 Continue, go
		// out before we wait for the client.
		done, err := x.c.flush(cx)
		if err != nil {
			return err, true
		}
		if !done {
			x.fillWaits = true
			return nil, false
		}
	}
	x.bodyRoom()
	r, ok := x.c.c.Read(x.in[x.w:]).Poll(cx)
	if !ok {
		x.fillWaits = true
		return nil, false
	}
	x.fillWaits = false
	if r.Err != nil {
		return r.Err, true
	}
	x.w += r.Value
	return nil, true
}

func (f *fillFuture) Cancel() {
	f.x.fillWaits = false
	f.x.c.c.Read(nil).Cancel()
}
