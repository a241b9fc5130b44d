package reactor

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	// The Go runtime opens its own netpoller's descriptors the first time a
	// timer or a pollable file is used; do that before any test counts fds.
	time.Sleep(time.Millisecond)
	countFDs()
	goleak.VerifyTestMain(m)
}

// patience bounds every wait in these tests. It is far above what any
// correct run needs, so only a lost wakeup or a deadlock reaches it.
const patience = 10 * time.Second

// countFDs returns the number of open descriptors of the process, or -1
// where /proc/self/fd does not exist.
func countFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// checkFDs fails t if it ends with more or fewer open descriptors than it
// started with. Call it first in a test, so that its cleanup runs last.
func checkFDs(t testing.TB) {
	t.Helper()
	before := countFDs()
	t.Cleanup(func() {
		if after := countFDs(); after != before {
			t.Errorf("open descriptors: %d before the test, %d after", before, after)
		}
	})
}

// newReactor returns a reactor over clock that is closed when t ends.
func newReactor(t testing.TB, clock *Clock) *Reactor {
	t.Helper()
	r, err := New(clock)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil && !errors.Is(err, ErrReactorClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// newPair returns the two ends of a non-blocking Unix stream socket pair.
func newPair() (a, b int, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, -1, fmt.Errorf("socketpair: %w", err)
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			return -1, -1, fmt.Errorf("set non-blocking fd %d: %w", fd, err)
		}
	}
	return fds[0], fds[1], nil
}

// socketPair returns the two ends of a non-blocking Unix stream socket
// pair, closed when t ends.
func socketPair(t testing.TB) (a, b int) {
	t.Helper()
	a, b, err := newPair()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unix.Close(a)
		unix.Close(b)
	})
	return a, b
}

// register registers fd and deregisters it when t ends, unless the test
// did so itself.
func register(t testing.TB, r *Reactor, fd int) *Source {
	t.Helper()
	s, err := r.Register(fd)
	if err != nil {
		t.Fatalf("Register fd %d: %v", fd, err)
	}
	t.Cleanup(func() {
		if !s.Closed() {
			if err := s.Deregister(); err != nil {
				t.Errorf("Deregister fd %d: %v", fd, err)
			}
		}
	})
	return s
}

// mustWrite writes p to fd, which must take all of it.
func mustWrite(t testing.TB, fd int, p []byte) {
	t.Helper()
	if n, err := unix.Write(fd, p); n != len(p) || err != nil {
		t.Fatalf("write fd %d: wrote %d of %d bytes: %v", fd, n, len(p), err)
	}
}

// drain reads fd until EAGAIN and returns how many bytes it read.
func drain(t testing.TB, fd int) int {
	t.Helper()
	buf := make([]byte, 4096)
	total := 0
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EAGAIN) {
			return total
		}
		if err != nil {
			t.Fatalf("read fd %d: %v", fd, err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

// unready makes s not ready in either direction, as two operations that
// hit EAGAIN would: the optimistic readiness of a new source is cleared.
func unready(t testing.TB, s *Source) {
	t.Helper()
	for _, d := range []Direction{Read, Write} {
		if ev, ok := s.PollReady(d, nil); ok {
			s.ClearReady(ev)
		}
	}
	if got := s.Ready(); got != 0 {
		t.Fatalf("readiness after clearing both directions: %v, want none", got)
	}
}

// deliver records an event on s and wakes its waiters, as Turn's dispatch
// does for an event from the kernel.
func deliver(s *Source, r Ready) {
	s.setReadiness(r)
	s.wake(r)
}

// countWaker counts its wakes and signals each on a channel.
type countWaker struct {
	n  atomic.Int32
	ch chan struct{}
}

func newCountWaker() *countWaker { return &countWaker{ch: make(chan struct{}, 1)} }

func (w *countWaker) Wake() {
	w.n.Add(1)
	select {
	case w.ch <- struct{}{}:
	default:
	}
}

func (w *countWaker) count() int { return int(w.n.Load()) }

// turnUntil turns r until done reports true, failing t after patience.
func turnUntil(t testing.TB, r *Reactor, maxWait time.Duration, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met after turning for %v", patience)
		}
		if _, err := r.Turn(maxWait); err != nil {
			t.Fatalf("Turn: %v", err)
		}
	}
}

// waitTurnBlocked waits until a Turn in another goroutine has announced
// that it is about to block (or is blocked) in the event queue.
func waitTurnBlocked(t testing.TB, r *Reactor) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for r.sleepUntil.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("Turn did not block")
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// funcWaker calls a function when woken.
type funcWaker func()

func (f funcWaker) Wake() { f() }
