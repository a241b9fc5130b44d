package tcp

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// netFD is a socket's descriptor and its registration with a reactor: what
// a Listener and a Conn share. It is registered lazily, by the first
// operation that has to wait, with the reactor of the task polling it.
//
// The descriptor may be closed by one task while another is about to make
// a system call on it (on an executor with several threads), and a closed
// descriptor number is soon reused by the kernel. So every system call on
// fd holds life for reading, and close holds it for writing: once close has
// it, no call is in flight, and every later call sees closed and fails
// with net.ErrClosed without touching fd. The calls never block, so close
// waits at most for one of them.
type netFD struct {
	fd     int
	closed atomic.Bool
	life   sync.RWMutex

	// src is the registration, nil until the first wait. mu serializes
	// registering against registering and against close; the hot path
	// reads src without it.
	mu  sync.Mutex
	src atomic.Pointer[reactor.Source]
}

// source returns the registration, registering fd with the reactor of cx
// if this is the first time.
func (d *netFD) source(cx *async.Context) (*reactor.Source, error) {
	if s := d.src.Load(); s != nil {
		return s, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed.Load() {
		return nil, net.ErrClosed
	}
	if s := d.src.Load(); s != nil {
		return s, nil
	}
	r := cx.Reactor()
	if r == nil {
		return nil, errors.New("polled without a reactor; run it on an executor")
	}
	s, err := r.Register(d.fd)
	if err != nil {
		return nil, err
	}
	d.src.Store(s)
	return s, nil
}

// syscall runs op on the descriptor unless it was closed (see life).
func (d *netFD) syscall(op func(fd int) (int, error)) (int, error) {
	d.life.RLock()
	defer d.life.RUnlock()
	if d.closed.Load() {
		return 0, net.ErrClosed
	}
	n, err := op(d.fd)
	if err != nil {
		n = 0 // the raw calls report -1 with an error
	}
	return n, err
}

// close deregisters the descriptor, which wakes the futures waiting on it
// (they then fail with net.ErrClosed), and closes it. It does not remove
// the stored wakers first: a future of another task waiting here must be
// woken to see the close, and a spurious wake of the caller's own task is
// harmless. A second close returns net.ErrClosed.
func (d *netFD) close() error {
	d.mu.Lock()
	if d.closed.Swap(true) {
		d.mu.Unlock()
		return net.ErrClosed
	}
	s := d.src.Load()
	d.mu.Unlock()
	var errDereg error
	if s != nil {
		errDereg = s.Deregister()
	}
	d.life.Lock()
	errClose := unix.Close(d.fd)
	d.life.Unlock()
	return errors.Join(errDereg, errClose)
}

// cancelWaits removes the wakers this descriptor's own futures stored, for
// a future that lets go of the socket without waking its own task.
func (d *netFD) cancelWaits() {
	if s := d.src.Load(); s != nil {
		s.CancelWait(reactor.Read)
		s.CancelWait(reactor.Write)
	}
}

// isClosedErr reports whether err means the descriptor or its
// registration was closed while an operation waited.
func isClosedErr(err error) bool {
	return errors.Is(err, reactor.ErrClosed) || errors.Is(err, net.ErrClosed)
}
