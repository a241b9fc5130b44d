package reactor

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncgo/async/internal/wheel"
	"github.com/asyncgo/async/poll"
)

// Waker is what the reactor wakes: anything with a Wake method, such as a
// task. It is the runtime's one Waker type: async.Waker and task.Waker are
// aliases of it, so a waker passes from a future's Context to a Source
// with no conversion (a conversion between two interface types, even with
// the same methods, looks up a method table at run time).
type Waker interface{ Wake() }

// EventsPerTurn is how many kernel events one Turn takes at most. Events
// beyond it stay queued in the kernel for the next turn.
const EventsPerTurn = 1024

// ErrReactorClosed is returned by a reactor that was closed.
var ErrReactorClosed = errors.New("reactor: closed")

// Reactor is the I/O and timer driver of a runtime.
type Reactor struct {
	poller *poll.Poller
	clock  *Clock

	// turnMu is held for the whole of a Turn: one goroutine turns at a
	// time, and Close waits for the turn in progress to end before it
	// closes the event queue under it.
	turnMu  sync.Mutex
	closing atomic.Bool

	// Only the goroutine holding turnMu touches these.
	events  *poll.Events
	ready   []readySource
	expired []Waker
	guard   wakeGuard

	// mu guards the slab of sources and closed.
	mu      sync.RWMutex
	sources []slot
	free    []uint32 // indexes of free slots
	closed  bool

	// tmu guards the timer wheel and the timers in it.
	tmu    sync.Mutex
	wheel  wheel.Wheel
	origin time.Time // the wheel's tick 0

	// sleepUntil is the tick until which a Turn is blocked: 0 when no Turn
	// is blocked, math.MaxUint64 when it blocks without a timer. StartTimer
	// reads it to wake a Turn that would sleep past a new deadline.
	sleepUntil atomic.Uint64
}

// slot is one entry of the slab of sources. The token of a source is its
// index and the slot's generation, so an event queued for a source that was
// deregistered is dropped instead of reaching the source that reuses the slot.
type slot struct {
	src *Source
	gen uint32
}

type readySource struct {
	src   *Source
	ready Ready
}

// New returns a reactor over a new event queue, keeping time with clock (a
// real clock if nil).
func New(clock *Clock) (*Reactor, error) {
	p, err := poll.New()
	if err != nil {
		return nil, fmt.Errorf("reactor: %w", err)
	}
	if clock == nil {
		clock = NewClock()
	}
	return &Reactor{
		poller:  p,
		clock:   clock,
		events:  poll.NewEvents(EventsPerTurn),
		ready:   make([]readySource, 0, EventsPerTurn),
		expired: make([]Waker, 0, wakeBatchSize),
		origin:  clock.Now(),
	}, nil
}

// Clock returns the reactor's clock.
func (r *Reactor) Clock() *Clock { return r.clock }

// Now returns the reactor's current time.
func (r *Reactor) Now() time.Time { return r.clock.Now() }

// Register adds fd to the event queue, edge-triggered, for reading and
// writing, and returns its Source. The caller keeps the descriptor, sets it
// non-blocking, and calls Source.Deregister before closing it.
func (r *Reactor) Register(fd int) (*Source, error) {
	s := &Source{fd: int32(fd), r: r}
	// A new source is assumed ready both ways, so the first operation is
	// tried at once (Go's netpoller does the same): a socket just accepted
	// usually has data, and a connected one has room. The first EAGAIN
	// clears the assumption.
	s.readiness.Store(uint64(Readable | Writable))
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrReactorClosed
	}
	var idx uint32
	if n := len(r.free); n > 0 {
		idx = r.free[n-1]
		r.free = r.free[:n-1]
	} else {
		idx = uint32(len(r.sources))
		r.sources = append(r.sources, slot{})
	}
	sl := &r.sources[idx]
	sl.src = s
	s.index = idx
	token := poll.Token(idx) | poll.Token(sl.gen)<<32
	r.mu.Unlock()

	if err := r.poller.Register(fd, token, poll.ReadWrite, poll.Edge); err != nil {
		r.release(idx)
		return nil, fmt.Errorf("reactor: %w", err)
	}
	return s, nil
}

// remove deregisters s from the event queue and frees its slot.
func (r *Reactor) remove(s *Source) error {
	err := r.poller.Deregister(int(s.fd))
	r.release(s.index)
	if err != nil && !errors.Is(err, poll.ErrClosed) {
		return fmt.Errorf("reactor: %w", err)
	}
	return nil
}

func (r *Reactor) release(idx uint32) {
	r.mu.Lock()
	sl := &r.sources[idx]
	sl.src = nil
	sl.gen++
	r.free = append(r.free, idx)
	r.mu.Unlock()
}

// Sources returns the number of registered sources.
func (r *Reactor) Sources() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.sources) - len(r.free)
}

// Wake interrupts a Turn blocked in another goroutine, or makes the next
// Turn return at once. It is safe from any goroutine; repeated wakes before
// the turn that consumes them cost one system call.
func (r *Reactor) Wake() error { return r.poller.Wake() }

// Turn waits for I/O events for at most maxWait (Forever: no limit; zero:
// only look), or less if a timer is due sooner, then wakes the tasks whose
// sources became ready and whose timers expired. It reports how many
// wakers it called.
//
// With a paused clock and maxWait != 0, Turn does not sleep for a timer:
// if no I/O is ready it advances the clock to the next deadline. Executors
// call it that way only when every task is idle.
func (r *Reactor) Turn(maxWait time.Duration) (int, error) {
	return r.TurnFor(maxWait, nil)
}

// A Parker is an executor that parks by turning the reactor. The turn
// tells it when its wait is over and hands it the wakes of the turn.
type Parker interface {
	// Awake is called once the wait is over, before any waker: the
	// executor marks itself awake, so that wakes of its tasks need not
	// interrupt a wait that has already ended (a write to the event
	// queue's wakeup, and a read to drain it, per turn).
	Awake()
	// WakeFromTurn is called, on the turning goroutine, in place of
	// w.Wake() for each waker the turn's events and timers wake. The
	// executor queues its own tasks itself, without the queue that wakes
	// from other goroutines need, and calls w.Wake() for the rest.
	WakeFromTurn(w Waker)
}

// An IdleParker is a Parker that can tell whether its runtime is still
// idle. With a paused clock, a turn asks it just before the clock would
// jump: a runtime with several goroutines may have been given work while
// the turn was starting (another worker woke up to run it), and time must
// not move while a task is ready.
type IdleParker interface {
	Parker
	// Idle reports whether every task of the runtime still waits.
	Idle() bool
}

func stillIdle(p Parker) bool {
	ip, ok := p.(IdleParker)
	return !ok || ip.Idle()
}

// TurnFor is Turn on behalf of p, an executor turning its reactor (nil:
// no one in particular; wakers are called as they are). A waker that
// panics does not stop the turn: the others are still called, and the
// turn returns a *WakerPanicError.
func (r *Reactor) TurnFor(maxWait time.Duration, p Parker) (int, error) {
	r.turnMu.Lock()
	defer r.turnMu.Unlock()
	if r.closing.Load() {
		return 0, ErrReactorClosed
	}
	// Announce the sleep before reading the next deadline: a StartTimer
	// that inserts after the read then sees the announcement and wakes us
	// (see StartTimer).
	if maxWait != 0 {
		r.sleepUntil.Store(math.MaxUint64)
	}
	wait := r.waitFor(maxWait)
	if wait > 0 {
		r.sleepUntil.Store(r.tickAt(r.clock.Now().Add(wait)))
	}
	err := r.poller.Wait(r.events, wait)
	r.sleepUntil.Store(0)
	if p != nil {
		p.Awake()
	}
	if r.closing.Load() {
		// Close woke us and waits for this turn to end: say so now, so a
		// reactor goroutine stops without turning a closed reactor again.
		return 0, ErrReactorClosed
	}
	if err != nil {
		if errors.Is(err, poll.ErrClosed) {
			return 0, ErrReactorClosed
		}
		return 0, fmt.Errorf("reactor: %w", err)
	}
	g := r.guard.begin(p)
	woken := r.dispatch(g)
	if r.clock.paused && maxWait != 0 && woken == 0 && stillIdle(p) {
		woken = r.advanceToTimer(g)
	} else {
		woken += r.fireTimers(g)
	}
	return woken, r.guard.end()
}

// waitFor returns how long the event queue may block: maxWait, shortened to
// the next timer's deadline.
func (r *Reactor) waitFor(maxWait time.Duration) time.Duration {
	next, ok := r.nextTimer()
	if !ok || maxWait == 0 {
		return maxWait
	}
	if r.clock.paused {
		return 0 // time moves only when we advance it
	}
	d := max(next.Sub(r.clock.Now()), 0)
	if maxWait < 0 || d < maxWait {
		return d
	}
	return maxWait
}

// dispatch turns the events of the last wait into readiness and wakeups.
func (r *Reactor) dispatch(p Parker) int {
	events := r.events.List()
	if len(events) == 0 {
		return 0
	}
	// Resolve tokens under the slab's lock, then set readiness and wake
	// without it, so a waker may register or deregister sources.
	r.ready = r.ready[:0]
	r.mu.RLock()
	for _, e := range events {
		idx, gen := uint32(e.Token), uint32(e.Token>>32)
		if int(idx) >= len(r.sources) {
			continue
		}
		if sl := r.sources[idx]; sl.src != nil && sl.gen == gen {
			r.ready = append(r.ready, readySource{sl.src, readyFromEvent(e)})
		}
	}
	r.mu.RUnlock()
	woken := 0
	for i := range r.ready {
		rs := &r.ready[i]
		rs.src.setReadiness(rs.ready)
		rs.src.wakeFor(rs.ready, p)
		rs.src = nil // let the GC have it once deregistered
		woken++
	}
	return woken
}

// Close shuts every source down, waking the futures that wait on them,
// and releases the event queue. A Turn blocked in another goroutine is
// woken and returns ErrReactorClosed. Timers are left to the executor, which
// cancels the tasks that own them.
func (r *Reactor) Close() error {
	if r.closing.Swap(true) {
		return ErrReactorClosed
	}
	r.poller.Wake()
	r.turnMu.Lock()
	defer r.turnMu.Unlock()
	r.mu.Lock()
	r.closed = true
	var live []*Source
	for _, sl := range r.sources {
		if sl.src != nil {
			live = append(live, sl.src)
		}
	}
	r.mu.Unlock()
	for _, s := range live {
		s.shutdown()
	}
	return r.poller.Close()
}
