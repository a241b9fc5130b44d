package netfd

import (
	"io"
	"net"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// Family describes one kind of stream socket, for its errors and
// addresses. Each socket package has one, shared by all its streams.
type Family struct {
	Net  string                       // "tcp", "unix": the Net of errors
	Addr func(unix.Sockaddr) net.Addr // converts the kernel's addresses
}

// Stream is a connected stream socket: the body of a tcp.Conn or a
// unixsock.Conn. Its Read and Write futures are the Stream itself, seen
// through the types readFuture and writeFuture, so awaiting them allocates
// nothing and they cost no pointer back to it. One Read and one Write may
// be in flight at once, from two tasks.
type Stream struct {
	FD
	names names

	rbuf []byte // the buffer of the Read in flight

	wbuf  []byte // what is left to write
	wdone int    // bytes written so far
	wall  bool   // WriteAll: go on until wbuf is empty
}

// Init makes s a stream over fd, a connected, non-blocking socket.
func (s *Stream) Init(fd int, fam *Family) {
	s.FD.Init(fd)
	s.names.fam = fam
}

// Read returns s's read future, reading into buf: ready with how many
// bytes it read, at least one unless buf is empty, or with 0 and io.EOF at
// end of stream. Await or cancel it before the next Read.
func (s *Stream) Read(buf []byte) async.Future[async.Result[int]] {
	s.rbuf = buf
	return (*readFuture)(s)
}

// Write returns s's write future, writing what fits of buf once at least
// one byte does. Await or cancel it before the next Write or WriteAll.
func (s *Stream) Write(buf []byte) async.Future[async.Result[int]] {
	s.wbuf, s.wall, s.wdone = buf, false, 0
	return (*writeFuture)(s)
}

// WriteAll returns s's write future, writing all of buf: ready with
// len(buf), or the bytes written before an error and the error.
func (s *Stream) WriteAll(buf []byte) async.Future[async.Result[int]] {
	s.wbuf, s.wall, s.wdone = buf, true, 0
	return (*writeFuture)(s)
}

// CloseWrite shuts down the sending side.
func (s *Stream) CloseWrite() error {
	return s.control("close write", func(fd int) error { return unix.Shutdown(fd, unix.SHUT_WR) })
}

// CloseRead shuts down the receiving side: Read reports end of stream.
func (s *Stream) CloseRead() error {
	return s.control("close read", func(fd int) error { return unix.Shutdown(fd, unix.SHUT_RD) })
}

func (s *Stream) control(op string, f func(fd int) error) error {
	if err := s.Control(f); err != nil {
		return s.OpError(op, err)
	}
	return nil
}

// Close closes the stream (see FD.Close); its error is an OpError.
func (s *Stream) Close() error {
	if err := s.FD.Close(); err != nil {
		return s.OpError("close", err)
	}
	return nil
}

// LocalAddr returns the local address, or nil if the socket was closed
// before anyone asked (the addresses are not kept until asked for, and the
// errors of operations on a closed stream lack them then).
func (s *Stream) LocalAddr() net.Addr { return s.names.get(&s.FD).local }

// RemoteAddr returns the peer's address, or nil as LocalAddr.
func (s *Stream) RemoteAddr() net.Addr { return s.names.get(&s.FD).remote }

// OpError describes a failed operation as the net package does,
// "read tcp 127.0.0.1:5000->127.0.0.1:41000: connection reset by peer", so
// that errors.Is sees the cause (a syscall.Errno, net.ErrClosed).
func (s *Stream) OpError(op string, err error) error {
	return s.names.opError(&s.FD, op, nil, err)
}

// readFuture is the Stream's Read. Only the task polling it touches its
// fields (rbuf).
type readFuture Stream

func (f *readFuture) stream() *Stream { return (*Stream)(f) }

// Poll reads, or stores the task's waker in the source and waits.
func (f *readFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	if len(f.rbuf) == 0 {
		if !Proceed(cx) {
			return async.Result[int]{}, false
		}
		return async.Ok(0), true
	}
	src, err := f.Source(cx)
	if err != nil {
		if !Proceed(cx) {
			return async.Result[int]{}, false
		}
		return f.done(0, err), true
	}
	r, ok := PollIO(cx, src, reactor.Read, f)
	if !ok {
		return async.Result[int]{}, false
	}
	if r.Err == nil && r.Value == 0 {
		return f.done(0, io.EOF), true
	}
	return f.done(r.Value, r.Err), true
}

// Do is one read(2). A read shorter than the buffer drained the socket.
func (f *readFuture) Do() (int, bool, error) {
	if !f.Acquire() {
		return 0, false, net.ErrClosed
	}
	n, err := read(f.sysfd, f.rbuf)
	f.Release()
	return n, n > 0 && n < len(f.rbuf), err
}

func (f *readFuture) done(n int, err error) async.Result[int] {
	f.rbuf = nil
	if err != nil && err != io.EOF {
		err = f.stream().OpError("read", err)
	}
	return async.Result[int]{Value: n, Err: err}
}

// TimeoutError describes the read's timeout as its other errors, for
// timer.Timeout (see timer.TimeoutErrorer):
// "read tcp 127.0.0.1:5000->127.0.0.1:41000: i/o timeout".
func (f *readFuture) TimeoutError(err error) error { return f.stream().OpError("read", err) }

// Cancel takes the task's waker back from the source.
func (f *readFuture) Cancel() {
	f.rbuf = nil
	f.CancelWait(reactor.Read)
}

// writeFuture is the Stream's Write and WriteAll. Only the task polling it
// touches its fields (wbuf, wdone, wall).
type writeFuture Stream

// Poll writes, or stores the task's waker in the source and waits.
func (f *writeFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	src, err := f.Source(cx)
	if err != nil || len(f.wbuf) == 0 {
		// Ready without a write(2): the budget's unit is taken here.
		if !Proceed(cx) {
			return async.Result[int]{}, false
		}
		return f.finish(err), true
	}
	for len(f.wbuf) > 0 {
		r, ok := PollIO(cx, src, reactor.Write, f)
		if !ok {
			return async.Result[int]{}, false
		}
		if r.Err != nil {
			return f.finish(r.Err), true
		}
		f.wdone += r.Value
		f.wbuf = f.wbuf[r.Value:]
		if !f.wall {
			break
		}
	}
	return f.finish(nil), true
}

// Do is one write(2). A write shorter than the data filled the socket's
// buffer.
func (f *writeFuture) Do() (int, bool, error) {
	if !f.Acquire() {
		return 0, false, net.ErrClosed
	}
	n, err := write(f.sysfd, f.wbuf)
	f.Release()
	return n, n < len(f.wbuf), err
}

func (f *writeFuture) finish(err error) async.Result[int] {
	n := f.wdone
	f.wbuf, f.wdone = nil, 0
	if err != nil {
		err = (*Stream)(f).OpError("write", err)
	}
	return async.Result[int]{Value: n, Err: err}
}

// TimeoutError describes the write's timeout as its other errors (see
// readFuture.TimeoutError).
func (f *writeFuture) TimeoutError(err error) error { return (*Stream)(f).OpError("write", err) }

// Cancel takes the task's waker back from the source.
func (f *writeFuture) Cancel() {
	f.wbuf, f.wdone = nil, 0
	f.CancelWait(reactor.Write)
}
