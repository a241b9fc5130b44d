package poll

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Every backend (poll_epoll.go, poll_kqueue.go) defines the Poller type and
// these unexported functions, which the exported methods below wrap:
//
//	openPoller() (*Poller, error)
//	(*Poller) ctl(op ctlOp, fd int, tok Token, in Interest, mode Mode) error
//	(*Poller) wait(ev *Events, timeout time.Duration) error
//	(*Poller) notify() error    // make the current or next wait return
//	(*Poller) closeBackend() error
//
// and the type sysEvent, the kernel's event record, which Events buffers.

// Token identifies a registered source in the events that Wait reports.
// The caller chooses it; a common choice is an index into its own table.
type Token uint64

// wakeToken is the token under which a backend registers its own wakeup
// source. Register refuses it so that a wakeup is never mistaken for I/O.
const wakeToken = ^Token(0)

// Interest says which readiness a registration reports.
type Interest uint8

// The interests. ReadWrite is both.
const (
	Readable Interest = 1 << iota
	Writable

	ReadWrite = Readable | Writable
)

// String returns "readable", "writable", "readable|writable" or "none".
func (in Interest) String() string {
	switch in {
	case Readable:
		return "readable"
	case Writable:
		return "writable"
	case ReadWrite:
		return "readable|writable"
	case 0:
		return "none"
	}
	return fmt.Sprintf("Interest(%#x)", uint8(in))
}

// Mode says how often a ready source is reported.
type Mode uint8

// The modes. Edge is the zero value and the default.
const (
	// Edge reports a source when it becomes ready; it is reported again
	// only after it was drained to EAGAIN and became ready anew.
	Edge Mode = iota
	// Oneshot reports a source once and then disables its registration
	// until Reregister arms it again.
	Oneshot
	// Level reports a source on every Wait for as long as it is ready.
	Level
)

// String returns "edge", "oneshot" or "level".
func (m Mode) String() string {
	switch m {
	case Edge:
		return "edge"
	case Oneshot:
		return "oneshot"
	case Level:
		return "level"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// Forever is the timeout that makes Wait block until an event or a Wake.
const Forever time.Duration = -1

// Errors returned by a Poller. Failures of the kernel call are returned
// wrapped, with the operation and the file descriptor, so errors.Is finds
// the errno (for example unix.EBADF for a closed descriptor).
var (
	// ErrClosed is returned by every method of a Poller after Close.
	ErrClosed = errors.New("poll: poller closed")
	// ErrNotRegistered is returned by Reregister and Deregister for a
	// descriptor that is not registered with the Poller.
	ErrNotRegistered = errors.New("poll: file descriptor not registered")
	// ErrAlreadyRegistered is returned by Register for a descriptor that
	// is registered already.
	ErrAlreadyRegistered = errors.New("poll: file descriptor already registered")
)

// Event is one readiness report for a registered source.
type Event struct {
	// Token is the token the source was registered under.
	Token Token
	flags eventFlags
}

// eventFlags records what one event reported, independent of the backend.
type eventFlags uint8

const (
	flagReadable eventFlags = 1 << iota
	flagWritable
	flagError
	flagReadClosed
	flagWriteClosed
)

// Readable reports whether the source can be read without blocking, or
// holds an error or end of stream that a read will return.
func (e Event) Readable() bool { return e.flags&flagReadable != 0 }

// Writable reports whether the source can be written without blocking.
func (e Event) Writable() bool { return e.flags&flagWritable != 0 }

// Error reports whether the source has a pending error (for a socket,
// SO_ERROR holds it; the next read or write returns it).
func (e Event) Error() bool { return e.flags&flagError != 0 }

// ReadClosed reports whether the peer has shut down its writing side, so
// reads will reach end of stream (EPOLLRDHUP or EPOLLHUP; EV_EOF on
// EVFILT_READ).
func (e Event) ReadClosed() bool { return e.flags&flagReadClosed != 0 }

// WriteClosed reports whether the source can no longer be written, because
// the connection is hung up (EPOLLHUP; EV_EOF on EVFILT_WRITE).
func (e Event) WriteClosed() bool { return e.flags&flagWriteClosed != 0 }

// String describes the event, for logs and tests.
func (e Event) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "token %d:", e.Token)
	names := [...]string{"readable", "writable", "error", "read-closed", "write-closed"}
	for i, name := range names {
		if e.flags&(1<<i) != 0 {
			b.WriteString(" " + name)
		}
	}
	return b.String()
}

// Events is a reusable buffer of events, filled by Wait. Reusing one
// buffer across calls means Wait allocates nothing.
type Events struct {
	sys  []sysEvent // the kernel fills this
	list []Event    // decoded from sys, without the wakeup's event
}

// NewEvents returns a buffer that holds up to capacity events per Wait.
// A capacity below 1 is taken as 1.
func NewEvents(capacity int) *Events {
	capacity = max(capacity, 1)
	return &Events{sys: make([]sysEvent, capacity), list: make([]Event, 0, capacity)}
}

// Len returns the number of events the last Wait reported.
func (ev *Events) Len() int { return len(ev.list) }

// At returns the i'th event of the last Wait.
func (ev *Events) At(i int) Event { return ev.list[i] }

// List returns the events of the last Wait. The slice is overwritten by the
// next Wait.
func (ev *Events) List() []Event { return ev.list }

// ctlOp is a change to a registration.
type ctlOp uint8

const (
	opAdd ctlOp = iota
	opModify
	opDelete
)

func (op ctlOp) String() string {
	return [...]string{"register", "reregister", "deregister"}[op]
}

// New returns a Poller backed by the kernel's event queue.
func New() (*Poller, error) {
	p, err := openPoller()
	if err != nil {
		return nil, fmt.Errorf("poll: open: %w", err)
	}
	return p, nil
}

// Register adds fd to the Poller under tok, reporting the readiness in in,
// in the given mode. The caller keeps ownership of fd and must Deregister
// it before closing it: the kernel forgets a closed descriptor only when no
// duplicate of it is open.
func (p *Poller) Register(fd int, tok Token, in Interest, mode Mode) error {
	if tok == wakeToken {
		return fmt.Errorf("poll: register fd %d: token %#x is reserved for wakeups", fd, uint64(tok))
	}
	return p.change(opAdd, fd, tok, in, mode)
}

// Reregister changes the token, interest or mode of a registered fd. It
// also rearms a Oneshot registration that has fired.
func (p *Poller) Reregister(fd int, tok Token, in Interest, mode Mode) error {
	if tok == wakeToken {
		return fmt.Errorf("poll: reregister fd %d: token %#x is reserved for wakeups", fd, uint64(tok))
	}
	return p.change(opModify, fd, tok, in, mode)
}

// Deregister removes fd from the Poller. No event for fd is reported by a
// Wait that starts after Deregister returns.
func (p *Poller) Deregister(fd int) error {
	return p.change(opDelete, fd, 0, 0, 0)
}

func (p *Poller) change(op ctlOp, fd int, tok Token, in Interest, mode Mode) error {
	if p.closed.Load() {
		return ErrClosed
	}
	if fd < 0 {
		return fmt.Errorf("poll: %v fd %d: negative file descriptor", op, fd)
	}
	if op != opDelete {
		if in == 0 || in&^ReadWrite != 0 {
			return fmt.Errorf("poll: %v fd %d: invalid interest %v", op, fd, in)
		}
		if mode > Level {
			return fmt.Errorf("poll: %v fd %d: invalid mode %v", op, fd, mode)
		}
	}
	if err := p.ctl(op, fd, tok, in, mode); err != nil {
		return fmt.Errorf("poll: %v fd %d: %w", op, fd, err)
	}
	return nil
}

// Wait blocks until at least one registered source is ready, the timeout
// passes, or Wake is called, and fills ev with what was ready. A negative
// timeout (Forever) blocks without limit; zero polls and returns at once.
// A timeout below the kernel's resolution is rounded up, never down, so Wait
// does not return before the timeout unless something happened.
//
// Wait returns with ev empty after a timeout or a Wake. A signal that
// interrupts the kernel call is retried with the time that is left.
func (p *Poller) Wait(ev *Events, timeout time.Duration) error {
	ev.list = ev.list[:0]
	if p.closed.Load() {
		return ErrClosed
	}
	if err := p.wait(ev, timeout); err != nil {
		return fmt.Errorf("poll: wait: %w", err)
	}
	return nil
}

// Wake makes a blocked Wait return, or the next Wait if none is blocked.
// It is safe to call from any goroutine, and cheap to call often: wakes are
// coalesced until the Wait that consumes them, so only the first one costs
// a system call.
func (p *Poller) Wake() error {
	if p.closed.Load() {
		return ErrClosed
	}
	// The flag is cleared by the Wait that consumes the wakeup; until then
	// another wakeup would be redundant.
	if !p.notified.CompareAndSwap(false, true) {
		return nil
	}
	// Close must not release the wakeup descriptor while we write to it:
	// its number could already belong to another file.
	p.closeMu.RLock()
	defer p.closeMu.RUnlock()
	if p.closed.Load() {
		return ErrClosed
	}
	if err := p.notify(); err != nil {
		p.notified.Store(false)
		return fmt.Errorf("poll: wake: %w", err)
	}
	return nil
}

// Close releases the kernel's event queue and the wakeup source. The
// registered descriptors stay open: they belong to the caller.
func (p *Poller) Close() error {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	if !p.closed.CompareAndSwap(false, true) {
		return ErrClosed
	}
	if err := p.closeBackend(); err != nil {
		return fmt.Errorf("poll: close: %w", err)
	}
	return nil
}

// deadlineLeft returns the time left until deadline, for a wait retried
// after EINTR; a Forever timeout stays Forever.
func deadlineLeft(timeout time.Duration, deadline time.Time) time.Duration {
	if timeout < 0 {
		return Forever
	}
	return max(time.Until(deadline), 0)
}
