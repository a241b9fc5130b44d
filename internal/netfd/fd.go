package netfd

import (
	"errors"
	"net"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// FD is a non-blocking socket descriptor and its registration with a
// reactor, made by the first operation that has to wait, with the reactor
// of the task polling it.
//
// A descriptor may be closed by one task while another is about to make a
// system call on it, and the kernel soon reuses a closed number. So every
// call on it is bracketed by Acquire and Release, which count calls in
// flight in state; Close marks state closed, then waits for the count to
// drain before closing the descriptor. The calls never block, so that
// wait is short. It is Go's fdMutex reduced to what non-blocking calls
// need.
type FD struct {
	// state is closedBit, plus refUnit for each call in flight.
	state atomic.Uint64
	src   atomic.Pointer[reactor.Source]
	// mu serializes registering against registering and against Close;
	// the hot path reads src without it.
	mu    sync.Mutex
	sysfd int
}

const (
	closedBit = 1
	refUnit   = 2
)

// Init sets the descriptor; fd must be non-blocking and close-on-exec.
func (d *FD) Init(fd int) { d.sysfd = fd }

// Sysfd returns the descriptor number, for calls made between Acquire and
// Release.
func (d *FD) Sysfd() int { return d.sysfd }

// Acquire reports whether the descriptor is open and, if it is, keeps it
// open until Release.
func (d *FD) Acquire() bool {
	if d.state.Add(refUnit)&closedBit != 0 {
		d.Release()
		return false
	}
	return true
}

// Release ends what Acquire began.
func (d *FD) Release() { d.state.Add(^uint64(refUnit - 1)) }

// Closed reports whether Close was called.
func (d *FD) Closed() bool { return d.state.Load()&closedBit != 0 }

// Control runs f on the descriptor, for socket options and the like, or
// returns net.ErrClosed if it is closed.
func (d *FD) Control(f func(fd int) error) error {
	if !d.Acquire() {
		return net.ErrClosed
	}
	defer d.Release()
	if err := injected(SysControl, d.sysfd); err != nil {
		return err
	}
	return f(d.sysfd)
}

// Source returns the registration, registering the descriptor with the
// reactor of cx if this is the first time.
func (d *FD) Source(cx *async.Context) (*reactor.Source, error) {
	if s := d.src.Load(); s != nil {
		return s, nil
	}
	return d.register(cx)
}

func (d *FD) register(cx *async.Context) (*reactor.Source, error) {
	if !d.Acquire() {
		return nil, net.ErrClosed
	}
	defer d.Release()
	d.mu.Lock()
	defer d.mu.Unlock()
	// Close sets the closed bit before it takes mu to take src, so a
	// registration made after Close's look at src would never be undone:
	// check again here.
	if d.Closed() {
		return nil, net.ErrClosed
	}
	if s := d.src.Load(); s != nil {
		return s, nil
	}
	r := cx.Reactor()
	if r == nil {
		return nil, errors.New("polled without a reactor; run it on an executor")
	}
	s, err := r.Register(d.sysfd)
	if err != nil {
		return nil, err
	}
	d.src.Store(s)
	return s, nil
}

// Registered returns the registration, or nil before the first wait and
// after Close.
func (d *FD) Registered() *reactor.Source { return d.src.Load() }

// CancelWait takes back the waker a future stored for direction dir.
func (d *FD) CancelWait(dir reactor.Direction) {
	if s := d.src.Load(); s != nil {
		s.CancelWait(dir)
	}
}

// Close deregisters the descriptor, which wakes the futures waiting on it
// (they then fail with net.ErrClosed), waits for calls in flight, and
// closes it. It does not take the stored wakers back first: a task waiting
// here must be woken to see the close, and a spurious wake of the caller's
// own task is harmless. A second Close returns net.ErrClosed.
func (d *FD) Close() error {
	if d.state.Or(closedBit)&closedBit != 0 {
		return net.ErrClosed
	}
	d.mu.Lock()
	s := d.src.Swap(nil)
	d.mu.Unlock()
	var errDereg error
	if s != nil {
		errDereg = s.Deregister()
	}
	for d.state.Load() != closedBit {
		runtime.Gosched()
	}
	return errors.Join(errDereg, unix.Close(d.sysfd))
}

// IsClosed reports whether err means the descriptor or its registration
// was closed while an operation waited.
func IsClosed(err error) bool {
	return errors.Is(err, reactor.ErrClosed) || errors.Is(err, net.ErrClosed)
}

// defaultBacklog is the accept queue asked for when the kernel's limit is
// not known.
const defaultBacklog = 1024
