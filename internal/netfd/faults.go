package netfd

import (
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Injected faults, for tests only.
//
// The kernel rarely says EINTR to a non-blocking call, runs out of buffers
// or descriptors, or writes half of what it was given while a test is
// watching; yet the runtime must handle each. So every system call this
// package makes on the runtime's behalf, and the connect(2) and writev(2)
// that it makes for package tcp (Connect, Writev), first asks injected
// whether a test armed a fault for it, as Go's net package asks its test
// hooks, and a test arms one with InjectFaults: "the next read on
// descriptor 7 fails with EINTR", "the next three accepts fail with
// EMFILE", "the next write takes 5 bytes".
//
// Outside such a test the question costs one atomic load of a nil
// pointer in each wrapper, against a system call's hundreds of
// nanoseconds: nothing measurable, where a hook in each FD would add 8
// bytes to every connection (see TestSizes) and a build tag would keep the
// tests from running by default. The armed set is the one piece of
// package state, which no program but a test ever sets; the package is
// internal, so no user of tcp, udp or unixsock can reach it.

// armed is the fault set of the test in progress, or nil. Only
// InjectFaults and its cleanup store it; any goroutine loads it.
var armed atomic.Pointer[Faults]

// injected returns the error a test armed for this call of sys on fd, if
// any, and counts the call. Outside fault tests it loads nil and returns
// nil, and it is small enough to be inlined into each wrapper, so that
// load and a branch are all it costs there.
func injected(sys Sys, fd int) error {
	if armed.Load() != nil {
		return armedFailure(sys, fd)
	}
	return nil
}

// armedFailure is the slow path of injected, kept out of line so that
// injected stays within the inlining budget. It loads armed again: a
// test's cleanup may have removed the set since.
//
//go:noinline
func armedFailure(sys Sys, fd int) error {
	if fs := armed.Load(); fs != nil {
		return fs.failure(sys, fd)
	}
	return nil
}

// armedShorten is armedFailure for write(2), whose fault may cut p short
// instead: it returns the part of p to write. The one call of each write
// wrapper makes the check of injected itself, since this pair of results
// would take injected over the inlining budget.
//
//go:noinline
func armedShorten(fd int, p []byte) ([]byte, error) {
	if fs := armed.Load(); fs != nil {
		return fs.shorten(fd, p)
	}
	return p, nil
}

// armedWritevLimit is armedFailure for writev(2), whose fault may be a short
// count instead: it returns how many bytes the call may take, or -1 for
// all it is given. Each writev wrapper cuts its buffers to that count
// itself, since their form differs from system to system (an iovec array
// or a slice of buffers).
//
//go:noinline
func armedWritevLimit(fd int) (int, error) {
	if fs := armed.Load(); fs != nil {
		return fs.limit(SysWritev, fd)
	}
	return -1, nil
}

// armedConnect is Connect once a test installed faults: the call as the
// fault for it says (see SysConnect), or as it is if there is none. It
// makes the call itself, since an interrupted connect is made.
//
//go:noinline
func armedConnect(fd int, sa unix.Sockaddr) error {
	fs := armed.Load()
	if fs == nil {
		return unix.Connect(fd, sa)
	}
	f, ok := fs.take(SysConnect, fd)
	switch {
	case !ok:
		return unix.Connect(fd, sa)
	case f.Err != unix.EINTR:
		return f.Err
	}
	// A signal can interrupt only a connect that is under way: one the
	// kernel refused at once still reports why.
	if err := unix.Connect(fd, sa); err != nil && err != unix.EINPROGRESS {
		return err
	}
	return unix.EINTR
}

// Sys names a system call, or the calls of one kind, that a test can make
// fail (see InjectFaults). For tests only.
type Sys uint8

// The calls a fault can be armed for. Each is one wrapper in this package,
// on every system.
const (
	// SysSocket is socket(2) and socketpair(2): Socket and Socketpair.
	// They have no descriptor yet, so only faults armed for AnyFD apply.
	SysSocket Sys = iota
	// SysAccept is accept4(2), or accept(2) where there is none: Accept.
	// The descriptor is the listener's.
	SysAccept
	// SysRead is a Stream's read(2).
	SysRead
	// SysWrite is a Stream's write(2); a Fault with Short applies to it.
	SysWrite
	// SysRecv is a Packet's receive: recvfrom(2) on Linux, recvmsg(2)
	// elsewhere.
	SysRecv
	// SysSend is a Packet's send: sendto(2) on Linux, sendmsg(2)
	// elsewhere.
	SysSend
	// SysControl is whatever function FD.Control runs: a socket option,
	// shutdown(2), the connect(2) of a Unix socket, the address lookup
	// of an error message. A fault fails the call without running the
	// function.
	SysControl
	// SysConnect is connect(2) through Connect: a TCP socket's
	// handshake. The descriptor is the new socket's, which a test does
	// not know before the call, so faults for it are usually armed for
	// AnyFD. A fault with Err EINTR makes the call and then returns
	// EINTR in place of EINPROGRESS (or of success), for connect(2) says
	// that an interrupted connect goes on in the kernel; the error of a
	// call the kernel refused at once is returned as it is. Any other
	// Err fails the call without making it.
	SysConnect
	// SysWritev is writev(2), through Writev or WritevBuffers; a Fault
	// with Short applies to it, counting the bytes of all the buffers
	// together.
	SysWritev

	numSys
)

var sysNames = [numSys]string{"socket", "accept", "read", "write", "recv", "send", "control", "connect", "writev"}

// String returns the call's name, "accept", "write".
func (s Sys) String() string {
	if s < numSys {
		return sysNames[s]
	}
	return fmt.Sprintf("Sys(%d)", uint8(s))
}

// AnyFD, as the descriptor of Fail, matches calls on every descriptor, and
// the calls that have none (SysSocket). As the descriptor of Calls it
// counts them all.
const AnyFD = -1

// A Fault is what an injected call does instead of what the kernel would.
// For tests only.
type Fault struct {
	// Err, if not 0, is the error the call returns without being made,
	// as if the kernel had refused it: nothing is read, written, opened,
	// accepted or connected. (An EINTR for SysConnect is the exception:
	// see there.)
	Err unix.Errno
	// Short, for SysWrite or SysWritev with Err 0, makes the call with
	// only the first Short bytes of the data (all of it if it is
	// shorter; a writev's buffers count as one run of bytes, and the
	// buffer where Short falls is cut), so that it returns a short
	// count. The runtime takes a short write on a stream socket to mean
	// the socket's buffer is full, as the kernel's would, and waits for
	// the next writable event before it writes the rest; but this buffer
	// never filled, so the kernel sends no such event: the test must
	// make one, for instance by having the peer send something, which
	// epoll reports with the socket's full readiness.
	Short int
}

// TB is what InjectFaults needs of a test; a *testing.T or *testing.B has
// it. For tests only. This package does not import testing, which would link the testing
// package into every program that opens a socket with the runtime.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Faults is the set of faults armed by a test, and the count of the calls
// made while it was installed. For tests only. It is safe for concurrent use: the test
// arms faults and reads counts on its goroutine while the executor's
// goroutines make the calls.
type Faults struct {
	mu    sync.Mutex
	rules []rule          // guarded by mu; the order in which they were armed
	calls map[callKey]int // guarded by mu
}

// rule is one armed fault: it applies to the next left calls of sys on fd.
type rule struct {
	sys   Sys
	fd    int
	left  int
	fault Fault
}

type callKey struct {
	sys Sys
	fd  int
}

// InjectFaults installs an empty fault set for the system calls of this
// package, in every goroutine, until t ends; then it reports as an error
// of t any fault that no call met, which would mean the test did not test
// what it meant to. For tests only.
//
// Faults are global to the process, as the calls they stand for are, so a
// test that injects them must not run in parallel with other tests that
// make calls through this package, and only one may inject at a time.
func InjectFaults(t TB) *Faults {
	t.Helper()
	fs := &Faults{calls: make(map[callKey]int)}
	if !armed.CompareAndSwap(nil, fs) {
		t.Fatalf("netfd: InjectFaults while another test's faults are installed")
	}
	t.Cleanup(func() {
		armed.CompareAndSwap(fs, nil)
		fs.mu.Lock()
		defer fs.mu.Unlock()
		for _, r := range fs.rules {
			t.Errorf("netfd: %d injected %v fault(s) %+v on fd %d never met a call", r.left, r.sys, r.fault, r.fd)
		}
	})
	return fs
}

// Fail arms f for the next n calls of sys on descriptor fd (AnyFD: on any
// descriptor). Faults armed for the same call are met in the order they
// were armed. It panics for a fault that would do nothing, or a Short one
// for a call other than SysWrite and SysWritev.
func (fs *Faults) Fail(sys Sys, fd, n int, f Fault) {
	switch {
	case sys >= numSys:
		panic(fmt.Sprintf("netfd: Fail: unknown call %v", sys))
	case n <= 0:
		panic(fmt.Sprintf("netfd: Fail %v: %d calls", sys, n))
	case f.Err == 0 && f.Short <= 0:
		panic(fmt.Sprintf("netfd: Fail %v: a fault with no error and no short count", sys))
	case f.Err != 0 && f.Short != 0:
		panic(fmt.Sprintf("netfd: Fail %v: a fault with both an error and a short count", sys))
	case f.Short != 0 && sys != SysWrite && sys != SysWritev:
		panic(fmt.Sprintf("netfd: Fail %v: a short count applies to SysWrite and SysWritev only", sys))
	}
	fs.mu.Lock()
	fs.rules = append(fs.rules, rule{sys: sys, fd: fd, left: n, fault: f})
	fs.mu.Unlock()
}

// Calls returns how many calls of sys were made on fd (AnyFD: on any
// descriptor, or none) since InjectFaults, faulted or not.
func (fs *Faults) Calls(sys Sys, fd int) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fd != AnyFD {
		return fs.calls[callKey{sys, fd}]
	}
	n := 0
	for k, c := range fs.calls {
		if k.sys == sys {
			n += c
		}
	}
	return n
}

// Left returns how many armed faults of sys no call has met yet.
func (fs *Faults) Left(sys Sys) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := 0
	for _, r := range fs.rules {
		if r.sys == sys {
			n += r.left
		}
	}
	return n
}

// Clear disarms every fault of sys that no call has met, for a test that
// armed more than it needed, such as an EMFILE that lasts until the test
// decides descriptors are back.
func (fs *Faults) Clear(sys Sys) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	kept := fs.rules[:0]
	for _, r := range fs.rules {
		if r.sys != sys {
			kept = append(kept, r)
		}
	}
	fs.rules = kept
}

// failure counts a call of sys on fd and returns the error of the first
// fault armed for it, using it up; nil if there is none.
func (fs *Faults) failure(sys Sys, fd int) error {
	if f, ok := fs.take(sys, fd); ok && f.Err != 0 {
		return f.Err
	}
	return nil
}

// shorten is failure for a write of p, whose fault may be a short count
// instead: it returns the part of p to write.
func (fs *Faults) shorten(fd int, p []byte) ([]byte, error) {
	n, err := fs.limit(SysWrite, fd)
	switch {
	case err != nil:
		return nil, err
	case n >= 0:
		return p[:min(n, len(p))], nil
	}
	return p, nil
}

// limit is failure for a call of sys that writes, whose fault may be a
// short count instead: it returns how many bytes the call may take, or -1
// for all it is given.
func (fs *Faults) limit(sys Sys, fd int) (int, error) {
	f, ok := fs.take(sys, fd)
	switch {
	case !ok:
		return -1, nil
	case f.Err != 0:
		return 0, f.Err
	}
	return f.Short, nil
}

// cutIovecs returns a copy of iov that holds only its first n bytes, the
// entry where n falls cut to end there, or all of them if n is more than
// they hold; iov itself is left as it was, for its owner.
func cutIovecs(iov []unix.Iovec, n int) []unix.Iovec {
	short := make([]unix.Iovec, 0, len(iov))
	for _, v := range iov {
		if n == 0 {
			break
		}
		if int(v.Len) > n {
			v.SetLen(n)
		}
		short = append(short, v)
		n -= int(v.Len)
	}
	return short
}

// cutBuffers is cutIovecs for a slice of buffers.
func cutBuffers(bufs [][]byte, n int) [][]byte {
	short := make([][]byte, 0, len(bufs))
	for _, b := range bufs {
		if n == 0 {
			break
		}
		b = b[:min(len(b), n)]
		short = append(short, b)
		n -= len(b)
	}
	return short
}

// take counts a call of sys on fd and returns the first fault armed for
// it, if any, using it up.
func (fs *Faults) take(sys Sys, fd int) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.calls[callKey{sys, fd}]++
	for i := range fs.rules {
		r := &fs.rules[i]
		if r.sys != sys || r.fd != AnyFD && r.fd != fd {
			continue
		}
		f := r.fault
		if r.left--; r.left == 0 {
			fs.rules = append(fs.rules[:i], fs.rules[i+1:]...)
		}
		return f, true
	}
	return Fault{}, false
}
