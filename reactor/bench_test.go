package reactor

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async/poll"
	"golang.org/x/sys/unix"
)

// nopWaker is a waker that does nothing; a pointer, as the runtime's are.
type nopWaker struct{ n int }

func (w *nopWaker) Wake() { w.n++ }

// BenchmarkTimerStartStop arms and disarms one timer in a wheel that holds
// 100k others spread over the next hour: a sleep cancelled before it ends.
func BenchmarkTimerStartStop(b *testing.B) {
	r := newReactor(b, NewPausedClock())
	w := &nopWaker{}
	others := make([]Timer, 100_000)
	start := r.Now()
	for i := range others {
		r.StartTimer(&others[i], start.Add(time.Duration(i+1)*36*time.Millisecond), w)
	}
	var tm Timer
	deadline := start.Add(1500 * time.Millisecond)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.StartTimer(&tm, deadline, w)
		r.StopTimer(&tm)
	}
	b.StopTimer()
	if r.Timers() != len(others) {
		b.Fatalf("Timers() = %d, want %d", r.Timers(), len(others))
	}
	for i := range others {
		r.StopTimer(&others[i])
	}
}

// BenchmarkPollReadyReady is the fast path of every I/O operation: the
// source is ready, so PollReady reads one atomic word.
func BenchmarkPollReadyReady(b *testing.B) {
	r := newReactor(b, nil)
	a, _ := socketPair(b)
	s := register(b, r, a)
	w := &nopWaker{}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.PollReady(Read, w); !ok {
			b.Fatal("PollReady pending on a ready source")
		}
	}
}

// BenchmarkDispatch carries one event from a socket pair through Turn to
// the waker stored by a waiting reader, and rearms the wait: a write by the
// peer, epoll_wait, dispatch and wake, then the reader's read to EAGAIN.
func BenchmarkDispatch(b *testing.B) {
	r := newReactor(b, nil)
	a, peer := socketPair(b)
	s := register(b, r, a)
	if _, err := r.Turn(0); err != nil {
		b.Fatal(err)
	}
	unready(b, s)
	w := &nopWaker{}
	s.PollReady(Read, w)
	msg, buf := []byte{1}, make([]byte, 16)
	b.ReportAllocs()
	for b.Loop() {
		unix.Write(peer, msg)
		if _, err := r.Turn(poll.Forever); err != nil {
			b.Fatal(err)
		}
		for {
			ev, ok := s.PollReady(Read, w)
			if !ok {
				break
			}
			if _, err := unix.Read(a, buf); errors.Is(err, unix.EAGAIN) {
				s.ClearReady(ev)
			}
		}
	}
	b.StopTimer()
	if w.n != b.N {
		b.Fatalf("waker called %d times for %d events", w.n, b.N)
	}
}
