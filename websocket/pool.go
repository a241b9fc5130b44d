package websocket

import "sync"

// bufSize is the size of the buffers a connection borrows to read and
// write frames: a frame header and its payload up to this size go in one
// system call.
const bufSize = 4 << 10

// maxPooled bounds the idle buffers a pool keeps.
const maxPooled = 256

// bufPool lends buffers to connections, so that an idle connection holds
// none: a connection takes one when bytes arrive or a write starts, and
// gives it back when it has nothing buffered. It is a free list under a
// mutex rather than a sync.Pool, which a collection empties, for the same
// reason as http1's. The zero value is ready; a nil pool allocates.
type bufPool struct {
	mu   sync.Mutex
	free [][]byte
}

func (p *bufPool) get() []byte {
	if p != nil {
		p.mu.Lock()
		if n := len(p.free); n > 0 {
			b := p.free[n-1]
			p.free[n-1] = nil
			p.free = p.free[:n-1]
			p.mu.Unlock()
			return b
		}
		p.mu.Unlock()
	}
	return make([]byte, bufSize)
}

// put takes b back; a buffer that grew past bufSize is left to the
// collector.
func (p *bufPool) put(b []byte) {
	if p == nil || cap(b) != bufSize {
		return
	}
	p.mu.Lock()
	if len(p.free) < maxPooled {
		p.free = append(p.free, b[:bufSize])
	}
	p.mu.Unlock()
}
