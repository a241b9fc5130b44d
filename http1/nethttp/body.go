package nethttp

import (
	"io"
	"net/http"
	"sync/atomic"
)

// requestBody is a request's Body: each Read is an op, so the loop reads
// the connection only when the handler asks (the server's backpressure:
// an upload the handler does not read stays in the client's socket), and
// it reads straight into the handler's buffer. A client that sent Expect:
// 100-continue is told to go on at the first Read.
type requestBody struct {
	x      *exchange
	gen    uint64
	left   int64 // bytes of a sized body not yet read; -1 for chunked
	eof    bool  // the body ended: Read answers io.EOF without an op
	closed atomic.Bool
}

// Read reads up to len(p) bytes of the body. It returns io.EOF at the
// body's end; a sized body's last bytes come with io.EOF, as net/http's
// do, saving the op that would find the end. After Close, or once the
// handler returned, it returns http.ErrBodyReadAfterClose.
func (b *requestBody) Read(p []byte) (int, error) {
	switch {
	case b.closed.Load():
		return 0, http.ErrBodyReadAfterClose
	case b.eof:
		return 0, io.EOF
	case len(p) == 0:
		return 0, nil
	}
	if b.left >= 0 && int64(len(p)) > b.left {
		p = p[:b.left]
	}
	r := b.x.call(b.gen, op{kind: opRead, a: p})
	if r.err == errEnded {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.left >= 0 {
		b.left -= int64(r.n)
		if b.left == 0 && r.err == nil {
			r.err = io.EOF
		}
	}
	if r.err == io.EOF {
		b.eof = true
	}
	return r.n, r.err
}

// Close makes later Reads fail. What the handler left unread the server
// reads and discards after the handler (up to its MaxDrainBytes), or it
// closes the connection.
func (b *requestBody) Close() error {
	b.closed.Store(true)
	return nil
}
