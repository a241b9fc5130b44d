package reactor

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

type panicWaker struct{ v any }

func (w panicWaker) Wake() { panic(w.v) }

type tallyWaker struct{ n atomic.Int32 }

func (w *tallyWaker) Wake() { w.n.Add(1) }

// countParker is a Parker that counts the wakes handed to it.
type countParker struct{ wakes int }

func (p *countParker) Awake()               {}
func (p *countParker) WakeFromTurn(w Waker) { p.wakes++; w.Wake() }

// TestPanickingWakerDoesNotStopTheTurn: a timer and a socket each have a
// panicking waker and a sound one. The turn wakes both sound ones, then
// returns a *WakerPanicError for the first panic; the reactor then turns
// on as before.
func TestPanickingWakerDoesNotStopTheTurn(t *testing.T) {
	for _, p := range []*countParker{nil, {}} {
		name := "no-parker"
		if p != nil {
			name = "parker"
		}
		t.Run(name, func(t *testing.T) {
			checkFDs(t)
			r := newReactor(t, NewPausedClock())
			a, b, err := newPair()
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(a)
			defer unix.Close(b)
			src, err := r.Register(a)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Deregister()
			sound := &tallyWaker{}
			// A new source is assumed ready; forget that, as an EAGAIN would.
			for _, d := range []Direction{Read, Write} {
				ev, _ := src.PollReady(d, nil)
				src.ClearReady(ev)
			}
			src.PollReady(Read, panicWaker{"read waker"})
			src.PollReady(Write, sound) // writable at once: woken by the same event
			var t1, t2 Timer
			at := r.Now().Add(time.Second)
			r.StartTimer(&t1, at, panicWaker{errors.New("timer waker")})
			r.StartTimer(&t2, at, sound)
			if _, err := unix.Write(b, []byte("x")); err != nil {
				t.Fatal(err)
			}
			var parker Parker
			if p != nil {
				parker = p
			}
			for turns := 0; sound.n.Load() < 2; turns++ {
				if turns == 10 {
					t.Fatalf("after %d turns the sound wakers were woken %d times, want 2", turns, sound.n.Load())
				}
				_, err := r.TurnFor(patience, parker)
				var wp *WakerPanicError
				if err != nil && !errors.As(err, &wp) {
					t.Fatalf("turn: %v; want a *WakerPanicError or nil", err)
				}
				if wp != nil && wp.Value != "read waker" && wp.Unwrap() == nil {
					t.Fatalf("turn reported %v", wp)
				}
				if wp != nil && len(wp.Stack) == 0 {
					t.Fatal("no stack in the WakerPanicError")
				}
			}
			if p != nil && p.wakes < 2 {
				t.Fatalf("the executor's Parker saw %d wakes, want the sound ones (2)", p.wakes)
			}
			// The reactor is sound: a new timer fires through a clean turn.
			var t3 Timer
			r.StartTimer(&t3, r.Now().Add(time.Second), sound)
			if _, err := r.TurnFor(patience, parker); err != nil {
				t.Fatalf("turn after the panics: %v", err)
			}
			if sound.n.Load() != 3 {
				t.Fatalf("sound waker woken %d times, want 3", sound.n.Load())
			}
		})
	}
}
