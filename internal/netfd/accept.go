package netfd

import (
	"net"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// The accept backoff. When the process or the system is out of
// descriptors (EMFILE, ENFILE) or the kernel out of memory for the new
// socket (ENOBUFS, ENOMEM), the connection stays in the listen queue and
// the listener stays readable, so retrying at once would spin at 100% CPU
// until a descriptor frees. The future waits instead, doubling the wait
// from minAcceptBackoff to maxAcceptBackoff, and retries; the first
// connection it then takes resets the wait. The bounds are Go's
// net/http.Server's (5 ms to 1 s): short enough that a server recovers
// soon after descriptors free, long enough that a process stuck at its
// limit costs almost nothing.
const (
	minAcceptBackoff = 5 * time.Millisecond
	maxAcceptBackoff = time.Second
)

// Acceptor is a listening socket: an FD and its reusable accept future,
// shared by the listeners of the socket packages (tcp, unixsock), each of
// which turns the descriptors it accepts into its own connections.
//
// Accept never hands a caller an error it could do nothing about but
// retry: a connection aborted in the queue (ECONNABORTED) is skipped, and
// running out of descriptors or memory makes the future wait and retry
// (see minAcceptBackoff) rather than fail, so a server's accept loop keeps
// running and takes the waiting connections once descriptors free up.
type Acceptor struct {
	FD
	accept func(fd int) (int, error)
	acc    acceptFuture

	// mu guards waiter: the waker of the task waiting out a backoff,
	// which Close (from any goroutine) wakes, since that task waits on a
	// timer and deregistering the source would not wake it.
	mu     sync.Mutex
	waiter async.Waker
}

// Init makes a an acceptor on fd, a listening, non-blocking socket.
// accept takes one connection off fd's queue without blocking and returns
// the new descriptor, non-blocking and close-on-exec, or the error of the
// call (EAGAIN when the queue is empty).
func (a *Acceptor) Init(fd int, accept func(fd int) (int, error)) {
	if accept == nil {
		panic("netfd: Acceptor.Init with a nil accept function")
	}
	a.FD.Init(fd)
	a.accept = accept
	a.acc.a = a
}

// Accept returns a's accept future, ready with the descriptor of the next
// connection, which the caller then owns. Await or cancel it before the
// next Accept. After Close it fails with an error that IsClosed reports,
// and a task waiting on it, for a connection or out a backoff, is woken
// to see that. Its other errors are the accept call's, unwrapped.
func (a *Acceptor) Accept() async.Future[async.Result[int]] { return &a.acc }

// Close closes the socket (see FD.Close) and wakes a task waiting out a
// backoff, so that it sees the close now rather than when its timer
// fires.
func (a *Acceptor) Close() error {
	err := a.FD.Close()
	// The closed bit is set before mu is taken here, and the future looks
	// at it under mu before it stores a waiter: either it sees the close,
	// or its waiter is here to be woken.
	a.mu.Lock()
	w := a.waiter
	a.waiter = nil
	a.mu.Unlock()
	if w != nil {
		w.Wake() // after the unlock: a waker may poll the task at once
	}
	return err
}

// acceptFuture is the Acceptor's Accept. Only the task polling it touches
// its fields; waiter, which Close reads, is the Acceptor's, under mu.
type acceptFuture struct {
	a       *Acceptor
	timer   reactor.Timer
	r       *reactor.Reactor // the reactor of the armed backoff timer, or nil
	backoff time.Duration    // the last wait; 0 after a success
}

// Poll waits out a backoff in progress, then accepts a connection or
// stores the task's waker in the source and waits.
func (f *acceptFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	if f.r != nil && !f.backedOff(cx) {
		return async.Result[int]{}, false
	}
	if f.a.Closed() {
		if !Proceed(cx) {
			return async.Result[int]{}, false
		}
		return async.Err[int](net.ErrClosed), true
	}
	src, err := f.a.Source(cx)
	if err != nil {
		if !Proceed(cx) {
			return async.Result[int]{}, false
		}
		return async.Err[int](err), true
	}
	for {
		r, ok := PollIO(cx, src, reactor.Read, f)
		if !ok {
			return async.Result[int]{}, false
		}
		switch r.Err {
		case nil:
			f.backoff = 0
			return r, true
		case unix.ECONNABORTED:
			// The peer gave up while the connection waited in the
			// queue (accept(2)); take the next one.
			continue
		case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
			if f.startBackoff(cx) {
				return async.Result[int]{}, false
			}
			continue // the wait was over before it began; retry
		}
		return r, true
	}
}

// startBackoff doubles the wait and arms the timer for it, with the
// task's waker; false if the deadline had passed already.
func (f *acceptFuture) startBackoff(cx *async.Context) bool {
	f.backoff = min(max(2*f.backoff, minAcceptBackoff), maxAcceptBackoff)
	r := cx.Reactor()
	if !f.setWaiter(cx.Waker()) {
		return false // closed: the next pass of the loop says so
	}
	if r.StartTimer(&f.timer, r.Now().Add(f.backoff), cx.Waker()) {
		f.setWaiter(nil)
		return false
	}
	f.r = r
	return true
}

// backedOff reports whether the backoff timer has fired or the Acceptor
// was closed meanwhile; if neither, the task's waker is stored with the
// timer and with the Acceptor, for Close.
func (f *acceptFuture) backedOff(cx *async.Context) bool {
	if f.setWaiter(cx.Waker()) && !f.r.PollTimer(&f.timer, cx.Waker()) {
		return false
	}
	f.stopTimer()
	return true
}

// setWaiter stores w as the waker Close wakes, unless the Acceptor is
// closed, which it reports as false.
func (f *acceptFuture) setWaiter(w async.Waker) bool {
	a := f.a
	a.mu.Lock()
	defer a.mu.Unlock()
	if w != nil && a.Closed() {
		a.waiter = nil
		return false
	}
	a.waiter = w
	return true
}

// stopTimer disarms the backoff timer, if armed, and forgets the waiter.
func (f *acceptFuture) stopTimer() {
	if f.r != nil {
		f.r.StopTimer(&f.timer)
		f.r = nil
	}
	f.setWaiter(nil)
}

// Do is one accept call.
func (f *acceptFuture) Do() (int, bool, error) {
	a := f.a
	if !a.Acquire() {
		return -1, false, net.ErrClosed
	}
	nfd, err := a.accept(a.sysfd)
	a.Release()
	return nfd, false, err
}

// Cancel stops the backoff timer and takes the task's waker back from the
// source. The length of the last backoff is kept: a server whose accept
// loop is cancelled and restarted while still out of descriptors goes on
// from there.
func (f *acceptFuture) Cancel() {
	f.stopTimer()
	f.a.CancelWait(reactor.Read)
}
