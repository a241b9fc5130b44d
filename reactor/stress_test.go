package reactor

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async/poll"
	"golang.org/x/sys/unix"
)

// turner turns r on a goroutine of its own until stopped, the way the
// book's reactor thread does.
type turner struct {
	r       *Reactor
	maxWait time.Duration
	stop    atomic.Bool
	done    chan error
}

func startTurner(r *Reactor, maxWait time.Duration) *turner {
	tr := &turner{r: r, maxWait: maxWait, done: make(chan error, 1)}
	go func() {
		for !tr.stop.Load() {
			if _, err := r.Turn(maxWait); err != nil {
				tr.done <- err
				return
			}
		}
		tr.done <- nil
	}()
	return tr
}

// halt stops the turning goroutine and waits for it.
func (tr *turner) halt(t testing.TB) {
	t.Helper()
	tr.stop.Store(true)
	tr.r.Wake()
	if err := <-tr.done; err != nil {
		t.Errorf("Turn: %v", err)
	}
}

// waitGroup waits for wg, failing t after patience.
func waitGroup(t testing.TB, wg *sync.WaitGroup, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(patience):
		t.Fatalf("%s: not done after %v", what, patience)
	}
}

// Many goroutines arm timers while one goroutine turns: every timer must
// fire exactly once, whether the Turn was blocked without a timer, with a
// later one, or busy (Turn(0) in a loop, which moves the wheel as often as
// possible under the arming goroutines).
func TestStressTimersArmedFromManyGoroutines(t *testing.T) {
	for _, c := range []struct {
		name    string
		maxWait time.Duration
	}{{"blocking", poll.Forever}, {"spinning", 0}} {
		t.Run(c.name, func(t *testing.T) {
			checkFDs(t)
			r := newReactor(t, nil)
			const goroutines, perGoroutine = 8, 400
			tr := startTurner(r, c.maxWait)
			defer tr.halt(t)

			var fired sync.WaitGroup
			fired.Add(goroutines * perGoroutine)
			counts := make([]atomic.Int32, goroutines*perGoroutine)
			timers := make([]Timer, goroutines*perGoroutine)
			var arming sync.WaitGroup
			for g := range goroutines {
				arming.Add(1)
				go func() {
					defer arming.Done()
					rng := rand.New(rand.NewPCG(uint64(g), 1))
					for i := range perGoroutine {
						k := g*perGoroutine + i
						w := wakeFunc(func() {
							if counts[k].Add(1) == 1 {
								fired.Done()
							}
						})
						// Deadlines from just past to a few ms ahead, so
						// many land in the tick the wheel is moving through.
						d := time.Duration(rng.IntN(3000)-200) * time.Microsecond
						if r.StartTimer(&timers[k], r.Now().Add(d), w) {
							w.Wake()
						}
						if i%16 == 0 {
							time.Sleep(time.Duration(rng.IntN(500)) * time.Microsecond)
						}
					}
				}()
			}
			waitGroup(t, &arming, "arming")
			waitGroup(t, &fired, fmt.Sprintf("%d timers firing", len(timers)))
			for k := range counts {
				if n := counts[k].Load(); n != 1 {
					t.Fatalf("timer %d woken %d times", k, n)
				}
			}
			if n := r.Timers(); n != 0 {
				t.Fatalf("Timers() = %d after all fired", n)
			}
		})
	}
}

// Many readers wait on sockets written from other goroutines while sources
// are registered and deregistered around them and one goroutine turns:
// every byte written is read, every waiter is woken, and a waiter on a
// source deregistered under it sees Closed.
func TestStressSourcesUnderChurn(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	tr := startTurner(r, poll.Forever)
	defer tr.halt(t)

	const pairs, messages = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, 4*pairs)
	for range pairs {
		a, b := socketPair(t)
		s := register(t, r, a)
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := readAll(s, messages); err != nil {
				errs <- err
			}
		}()
		go func() {
			defer wg.Done()
			for i := range messages {
				if _, err := unix.Write(b, []byte{byte(i)}); err != nil {
					errs <- fmt.Errorf("write fd %d: %w", b, err)
					return
				}
				if i%8 == 0 {
					time.Sleep(50 * time.Microsecond)
				}
			}
		}()
	}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if err := deregisterUnderWaiter(r); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	waitGroup(t, &wg, "readers, writers and churn")
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// readAll reads n bytes from s, waiting on the reactor as a socket
// operation does (see PollIO in internal/netfd).
func readAll(s *Source, n int) error {
	w := newCountWaker()
	buf := make([]byte, 64)
	got := 0
	for got < n {
		ev, ok := s.PollReady(Read, w)
		if !ok {
			select {
			case <-w.ch:
			case <-time.After(patience):
				return fmt.Errorf("fd %d: lost wakeup after %d of %d bytes", s.FD(), got, n)
			}
			continue
		}
		m, err := unix.Read(s.FD(), buf)
		switch {
		case errors.Is(err, unix.EAGAIN):
			s.ClearReady(ev)
		case err != nil:
			return fmt.Errorf("read fd %d: %w", s.FD(), err)
		case m == 0:
			return fmt.Errorf("fd %d: end of stream after %d of %d bytes", s.FD(), got, n)
		default:
			got += m
		}
	}
	return nil
}

// deregisterUnderWaiter registers a fresh socket, parks a reader on it in
// another goroutine, deregisters it, and checks the reader is woken and
// sees Closed.
func deregisterUnderWaiter(r *Reactor) error {
	a, b, err := newPair()
	if err != nil {
		return err
	}
	defer unix.Close(a)
	defer unix.Close(b)
	s, err := r.Register(a)
	if err != nil {
		return err
	}
	woken := make(chan error, 1)
	parked := make(chan struct{})
	go func() {
		w := newCountWaker()
		for first := true; ; {
			ev, ok := s.PollReady(Read, w)
			if ok && s.Closed() {
				woken <- nil
				return
			}
			if ok {
				// Nothing to read: the optimistic readiness of a new
				// source, or a writable event's tick beat our clear.
				s.ClearReady(ev)
				continue
			}
			if first {
				close(parked)
				first = false
			}
			select {
			case <-w.ch:
			case <-time.After(patience):
				woken <- fmt.Errorf("fd %d: waiter not woken by Deregister", s.FD())
				return
			}
		}
	}()
	<-parked
	if err := s.Deregister(); err != nil {
		return err
	}
	return <-woken
}
