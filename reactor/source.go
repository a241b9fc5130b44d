package reactor

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async/poll"
)

// Ready is a set of readiness bits.
type Ready uint8

// The readiness bits of a source.
const (
	Readable Ready = 1 << iota
	Writable
	ReadClosed
	WriteClosed
	Error

	// closed are the bits a clear never removes: end of stream and
	// hang-up last for the source's life. Error does not: a socket's
	// pending error is consumed by the call that reports it (a datagram
	// socket lives on after an ICMP error's ECONNREFUSED), so a later call
	// that hits EAGAIN clears it like readiness, as tokio does.
	closed = ReadClosed | WriteClosed
)

// String names the bits, for logs and tests.
func (r Ready) String() string {
	var names []string
	for i, name := range []string{"readable", "writable", "read-closed", "write-closed", "error"} {
		if r&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}

// Direction is the side of a source a future waits on.
type Direction uint8

// The two directions. Each has its own waker slot.
const (
	Read Direction = iota
	Write
)

// mask is the readiness that ends a wait in direction d: data or room, or
// the end, or an error, which the operation will then report.
func (d Direction) mask() Ready {
	if d == Read {
		return Readable | ReadClosed | Error
	}
	return Writable | WriteClosed | Error
}

// The readiness word of a source:
//
//	bit  63        32 31            16 15       5 4                 0
//	   +------------+----------------+----------+--------------------+
//	   | unused     | tick           | unused   | readiness (Ready)  |
//	   +------------+----------------+----------+--------------------+
//	   bit 62: SHUTDOWN, the source was deregistered or the reactor closed.
//	   bit 61: DEREGISTERED, the owner called Deregister (apart from
//	           SHUTDOWN, which Close sets too: the owner of a source whose
//	           reactor closed still deregisters it once, without an error).
//
// Every event adds its readiness and bumps the tick. ClearReady removes the
// readiness an operation saw only if the tick is still the one it saw.
const (
	readyMask     = 0x1f
	tickShift     = 16
	tickMask      = 0xffff << tickShift
	shutdownBit   = 1 << 62
	deregBit      = 1 << 61
	wakeBatchSize = 32
)

// ErrClosed is returned for I/O on a source that was deregistered, or whose
// reactor was closed, while a future waited on it.
var ErrClosed = errors.New("reactor: source closed")

// ReadyEvent is the readiness a PollReady observed, and when: pass it to
// ClearReady when the operation it allowed hit EAGAIN.
type ReadyEvent struct {
	Ready    Ready
	tick     uint16
	shutdown bool
}

// Closed reports whether the source was shut down when PollReady looked:
// the operation must then fail with ErrClosed rather than be tried. It
// saves the caller a second look at the readiness word.
func (ev ReadyEvent) Closed() bool { return ev.shutdown }

// Source is a file descriptor registered with the reactor: its readiness
// and the wakers of the futures waiting to read and to write it.
//
// A server holds one per connection, so it is kept to 64 bytes.
type Source struct {
	readiness atomic.Uint64 // see the layout above
	fd        int32
	index     uint32 // in the reactor's slab
	r         *Reactor

	mu     sync.Mutex
	reader Waker // guarded by mu
	writer Waker // guarded by mu
}

// FD returns the registered file descriptor.
func (s *Source) FD() int { return int(s.fd) }

// PollReady reports whether the source is ready in direction d. If it is
// not, it stores w, which is woken when an event arrives, and returns false.
// A source that is shut down is always ready: the caller's operation then
// fails (see Closed).
func (s *Source) PollReady(d Direction, w Waker) (ReadyEvent, bool) {
	if ev, ok := s.readyIn(d); ok {
		return ev, true
	}
	s.mu.Lock()
	// Check again under the lock: dispatch sets readiness before it takes
	// the lock to collect wakers, so either we see the event now or it
	// sees our waker.
	ev, ok := s.readyIn(d)
	if !ok {
		if d == Read {
			s.reader = w
		} else {
			s.writer = w
		}
	}
	s.mu.Unlock()
	return ev, ok
}

func (s *Source) readyIn(d Direction) (ReadyEvent, bool) {
	cur := s.readiness.Load()
	ev := ReadyEvent{Ready: Ready(cur & readyMask), tick: uint16(cur >> tickShift)}
	if cur&shutdownBit != 0 {
		ev.Ready |= d.mask()
		ev.shutdown = true
		return ev, true
	}
	ev.Ready &= d.mask()
	return ev, ev.Ready != 0
}

// ClearReady removes the readiness ev reported, after an operation hit
// EAGAIN, unless an event arrived since PollReady observed it. End of
// stream and hang-up are never cleared.
func (s *Source) ClearReady(ev ReadyEvent) {
	clear := uint64(ev.Ready &^ closed)
	for {
		cur := s.readiness.Load()
		if uint16(cur>>tickShift) != ev.tick || cur&clear == 0 {
			return
		}
		if s.readiness.CompareAndSwap(cur, cur&^clear) {
			return
		}
	}
}

// Ready returns the source's current readiness.
func (s *Source) Ready() Ready { return Ready(s.readiness.Load() & readyMask) }

// Closed reports whether the source was deregistered or its reactor closed.
// Operations on a closed source fail with ErrClosed.
func (s *Source) Closed() bool { return s.readiness.Load()&shutdownBit != 0 }

// CancelWait removes the waker stored for direction d, for a future that is
// cancelled while it waits: the source then holds no reference to its task.
func (s *Source) CancelWait(d Direction) {
	s.mu.Lock()
	if d == Read {
		s.reader = nil
	} else {
		s.writer = nil
	}
	s.mu.Unlock()
}

// Deregister removes the source from the reactor and wakes the futures
// waiting on it, which then see Closed. A future that deregisters its own
// source (when it completes or is cancelled) calls CancelWait for both
// directions first, so that it does not wake its own task for nothing. The caller closes the descriptor
// afterwards. Deregistering twice returns an error; deregistering once
// after the reactor was closed does not.
func (s *Source) Deregister() error {
	if s.readiness.Or(deregBit)&deregBit != 0 {
		return fmt.Errorf("reactor: deregister fd %d: %w", s.fd, ErrClosed)
	}
	s.shutdown()
	return s.r.remove(s)
}

// shutdown sets SHUTDOWN and wakes both waiters, the first time only.
func (s *Source) shutdown() {
	if s.readiness.Or(shutdownBit)&shutdownBit == 0 {
		s.wake(Readable | Writable)
	}
}

// setReadiness records an event and bumps the tick.
func (s *Source) setReadiness(r Ready) {
	for {
		cur := s.readiness.Load()
		tick := (cur>>tickShift + 1) << tickShift & tickMask
		next := cur&^tickMask | tick | uint64(r)
		if s.readiness.CompareAndSwap(cur, next) {
			return
		}
	}
}

// wake takes the wakers of the directions r makes ready and calls them,
// after releasing the lock.
func (s *Source) wake(r Ready) { s.wakeFor(r, nil) }

// wakeFor is wake within a turn for p (see Parker).
func (s *Source) wakeFor(r Ready, p Parker) {
	var reader, writer Waker
	s.mu.Lock()
	if r&Read.mask() != 0 {
		reader, s.reader = s.reader, nil
	}
	if r&Write.mask() != 0 {
		writer, s.writer = s.writer, nil
	}
	s.mu.Unlock()
	if reader != nil {
		wake(reader, p)
	}
	if writer != nil {
		wake(writer, p)
	}
}

// wake wakes w, through p if a Parker turns the reactor.
func wake(w Waker, p Parker) {
	if p != nil {
		p.WakeFromTurn(w)
	} else {
		w.Wake()
	}
}

// readyFromEvent translates the event queue's report into readiness bits.
func readyFromEvent(e poll.Event) Ready {
	var r Ready
	if e.Readable() {
		r |= Readable
	}
	if e.Writable() {
		r |= Writable
	}
	if e.ReadClosed() {
		r |= ReadClosed
	}
	if e.WriteClosed() {
		r |= WriteClosed
	}
	if e.Error() {
		r |= Error
	}
	return r
}
