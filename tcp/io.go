package tcp

import (
	"io"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// Read returns a future that reads into buf and is ready with how many
// bytes it read, at least one unless buf is empty. At end of stream it is
// ready with 0 and io.EOF. The future is the Conn's own, reused by every
// Read: await it (or cancel it) before calling Read again.
func (c *Conn) Read(buf []byte) async.Future[async.Result[int]] {
	c.rd.buf = buf
	return &c.rd
}

// Write returns a future that writes what it can of buf, waiting until at
// least one byte fits, and is ready with how many bytes it wrote. The
// future is the Conn's own, shared with WriteAll: await it (or cancel it)
// before calling either again.
func (c *Conn) Write(buf []byte) async.Future[async.Result[int]] {
	c.wr.buf, c.wr.all, c.wr.done = buf, false, 0
	return &c.wr
}

// WriteAll returns a future that writes all of buf, in as many writes as
// the socket needs, and is ready with len(buf), or with the bytes written
// before an error and the error.
func (c *Conn) WriteAll(buf []byte) async.Future[async.Result[int]] {
	c.wr.buf, c.wr.all, c.wr.done = buf, true, 0
	return &c.wr
}

// readFuture is the Conn's Read. Only the task polling it touches it.
type readFuture struct {
	c   *Conn
	buf []byte
	// op and sys are the read, bound once so a poll allocates nothing.
	op  func() (int, error)
	sys func(fd int) (int, error)
}

func (f *readFuture) init(c *Conn) {
	f.c = c
	f.op = func() (int, error) { return c.fd.syscall(f.sys) }
	f.sys = func(fd int) (int, error) { return unix.Read(fd, f.buf) }
}

// Poll reads, or stores the task's waker in the source and waits.
func (f *readFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	if len(f.buf) == 0 {
		return async.Ok(0), true
	}
	src, err := f.c.fd.source(cx)
	if err != nil {
		return f.done(0, err), true
	}
	r, ok := async.PollIO(cx, src, reactor.Read, f.op)
	if !ok {
		return async.Result[int]{}, false
	}
	if r.Err == nil && r.Value == 0 {
		return f.done(0, io.EOF), true
	}
	return f.done(r.Value, r.Err), true
}

func (f *readFuture) done(n int, err error) async.Result[int] {
	f.buf = nil
	if err != nil && err != io.EOF {
		err = f.c.opError("read", err)
	}
	return async.Result[int]{Value: n, Err: err}
}

// Cancel takes the task's waker back from the source.
func (f *readFuture) Cancel() {
	f.buf = nil
	if s := f.c.fd.src.Load(); s != nil {
		s.CancelWait(reactor.Read)
	}
}

// writeFuture is the Conn's Write and WriteAll. Only the task polling it
// touches it.
type writeFuture struct {
	c    *Conn
	buf  []byte // what is left to write
	all  bool   // WriteAll: go on until buf is empty
	done int    // bytes written so far
	op   func() (int, error)
	sys  func(fd int) (int, error)
}

func (f *writeFuture) init(c *Conn) {
	f.c = c
	f.op = func() (int, error) { return c.fd.syscall(f.sys) }
	f.sys = func(fd int) (int, error) { return unix.Write(fd, f.buf) }
}

// Poll writes, or stores the task's waker in the source and waits.
func (f *writeFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	src, err := f.c.fd.source(cx)
	if err != nil {
		return f.finish(err), true
	}
	for len(f.buf) > 0 {
		r, ok := async.PollIO(cx, src, reactor.Write, f.op)
		if !ok {
			return async.Result[int]{}, false
		}
		if r.Err != nil {
			return f.finish(r.Err), true
		}
		f.done += r.Value
		f.buf = f.buf[r.Value:]
		if !f.all {
			break
		}
	}
	return f.finish(nil), true
}

func (f *writeFuture) finish(err error) async.Result[int] {
	n := f.done
	f.buf, f.done = nil, 0
	if err != nil {
		err = f.c.opError("write", err)
	}
	return async.Result[int]{Value: n, Err: err}
}

// Cancel takes the task's waker back from the source.
func (f *writeFuture) Cancel() {
	f.buf, f.done = nil, 0
	if s := f.c.fd.src.Load(); s != nil {
		s.CancelWait(reactor.Write)
	}
}
