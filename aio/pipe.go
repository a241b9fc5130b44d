package aio

import (
	"io"
	"sync"

	"github.com/asyncgo/async"
)

// Pipe returns the two ends of an in-memory pipe that holds at most size
// bytes (at least 1): what is written to the PipeWriter is read from the
// PipeReader, in order. A Write waits while the pipe is full and a Read
// while it is empty, so a slow reader slows the writer down and the pipe
// never grows. The ends may be used from tasks on different executors
// and goroutines.
//
// Closing the writer ends the stream: the reader reads what is left, then
// io.EOF (or the error given to CloseWithError). Closing the reader makes
// writes fail with io.ErrClosedPipe (or the error given).
func Pipe(size int) (*PipeReader, *PipeWriter) {
	p := &pipe{buf: make([]byte, max(size, 1))}
	r := &PipeReader{}
	r.rd.p = p
	w := &PipeWriter{}
	w.wr.p = p
	return r, w
}

// pipe is the state both ends share, guarded by mu. Wakers are taken under
// mu and woken after it is released, so that a waker that runs the task at
// once (or takes another lock) cannot deadlock with the pipe.
type pipe struct {
	mu     sync.Mutex
	buf    []byte // a ring: buf[head:head+n], wrapping around
	head   int
	n      int
	reader async.Waker // the Read waiting for data, or nil
	writer async.Waker // the Write waiting for room, or nil

	rclosed bool
	rerr    error // what writes fail with once the reader closed
	wclosed bool
	werr    error // what reads return once the writer closed and buf is empty
}

// PipeReader is the reading end of a Pipe. Its Read future is its own,
// reused by every Read.
type PipeReader struct{ rd pipeRead }

// PipeWriter is the writing end of a Pipe. Its Write future is its own,
// reused by every Write.
type PipeWriter struct{ wr pipeWrite }

// Read returns a future that is ready with the bytes it copied into buf,
// at least one unless buf is empty, once the pipe holds some; or with 0
// and io.EOF once the writer closed and the pipe is drained. Await it (or
// cancel it) before calling Read again.
func (r *PipeReader) Read(buf []byte) async.Future[async.Result[int]] {
	r.rd.buf = buf
	return &r.rd
}

// Close closes the reading end: writes fail with io.ErrClosedPipe from
// now on, and so do reads. Closing again does nothing.
func (r *PipeReader) Close() error { return r.CloseWithError(nil) }

// CloseWithError closes the reading end: writes fail with err, or
// io.ErrClosedPipe if err is nil.
func (r *PipeReader) CloseWithError(err error) error {
	if err == nil {
		err = io.ErrClosedPipe
	}
	p := r.rd.p
	p.mu.Lock()
	if p.rclosed {
		p.mu.Unlock()
		return nil
	}
	p.rclosed, p.rerr = true, err
	w := p.takeWriter()
	p.mu.Unlock()
	wake(w)
	return nil
}

// Buffered returns how many bytes the pipe holds.
func (r *PipeReader) Buffered() int {
	p := r.rd.p
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// Write returns a future that copies as much of buf as fits into the
// pipe, waiting until at least one byte does, and is ready with how many
// bytes it copied. Await it (or cancel it) before calling Write again.
func (w *PipeWriter) Write(buf []byte) async.Future[async.Result[int]] {
	w.wr.buf = buf
	return &w.wr
}

// Close closes the writing end: the reader reads what is left and then
// io.EOF. Closing again does nothing.
func (w *PipeWriter) Close() error { return w.CloseWithError(nil) }

// CloseWrite is Close, so that a PipeWriter is a CloseWriter.
func (w *PipeWriter) CloseWrite() error { return w.Close() }

// CloseWithError closes the writing end: the reader reads what is left and
// then err, or io.EOF if err is nil. Writes fail with io.ErrClosedPipe.
func (w *PipeWriter) CloseWithError(err error) error {
	if err == nil {
		err = io.EOF
	}
	p := w.wr.p
	p.mu.Lock()
	if p.wclosed {
		p.mu.Unlock()
		return nil
	}
	p.wclosed, p.werr = true, err
	r := p.takeReader()
	p.mu.Unlock()
	wake(r)
	return nil
}

// pipeRead is the future of PipeReader.Read.
type pipeRead struct {
	p   *pipe
	buf []byte
}

// Poll copies out what the pipe holds, or waits for the writer.
func (f *pipeRead) Poll(cx *async.Context) (async.Result[int], bool) {
	if !cx.Proceed() {
		return giveWay[async.Result[int]](cx)
	}
	if len(f.buf) == 0 {
		return async.Ok(0), true
	}
	p := f.p
	p.mu.Lock()
	switch {
	case p.rclosed:
		p.mu.Unlock()
		return f.done(0, io.ErrClosedPipe), true
	case p.n > 0:
		n := p.take(f.buf)
		w := p.takeWriter()
		p.mu.Unlock()
		wake(w)
		return f.done(n, nil), true
	case p.wclosed:
		p.mu.Unlock()
		return f.done(0, p.werr), true
	}
	p.reader = cx.Waker()
	p.mu.Unlock()
	return async.Result[int]{}, false
}

func (f *pipeRead) done(n int, err error) async.Result[int] {
	f.buf = nil
	return async.Result[int]{Value: n, Err: err}
}

// Cancel forgets the waker the pipe keeps for the read.
func (f *pipeRead) Cancel() {
	f.buf = nil
	f.p.mu.Lock()
	f.p.reader = nil
	f.p.mu.Unlock()
}

// pipeWrite is the future of PipeWriter.Write.
type pipeWrite struct {
	p   *pipe
	buf []byte
}

// Poll copies what fits into the pipe, or waits for the reader.
func (f *pipeWrite) Poll(cx *async.Context) (async.Result[int], bool) {
	if !cx.Proceed() {
		return giveWay[async.Result[int]](cx)
	}
	if len(f.buf) == 0 {
		return async.Ok(0), true
	}
	p := f.p
	p.mu.Lock()
	switch {
	case p.wclosed:
		p.mu.Unlock()
		return f.done(0, io.ErrClosedPipe), true
	case p.rclosed:
		p.mu.Unlock()
		return f.done(0, p.rerr), true
	case p.n < len(p.buf):
		n := p.put(f.buf)
		r := p.takeReader()
		p.mu.Unlock()
		wake(r)
		return f.done(n, nil), true
	}
	p.writer = cx.Waker()
	p.mu.Unlock()
	return async.Result[int]{}, false
}

func (f *pipeWrite) done(n int, err error) async.Result[int] {
	f.buf = nil
	return async.Result[int]{Value: n, Err: err}
}

// Cancel forgets the waker the pipe keeps for the write.
func (f *pipeWrite) Cancel() {
	f.buf = nil
	f.p.mu.Lock()
	f.p.writer = nil
	f.p.mu.Unlock()
}

// take copies the oldest bytes of the ring into dst and removes them.
// p.mu must be held.
func (p *pipe) take(dst []byte) int {
	n := min(len(dst), p.n)
	first := copy(dst[:n], p.buf[p.head:])
	copy(dst[first:n], p.buf)
	p.head = (p.head + n) % len(p.buf)
	p.n -= n
	if p.n == 0 {
		p.head = 0 // the next writes need not wrap
	}
	return n
}

// put appends what fits of src to the ring. p.mu must be held.
func (p *pipe) put(src []byte) int {
	n := min(len(src), len(p.buf)-p.n)
	tail := (p.head + p.n) % len(p.buf)
	first := copy(p.buf[tail:], src[:n])
	copy(p.buf, src[first:n])
	p.n += n
	return n
}

// takeReader returns the waiting reader's waker, forgetting it. p.mu must
// be held; the caller wakes it after releasing p.mu.
func (p *pipe) takeReader() async.Waker {
	w := p.reader
	p.reader = nil
	return w
}

// takeWriter is takeReader for the waiting writer.
func (p *pipe) takeWriter() async.Waker {
	w := p.writer
	p.writer = nil
	return w
}

// waiters reports whether the pipe keeps a reader's or a writer's waker,
// for tests of cancellation.
func (p *pipe) waiters() (reader, writer bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reader != nil, p.writer != nil
}

func wake(w async.Waker) {
	if w != nil {
		w.Wake()
	}
}
