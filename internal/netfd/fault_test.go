package netfd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
)

// The tests of this file inject faults into single system calls (see
// faults.go) and drive the futures by hand on a reactor of their own, one
// poll and one turn at a time, so that each step is seen: whether the
// future retried, waited or failed, how many calls it made, and whether
// the reactor woke it.

// countWaker counts its wakes; the reactor may call it from the turning
// goroutine, which here is the test's own.
type countWaker struct{ n atomic.Int32 }

func (w *countWaker) Wake() { w.n.Add(1) }

// driver is a reactor turned by the test, and a context on it whose waker
// counts.
type driver struct {
	t  *testing.T
	r  *reactor.Reactor
	cx *async.Context
	w  *countWaker
}

func newDriver(t *testing.T) *driver {
	t.Helper()
	r, err := reactor.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &driver{t: t, r: r, w: &countWaker{}}
	d.cx = testfut.ReactorContext(d.w, r)
	t.Cleanup(func() {
		if n := r.Sources(); n != 0 {
			t.Errorf("%d sources still registered at the end", n)
		}
		r.Close()
	})
	return d
}

// pollOnce polls f once with a full budget, as an executor polls a task.
func pollOnce[T any](d *driver, f async.Future[T]) (T, bool) {
	testfut.ResetBudget(d.cx)
	return f.Poll(d.cx)
}

// settle turns the reactor without blocking until it has no more events,
// so that what the kernel queued so far (a registration's first event)
// has been dispatched, and forgets the wakes it made.
func (d *driver) settle() {
	d.t.Helper()
	for range 10 {
		n, err := d.r.Turn(0)
		if err != nil {
			d.t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	d.w.n.Store(0)
}

// quiet turns the reactor a few times without blocking and fails if that
// wakes the task: nothing happened that should.
func (d *driver) quiet(what string) {
	d.t.Helper()
	for range 3 {
		if _, err := d.r.Turn(0); err != nil {
			d.t.Fatal(err)
		}
	}
	if n := d.w.n.Load(); n != 0 {
		d.t.Fatalf("%s: the task was woken %d times with nothing to do", what, n)
	}
}

// awaitWake turns the reactor until the task is woken, failing after a
// generous 10 s.
func (d *driver) awaitWake(what string) {
	d.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for d.w.n.Load() == 0 {
		if time.Now().After(deadline) {
			d.t.Fatalf("%s: the task was never woken", what)
		}
		if _, err := d.r.Turn(100 * time.Millisecond); err != nil {
			d.t.Fatal(err)
		}
	}
	d.w.n.Store(0)
}

// faultStreams returns a Stream over one end of a Unix stream socket pair,
// made as the runtime makes its sockets, and the other end's descriptor,
// left blocking for the test's plain reads and writes.
func faultStreams(t *testing.T) (*Stream, int) {
	t.Helper()
	fds, err := Socketpair(unix.SOCK_STREAM)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.SetNonblock(fds[1], false); err != nil {
		t.Fatal(err)
	}
	s := &Stream{}
	s.Init(fds[0], testFamily)
	t.Cleanup(func() {
		s.Close()
		unix.Close(fds[1])
	})
	return s, fds[1]
}

// faultPackets is faultStreams for a Unix datagram socket pair.
func faultPackets(t *testing.T) (*Packet, int) {
	t.Helper()
	fds, err := Socketpair(unix.SOCK_DGRAM)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.SetNonblock(fds[1], false); err != nil {
		t.Fatal(err)
	}
	p := &Packet{}
	p.Init(fds[0], testFamily)
	t.Cleanup(func() {
		p.Close()
		unix.Close(fds[1])
	})
	return p, fds[1]
}

// faultListener returns an Acceptor on a listening Unix stream socket,
// accepting with Accept, and a function that connects a new client to it
// (closed when the test ends).
func faultListener(t *testing.T) (*Acceptor, func()) {
	t.Helper()
	a, sa := unixListener(t)
	dial := func() {
		t.Helper()
		c, err := Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Close(c) })
		// A Unix connect does not wait for the listener, even on a
		// non-blocking socket, while its queue has room.
		if err := unix.Connect(c, sa); err != nil {
			t.Fatal(err)
		}
	}
	return a, dial
}

// unixListener returns an Acceptor on a listening Unix stream socket,
// closed when the test ends, and its address.
func unixListener(t *testing.T) (*Acceptor, *unix.SockaddrUnix) {
	t.Helper()
	// A short directory of its own: a socket's path must fit in 108 bytes.
	dir, err := os.MkdirTemp("", "netfd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sa := &unix.SockaddrUnix{Name: filepath.Join(dir, "l")}
	fd, err := Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 16); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	a := &Acceptor{}
	a.Init(fd, Accept)
	t.Cleanup(func() { a.Close() })
	return a, sa
}

// openFDs counts the process's descriptors, or returns -1 where it cannot.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// readN reads exactly n bytes from the blocking descriptor fd.
func readN(t *testing.T, fd, n int) []byte {
	t.Helper()
	buf := make([]byte, n)
	for got := 0; got < n; {
		m, err := unix.Read(fd, buf[got:])
		if err != nil || m == 0 {
			t.Fatalf("read %d of %d bytes from the peer: %v", got, n, err)
		}
		got += m
	}
	return buf
}

// TestFaultsSeam checks the seam itself: faults meet only the calls they
// were armed for, in order, are counted, can be cleared, and are
// uninstalled when the test ends, with the unmet ones reported.
func TestFaultsSeam(t *testing.T) {
	if armed.Load() != nil {
		t.Fatal("faults installed before any test armed them")
	}
	ft := &fakeTB{}
	fs := InjectFaults(ft)
	t.Cleanup(func() { armed.CompareAndSwap(fs, nil) }) // if the test stops early
	fs.Fail(SysRead, 7, 1, Fault{Err: unix.EINTR})
	fs.Fail(SysRead, AnyFD, 2, Fault{Err: unix.EIO})
	fs.Fail(SysWrite, 7, 1, Fault{Short: 3})
	fs.Fail(SysAccept, 9, 5, Fault{Err: unix.EMFILE})

	steps := []struct {
		sys  Sys
		fd   int
		want error
	}{
		{SysRead, 8, unix.EIO},   // not fd 7's fault: the AnyFD one
		{SysRead, 7, unix.EINTR}, // fd 7's, armed first
		{SysRead, 7, unix.EIO},   // the AnyFD fault's second call
		{SysRead, 7, nil},        // nothing left for reads
		{SysSend, 7, nil},        // nothing armed for sends
		{SysSocket, AnyFD, nil},  // nor for sockets
		{SysAccept, 10, nil},     // fd 9's fault only
		{SysAccept, 9, unix.EMFILE},
	}
	for i, s := range steps {
		if err := injected(s.sys, s.fd); err != s.want {
			t.Errorf("step %d: %v on fd %d: %v, want %v", i, s.sys, s.fd, err, s.want)
		}
	}
	if p, err := armedShorten(8, []byte("abcdef")); err != nil || string(p) != "abcdef" {
		t.Errorf("write on fd 8: %q, %v; want all of it", p, err)
	}
	if p, err := armedShorten(7, []byte("abcdef")); err != nil || string(p) != "abc" {
		t.Errorf("write on fd 7 with a short fault of 3: %q, %v; want \"abc\"", p, err)
	}
	fs.Fail(SysWritev, 7, 1, Fault{Short: 4})
	fs.Fail(SysWritev, AnyFD, 1, Fault{Err: unix.ENOBUFS})
	for i, s := range []struct {
		fd   int
		n    int
		want error
	}{
		{8, 0, unix.ENOBUFS}, // not fd 7's fault: the AnyFD one
		{7, 4, nil},
		{7, -1, nil}, // nothing left: all of it
	} {
		if n, err := armedWritevLimit(s.fd); n != s.n || err != s.want {
			t.Errorf("writev %d on fd %d: limit %d, %v; want %d, %v", i, s.fd, n, err, s.n, s.want)
		}
	}
	if n := fs.Calls(SysRead, 7); n != 3 {
		t.Errorf("Calls(read, 7) = %d, want 3", n)
	}
	if n := fs.Calls(SysRead, AnyFD); n != 4 {
		t.Errorf("Calls(read, any) = %d, want 4", n)
	}
	if n := fs.Left(SysAccept); n != 4 {
		t.Errorf("Left(accept) = %d, want 4", n)
	}
	fs.Fail(SysRecv, AnyFD, 1, Fault{Err: unix.EAGAIN})
	fs.Clear(SysAccept)
	if n := fs.Left(SysAccept); n != 0 {
		t.Errorf("Left(accept) after Clear = %d, want 0", n)
	}
	ft.cleanup()
	if armed.Load() != nil {
		t.Error("faults still installed after the test's cleanup")
	}
	if len(ft.errors) != 1 || !bytes.Contains([]byte(ft.errors[0]), []byte("recv")) {
		t.Errorf("cleanup reported %q; want the one unmet recv fault", ft.errors)
	}
	if err := injected(SysRecv, 3); err != nil {
		t.Errorf("a fault met a call after the cleanup: %v", err)
	}
}

// TestInjectFaultsTwice: a second set while one is installed is refused.
func TestInjectFaultsTwice(t *testing.T) {
	InjectFaults(t)
	second := &fakeTB{}
	func() {
		defer func() { recover() }() // fakeTB.Fatalf panics, as FailNow ends a goroutine
		InjectFaults(second)
	}()
	if len(second.fatals) != 1 {
		t.Errorf("second InjectFaults reported %q; want one fatal error", second.fatals)
	}
}

// TestFaultPanics: a fault that could do nothing is a mistake in the test.
func TestFaultPanics(t *testing.T) {
	fs := InjectFaults(t)
	for _, c := range []struct {
		sys Sys
		n   int
		f   Fault
	}{
		{SysRead, 0, Fault{Err: unix.EINTR}},
		{SysRead, 1, Fault{}},
		{SysRead, 1, Fault{Short: 1}},
		{SysConnect, 1, Fault{Short: 1}},
		{SysWrite, 1, Fault{Err: unix.EINTR, Short: 1}},
		{SysWritev, 1, Fault{Err: unix.EINTR, Short: 1}},
		{numSys, 1, Fault{Err: unix.EINTR}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Fail(%v, %d, %+v) did not panic", c.sys, c.n, c.f)
				}
			}()
			fs.Fail(c.sys, AnyFD, c.n, c.f)
		}()
	}
}

// fakeTB records what InjectFaults reports, and runs its cleanups when
// told.
type fakeTB struct {
	cleanups []func()
	errors   []string
	fatals   []string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
	panic("fakeTB.Fatalf")
}
func (f *fakeTB) cleanup() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// TestEINTRRetried: a call interrupted by a signal is made again at once,
// within the same poll, and the caller never sees EINTR.
func TestEINTRRetried(t *testing.T) {
	const interrupts = 3
	t.Run("read", func(t *testing.T) {
		d := newDriver(t)
		s, peer := faultStreams(t)
		unix.Write(peer, []byte("ping"))
		fs := InjectFaults(t)
		fs.Fail(SysRead, s.Sysfd(), interrupts, Fault{Err: unix.EINTR})
		buf := make([]byte, 16)
		r, ok := pollOnce(d, s.Read(buf))
		if !ok || r.Err != nil || string(buf[:r.Value]) != "ping" {
			t.Fatalf("Read: %+v, %v; want \"ping\" at the first poll", r, ok)
		}
		if n := fs.Calls(SysRead, s.Sysfd()); n != interrupts+1 {
			t.Errorf("%d read calls, want %d", n, interrupts+1)
		}
	})
	t.Run("write", func(t *testing.T) {
		d := newDriver(t)
		s, peer := faultStreams(t)
		fs := InjectFaults(t)
		fs.Fail(SysWrite, s.Sysfd(), interrupts, Fault{Err: unix.EINTR})
		r, ok := pollOnce(d, s.WriteAll([]byte("pong")))
		if !ok || r.Err != nil || r.Value != 4 {
			t.Fatalf("WriteAll: %+v, %v; want 4 bytes at the first poll", r, ok)
		}
		if got := readN(t, peer, 4); string(got) != "pong" {
			t.Errorf("the peer read %q, want \"pong\"", got)
		}
	})
	t.Run("accept", func(t *testing.T) {
		d := newDriver(t)
		a, dial := faultListener(t)
		dial()
		fs := InjectFaults(t)
		fs.Fail(SysAccept, a.Sysfd(), interrupts, Fault{Err: unix.EINTR})
		r, ok := pollOnce(d, a.Accept())
		if !ok || r.Err != nil {
			t.Fatalf("Accept: %+v, %v; want a connection at the first poll", r, ok)
		}
		unix.Close(r.Value)
		if n := fs.Calls(SysAccept, a.Sysfd()); n != interrupts+1 {
			t.Errorf("%d accept calls, want %d", n, interrupts+1)
		}
	})
	t.Run("recv", func(t *testing.T) {
		d := newDriver(t)
		p, peer := faultPackets(t)
		unix.Write(peer, []byte("dgram"))
		fs := InjectFaults(t)
		fs.Fail(SysRecv, p.Sysfd(), interrupts, Fault{Err: unix.EINTR})
		buf := make([]byte, 16)
		r, ok := pollOnce(d, p.Recv(buf))
		if !ok || r.Err != nil || string(buf[:r.Value.N]) != "dgram" {
			t.Fatalf("Recv: %+v, %v; want \"dgram\" at the first poll", r, ok)
		}
	})
	t.Run("send", func(t *testing.T) {
		d := newDriver(t)
		p, peer := faultPackets(t)
		fs := InjectFaults(t)
		fs.Fail(SysSend, p.Sysfd(), interrupts, Fault{Err: unix.EINTR})
		r, ok := pollOnce(d, p.Send([]byte("dgram")))
		if !ok || r.Err != nil || r.Value != 5 {
			t.Fatalf("Send: %+v, %v; want 5 bytes at the first poll", r, ok)
		}
		if got := readN(t, peer, 5); string(got) != "dgram" {
			t.Errorf("the peer received %q", got)
		}
	})
}

// TestEAGAINWaitsForNextEvent: the reactor said ready, but the call says
// EAGAIN, as when another reader took the data first. The future must
// clear the readiness and wait: no second call until the reactor reports
// a new event (a busy loop would make one at once), and a wake when that
// event comes (a lost wakeup would leave it waiting). The kernel would
// not say EAGAIN with data queued, so it sends no event for what is
// queued already; each case makes a new event, and the future then gets
// everything.
func TestEAGAINWaitsForNextEvent(t *testing.T) {
	t.Run("read", func(t *testing.T) {
		d := newDriver(t)
		s, peer := faultStreams(t)
		if _, err := s.Source(d.cx); err != nil {
			t.Fatal(err)
		}
		unix.Write(peer, []byte("ab"))
		d.settle() // the reactor has seen "ab" arrive: readable
		fs := InjectFaults(t)
		fs.Fail(SysRead, s.Sysfd(), 1, Fault{Err: unix.EAGAIN})
		buf := make([]byte, 16)
		if r, ok := pollOnce(d, s.Read(buf)); ok {
			t.Fatalf("Read after EAGAIN is ready: %+v", r)
		}
		d.quiet("after EAGAIN")
		if r, ok := pollOnce(d, s.Read(buf)); ok { // polled without a wake
			t.Fatalf("Read polled again without an event is ready: %+v", r)
		}
		if n := fs.Calls(SysRead, s.Sysfd()); n != 1 {
			t.Fatalf("%d read calls before a new event; want 1, the one that said EAGAIN", n)
		}
		unix.Write(peer, []byte("cd"))
		d.awaitWake("data after EAGAIN")
		r, ok := pollOnce(d, s.Read(buf))
		if !ok || r.Err != nil || string(buf[:r.Value]) != "abcd" {
			t.Fatalf("Read after the new event: %q, %+v, %v; want \"abcd\"", buf[:r.Value], r, ok)
		}
	})
	t.Run("write", func(t *testing.T) {
		d := newDriver(t)
		s, peer := faultStreams(t)
		if _, err := s.Source(d.cx); err != nil {
			t.Fatal(err)
		}
		d.settle()
		fs := InjectFaults(t)
		fs.Fail(SysWrite, s.Sysfd(), 1, Fault{Err: unix.EAGAIN})
		f := s.WriteAll([]byte("xyz"))
		if r, ok := pollOnce(d, f); ok {
			t.Fatalf("WriteAll after EAGAIN is ready: %+v", r)
		}
		d.quiet("after EAGAIN")
		if n := fs.Calls(SysWrite, s.Sysfd()); n != 1 {
			t.Fatalf("%d write calls before a new event; want 1", n)
		}
		// Room that frees in a full socket is an event for the writer;
		// this buffer never filled, so the peer makes one by sending,
		// which epoll reports with the socket's whole readiness.
		unix.Write(peer, []byte("!"))
		d.awaitWake("an event after EAGAIN")
		r, ok := pollOnce(d, f)
		if !ok || r.Err != nil || r.Value != 3 {
			t.Fatalf("WriteAll after the new event: %+v, %v; want 3 bytes", r, ok)
		}
		if got := readN(t, peer, 3); string(got) != "xyz" {
			t.Errorf("the peer read %q, want \"xyz\"", got)
		}
	})
	t.Run("accept", func(t *testing.T) {
		d := newDriver(t)
		a, dial := faultListener(t)
		if _, err := a.Source(d.cx); err != nil {
			t.Fatal(err)
		}
		dial()
		d.settle()
		fs := InjectFaults(t)
		fs.Fail(SysAccept, a.Sysfd(), 1, Fault{Err: unix.EAGAIN})
		f := a.Accept()
		if r, ok := pollOnce(d, f); ok {
			t.Fatalf("Accept after EAGAIN is ready: %+v", r)
		}
		d.quiet("after EAGAIN")
		if n := fs.Calls(SysAccept, a.Sysfd()); n != 1 {
			t.Fatalf("%d accept calls before a new event; want 1", n)
		}
		dial()
		d.awaitWake("a second connection after EAGAIN")
		for i := range 2 { // both connections, the one queued first too
			r, ok := pollOnce(d, a.Accept())
			if !ok || r.Err != nil {
				t.Fatalf("Accept %d after the new event: %+v, %v", i, r, ok)
			}
			unix.Close(r.Value)
		}
	})
	t.Run("recv", func(t *testing.T) {
		d := newDriver(t)
		p, peer := faultPackets(t)
		if _, err := p.Source(d.cx); err != nil {
			t.Fatal(err)
		}
		unix.Write(peer, []byte("one"))
		d.settle()
		fs := InjectFaults(t)
		fs.Fail(SysRecv, p.Sysfd(), 1, Fault{Err: unix.EAGAIN})
		buf := make([]byte, 16)
		if r, ok := pollOnce(d, p.Recv(buf)); ok {
			t.Fatalf("Recv after EAGAIN is ready: %+v", r)
		}
		d.quiet("after EAGAIN")
		unix.Write(peer, []byte("two"))
		d.awaitWake("a datagram after EAGAIN")
		for _, want := range []string{"one", "two"} {
			r, ok := pollOnce(d, p.Recv(buf))
			if !ok || r.Err != nil || string(buf[:r.Value.N]) != want {
				t.Fatalf("Recv after the new event: %+v, %v; want %q", r, ok, want)
			}
		}
	})
}

// TestShortWritesComplete: writes that take only part of the data, a byte
// or a few at a time, still deliver all of WriteAll's bytes, in order. A
// short write means the socket is full, so the future waits for room;
// here the peer's reads make it, as they do for a full socket.
func TestShortWritesComplete(t *testing.T) {
	d := newDriver(t)
	s, peer := faultStreams(t)
	msg := make([]byte, 100_000)
	for i := range msg {
		msg[i] = byte(i % 251) // a period that no short count divides
	}
	fs := InjectFaults(t)
	for _, n := range []int{1, 7, 1000, 1, 4096} {
		fs.Fail(SysWrite, s.Sysfd(), 1, Fault{Short: n})
	}
	f := s.WriteAll(msg)
	var got []byte
	buf := make([]byte, 64<<10)
	for range 1000 {
		r, ok := pollOnce(d, f)
		if ok {
			if r.Err != nil || r.Value != len(msg) {
				t.Fatalf("WriteAll: %+v; want %d bytes", r, len(msg))
			}
			break
		}
		n, err := unix.Read(peer, buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
		d.awaitWake("room after a short write")
	}
	unix.SetNonblock(peer, true)
	for {
		n, err := unix.Read(peer, buf)
		if n <= 0 || err != nil {
			break
		}
		got = append(got, buf[:n]...)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("the peer read %d bytes, not the %d written in order", len(got), len(msg))
	}
	if n := fs.Left(SysWrite); n != 0 {
		t.Errorf("%d short writes not made", n)
	}
}

// TestSocketOutOfMemory: socket(2) and socketpair(2) failing for want of
// memory or buffers report the kernel's error and open nothing.
func TestSocketOutOfMemory(t *testing.T) {
	for _, errno := range []unix.Errno{unix.ENOBUFS, unix.ENOMEM, unix.EMFILE} {
		t.Run(errno.Error(), func(t *testing.T) {
			before := openFDs()
			fs := InjectFaults(t)
			fs.Fail(SysSocket, AnyFD, 2, Fault{Err: errno})
			if fd, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0); err != errno || fd != -1 {
				t.Errorf("Socket: %d, %v; want -1, %v", fd, err, errno)
			}
			if fds, err := Socketpair(unix.SOCK_STREAM); err != errno || fds != [2]int{-1, -1} {
				t.Errorf("Socketpair: %v, %v; want -1s, %v", fds, err, errno)
			}
			if after := openFDs(); after != before {
				t.Errorf("%d descriptors open before, %d after", before, after)
			}
			fd, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0) // the fault was for two calls
			if err != nil {
				t.Fatalf("Socket after the faults: %v", err)
			}
			unix.Close(fd)
		})
	}
}

// TestWriteOutOfBuffers: a write or a send refused for want of buffers
// fails with an error that names the operation and wraps the errno; the
// socket stays usable.
func TestWriteOutOfBuffers(t *testing.T) {
	for _, errno := range []unix.Errno{unix.ENOBUFS, unix.ENOMEM} {
		t.Run(errno.Error(), func(t *testing.T) {
			d := newDriver(t)
			s, peer := faultStreams(t)
			p, ppeer := faultPackets(t)
			fs := InjectFaults(t)
			fs.Fail(SysWrite, s.Sysfd(), 1, Fault{Err: errno})
			fs.Fail(SysSend, p.Sysfd(), 1, Fault{Err: errno})
			checkOpError(t, d, "WriteAll", s.WriteAll([]byte("lost")), "write", errno)
			checkOpError(t, d, "Send", p.Send([]byte("lost")), "write", errno)
			if r, ok := pollOnce(d, s.WriteAll([]byte("kept"))); !ok || r.Err != nil {
				t.Fatalf("WriteAll after the failure: %+v, %v", r, ok)
			}
			if got := readN(t, peer, 4); string(got) != "kept" {
				t.Errorf("the peer read %q, want \"kept\"", got)
			}
			if r, ok := pollOnce(d, p.Send([]byte("kept"))); !ok || r.Err != nil {
				t.Fatalf("Send after the failure: %+v, %v", r, ok)
			}
			if got := readN(t, ppeer, 4); string(got) != "kept" {
				t.Errorf("the peer received %q, want \"kept\"", got)
			}
		})
	}
}

// checkOpError polls f once and checks that it fails at once with a
// *net.OpError for op that wraps errno.
func checkOpError(t *testing.T, d *driver, what string, f async.Future[async.Result[int]], op string, errno unix.Errno) {
	t.Helper()
	r, ok := pollOnce(d, f)
	var oe *net.OpError
	switch {
	case !ok:
		t.Errorf("%s with %v injected is pending; want it to fail", what, errno)
	case !errors.Is(r.Err, errno):
		t.Errorf("%s: %v; want %v", what, r.Err, errno)
	case !errors.As(r.Err, &oe) || oe.Op != op:
		t.Errorf("%s: %#v is not a *net.OpError for %q", what, r.Err, op)
	}
}

// TestFaultReadEOFUnaffected: a fault armed for another descriptor does
// not touch this one, and end of stream still reads as io.EOF.
func TestFaultReadEOFUnaffected(t *testing.T) {
	d := newDriver(t)
	s, peer := faultStreams(t)
	fs := InjectFaults(t)
	fs.Fail(SysRead, s.Sysfd()+1000, 1, Fault{Err: unix.EIO})
	unix.Shutdown(peer, unix.SHUT_WR)
	if r, ok := pollOnce(d, s.Read(make([]byte, 8))); !ok || r.Err != io.EOF {
		t.Fatalf("Read at end of stream: %+v, %v; want io.EOF", r, ok)
	}
	fs.Clear(SysRead)
}

// TestWriteAllErrorAfterProgress: a WriteAll that fails after a short
// write reports the bytes the short write took along with the error, as
// WriteAll documents, so that the caller knows what the peer got.
func TestWriteAllErrorAfterProgress(t *testing.T) {
	d := newDriver(t)
	s, peer := faultStreams(t)
	fs := InjectFaults(t)
	fs.Fail(SysWrite, s.Sysfd(), 1, Fault{Short: 3})
	fs.Fail(SysWrite, s.Sysfd(), 1, Fault{Err: unix.ENOBUFS})
	f := s.WriteAll([]byte("abcdef"))
	if r, ok := pollOnce(d, f); ok {
		t.Fatalf("WriteAll after a short write is ready: %+v", r)
	}
	if got := readN(t, peer, 3); string(got) != "abc" {
		t.Fatalf("the peer read %q, want \"abc\"", got)
	}
	d.awaitWake("room after the short write") // the peer's read made it
	r, ok := pollOnce(d, f)
	var oe *net.OpError
	if !ok || r.Value != 3 || !errors.Is(r.Err, unix.ENOBUFS) || !errors.As(r.Err, &oe) || oe.Op != "write" {
		t.Fatalf("WriteAll: %+v, %v; want 3 bytes and a write error wrapping ENOBUFS", r, ok)
	}
}

// TestSysNames: the calls are named as errors and reports name them.
func TestSysNames(t *testing.T) {
	for sys, want := range map[Sys]string{
		SysSocket: "socket", SysAccept: "accept", SysRead: "read", SysWrite: "write",
		SysRecv: "recv", SysSend: "send", SysControl: "control",
		SysConnect: "connect", SysWritev: "writev", numSys: "Sys(9)",
	} {
		if got := sys.String(); got != want {
			t.Errorf("Sys(%d).String() = %q, want %q", uint8(sys), got, want)
		}
	}
}

// TestCutBuffers: a short writev takes the first n bytes of its buffers
// together, cutting the one where n falls, whatever their sizes; empty
// buffers before the cut are kept (the kernel skips them), and the
// caller's buffers and iovecs are left as they were, for the call after.
func TestCutBuffers(t *testing.T) {
	bufs := [][]byte{[]byte("abc"), []byte("defg"), {}, []byte("hij")}
	iov := make([]unix.Iovec, len(bufs))
	for i, b := range bufs {
		if len(b) > 0 {
			iov[i].Base = &b[0]
		}
		iov[i].SetLen(len(b))
	}
	saved := append([]unix.Iovec(nil), iov...)
	for _, c := range []struct {
		n       int
		want    string
		entries int
	}{
		{1, "a", 1},
		{3, "abc", 1},
		{4, "abcd", 2},
		{7, "abcdefg", 2},
		{8, "abcdefgh", 4},
		{10, "abcdefghij", 4},
		{100, "abcdefghij", 4},
	} {
		short := cutBuffers(bufs, c.n)
		if got := string(bytes.Join(short, nil)); got != c.want || len(short) != c.entries {
			t.Errorf("cutBuffers(%d): %q in %d buffers, want %q in %d", c.n, got, len(short), c.want, c.entries)
		}
		vs := cutIovecs(iov, c.n)
		var got []byte
		for _, v := range vs {
			if v.Len > 0 {
				got = append(got, unsafe.Slice(v.Base, v.Len)...)
			}
		}
		if string(got) != c.want || len(vs) != c.entries {
			t.Errorf("cutIovecs(%d): %q in %d iovecs, want %q in %d", c.n, got, len(vs), c.want, c.entries)
		}
	}
	if string(bytes.Join(bufs, nil)) != "abcdefghij" || len(bufs[1]) != 4 {
		t.Errorf("the caller's buffers changed: %q", bufs)
	}
	for i := range iov {
		if iov[i] != saved[i] {
			t.Errorf("the caller's iovec %d changed: %+v, was %+v", i, iov[i], saved[i])
		}
	}
}

// TestConnectFaults: a fault on Connect fails it without making the call
// (the listener gets no connection), except EINTR, which makes the call
// and says EINTR in its place, as an interrupted connect goes on in the
// kernel, unless the kernel refused the call at once; a fault for
// another descriptor does not touch this one.
func TestConnectFaults(t *testing.T) {
	a, sa := unixListener(t)
	before := openFDs()
	// connect opens a socket and connects it to to, meeting the faults
	// armed, and reports whether the listener got a connection, and the
	// error; it closes what it opened.
	connect := func(to *unix.SockaddrUnix) (accepted bool, err error) {
		t.Helper()
		fd, serr := Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if serr != nil {
			t.Fatal(serr)
		}
		defer unix.Close(fd)
		err = Connect(fd, to)
		nfd, aerr := Accept(a.Sysfd())
		if aerr == nil {
			unix.Close(nfd)
		} else if aerr != unix.EAGAIN {
			t.Fatalf("accept: %v", aerr)
		}
		return aerr == nil, err
	}
	fs := InjectFaults(t)
	for _, errno := range []unix.Errno{unix.ECONNREFUSED, unix.ENETUNREACH, unix.EADDRNOTAVAIL, unix.ENOBUFS} {
		fs.Fail(SysConnect, AnyFD, 1, Fault{Err: errno})
		if accepted, err := connect(sa); err != errno || accepted {
			t.Errorf("Connect with %v injected: %v, accepted %v; want %v and no connection", errno, err, accepted, errno)
		}
	}
	fs.Fail(SysConnect, AnyFD, 1, Fault{Err: unix.EINTR})
	if accepted, err := connect(sa); err != unix.EINTR || !accepted {
		t.Errorf("Connect with EINTR injected: %v, accepted %v; want EINTR and the connection made", err, accepted)
	}
	fs.Fail(SysConnect, AnyFD, 1, Fault{Err: unix.EINTR})
	nowhere := &unix.SockaddrUnix{Name: sa.Name + ".none"}
	if _, err := connect(nowhere); err != unix.ENOENT {
		t.Errorf("Connect to no socket with EINTR injected: %v; want the kernel's ENOENT, which no signal interrupted", err)
	}
	fs.Fail(SysConnect, a.Sysfd(), 1, Fault{Err: unix.ECONNREFUSED}) // a descriptor that never connects
	if accepted, err := connect(sa); err != nil || !accepted {
		t.Errorf("Connect with a fault for another descriptor: %v, accepted %v; want a connection", err, accepted)
	}
	if n := fs.Calls(SysConnect, AnyFD); n != 7 {
		t.Errorf("%d connect calls counted, want 7", n)
	}
	fs.Clear(SysConnect)
	if after := openFDs(); after != before {
		t.Errorf("%d descriptors open before, %d after", before, after)
	}
}
