package reactor

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async/poll"
	"golang.org/x/sys/unix"
)

func TestTurnDispatchesEventFromAnotherGoroutine(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, b := socketPair(t)
	s := register(t, r, a)
	// Take the writable event every new registration reports, then wait
	// for data with nothing ready.
	if _, err := r.Turn(0); err != nil {
		t.Fatalf("Turn(0): %v", err)
	}
	unready(t, s)
	w := newCountWaker()
	if _, ok := s.PollReady(Read, w); ok {
		t.Fatal("PollReady(Read) ready on an empty socket")
	}

	go func() {
		time.Sleep(5 * time.Millisecond)
		unix.Write(b, []byte("hello"))
	}()
	turnUntil(t, r, poll.Forever, func() bool { return w.count() > 0 })
	if w.count() != 1 {
		t.Fatalf("reader woken %d times, want 1", w.count())
	}
	if s.Ready()&Readable == 0 {
		t.Fatal("readable bit not set by the event")
	}
	if n := drain(t, a); n != 5 {
		t.Fatalf("read %d bytes, want 5", n)
	}
}

func TestTurnZeroDoesNotBlock(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	done := make(chan error, 1)
	go func() {
		_, err := r.Turn(0)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Turn(0): %v", err)
		}
	case <-time.After(patience):
		t.Fatal("Turn(0) blocked")
	}
}

func TestWakeEndsTurnForever(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	done := make(chan error, 1)
	go func() {
		_, err := r.Turn(poll.Forever)
		done <- err
	}()
	waitTurnBlocked(t, r)
	if err := r.Wake(); err != nil {
		t.Fatalf("Wake: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Turn(Forever): %v", err)
		}
	case <-time.After(patience):
		t.Fatal("Wake did not end Turn(Forever)")
	}
}

func TestStaleEventForReusedSlotIsDropped(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, b := socketPair(t)
	c, d := socketPair(t)

	old, err := r.Register(a)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	stale := tokenOf(r, old)
	if err := old.Deregister(); err != nil {
		t.Fatalf("Deregister: %v", err)
	}
	s := register(t, r, c)
	if tok := tokenOf(r, s); uint32(tok) != uint32(stale) || tok == stale {
		t.Fatalf("the new source did not reuse the slot under a new generation: token %#x, old %#x", tok, stale)
	}
	if _, err := r.Turn(0); err != nil {
		t.Fatalf("Turn(0): %v", err)
	}
	unready(t, s)
	w := newCountWaker()
	s.PollReady(Read, w)
	s.PollReady(Write, w)
	word := s.readiness.Load()

	// An event that carries the old token, as one read from the kernel
	// just before the slot was reused would: register a under it again,
	// behind the reactor's back, and make it ready.
	if err := r.poller.Register(a, stale, poll.ReadWrite, poll.Edge); err != nil {
		t.Fatalf("register under the stale token: %v", err)
	}
	defer r.poller.Deregister(a)
	mustWrite(t, b, []byte("stale"))
	if _, err := r.Turn(patience); err != nil {
		t.Fatalf("Turn: %v", err)
	}
	if w.count() != 0 || s.readiness.Load() != word {
		t.Fatalf("a stale event reached the source in its slot: woken %d times, word %#x -> %#x",
			w.count(), word, s.readiness.Load())
	}

	// The source's own events still arrive.
	mustWrite(t, d, []byte("fresh"))
	turnUntil(t, r, patience, func() bool { return w.count() > 0 })
	if s.Ready()&Readable == 0 {
		t.Fatal("the source's own event did not set readiness")
	}
}

func TestRegisterAfterCloseFails(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, _ := socketPair(t)
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := r.Register(a); !errors.Is(err, ErrReactorClosed) {
		t.Fatalf("Register after Close: %v, want ErrReactorClosed", err)
	}
	if _, err := r.Turn(0); !errors.Is(err, ErrReactorClosed) {
		t.Fatalf("Turn after Close: %v, want ErrReactorClosed", err)
	}
	if err := r.Close(); !errors.Is(err, ErrReactorClosed) {
		t.Fatalf("second Close: %v, want ErrReactorClosed", err)
	}
}

func TestCloseShutsSourcesDown(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, _ := socketPair(t)
	s := register(t, r, a)
	unready(t, s)
	w := newCountWaker()
	s.PollReady(Read, w)
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if w.count() != 1 {
		t.Fatalf("Close woke the reader %d times, want 1", w.count())
	}
	if !s.Closed() {
		t.Fatal("a source of a closed reactor is not Closed")
	}
	if _, ok := s.PollReady(Read, w); !ok {
		t.Fatal("PollReady pending on a source of a closed reactor")
	}
	// Its owner still deregisters it before closing the descriptor, as
	// always, and that is no error; doing it twice is.
	if err := s.Deregister(); err != nil {
		t.Fatalf("Deregister after the reactor closed: %v", err)
	}
	if err := s.Deregister(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Deregister after the reactor closed: %v, want ErrClosed", err)
	}
}

// The book's shape: the reactor turns on a goroutine of its own, and the
// runtime closes it from another.
func TestCloseEndsTurnInAnotherGoroutine(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	done := make(chan error, 1)
	go func() {
		_, err := r.Turn(poll.Forever)
		done <- err
	}()
	waitTurnBlocked(t, r)
	time.Sleep(5 * time.Millisecond) // most likely in epoll_wait by now
	closed := make(chan error, 1)
	go func() { closed <- r.Close() }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrReactorClosed) {
			t.Fatalf("Turn ended by Close: %v, want ErrReactorClosed", err)
		}
	case <-time.After(patience):
		t.Fatal("Close did not end the blocked Turn")
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// A reactor goroutine that turns in a loop, as executors run it, stops
// once the reactor is closed, whenever Close lands.
func TestCloseStopsTurnLoop(t *testing.T) {
	checkFDs(t)
	for range 50 {
		r, err := New(nil)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				if _, err := r.Turn(poll.Forever); err != nil {
					return
				}
			}
		}()
		if err := r.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		select {
		case <-done:
		case <-time.After(patience):
			t.Fatal("the turning goroutine did not stop after Close")
		}
	}
}

// tokenOf returns the token s is registered under: its slab index and the
// slot's generation.
func tokenOf(r *Reactor, s *Source) poll.Token {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return poll.Token(s.index) | poll.Token(r.sources[s.index].gen)<<32
}

// TestTurnForCallsAwakeThenWakeFromTurn checks the order and the route an
// executor relies on: the wait ends, Awake runs, then each waker goes
// through WakeFromTurn instead of being called.
func TestTurnForCallsAwakeThenWakeFromTurn(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, b := socketPair(t)
	s := register(t, r, a)
	unready(t, s)
	var order []string
	w := funcWaker(func() { order = append(order, "called directly") })
	s.PollReady(Read, w)
	if _, err := unix.Write(b, []byte("x")); err != nil {
		t.Fatal(err)
	}
	p := &recordingParker{order: &order}
	if _, err := r.TurnFor(time.Second, p); err != nil {
		t.Fatal(err)
	}
	if len(order) != 2 || order[0] != "awake" || order[1] != "through the parker" {
		t.Fatalf("calls in order %v; want [awake, through the parker]", order)
	}
}

type recordingParker struct{ order *[]string }

func (p *recordingParker) Awake() { *p.order = append(*p.order, "awake") }

func (p *recordingParker) WakeFromTurn(Waker) {
	*p.order = append(*p.order, "through the parker")
}
