//go:build linux

package poll_test

import (
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async/poll"
)

func TestWakeUnblocksWaitWithoutTimeout(t *testing.T) {
	p := newPoller(t)
	done := make(chan error)
	go func() {
		ev := poll.NewEvents(16)
		done <- p.Wait(ev, poll.Forever)
	}()
	// Give the waiter time to block; the test passes either way, since a
	// Wake before Wait makes that Wait return too.
	time.Sleep(10 * time.Millisecond)
	if err := p.Wake(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait still blocked 5s after Wake")
	}
}

func TestWakeBeforeWaitMakesNextWaitReturn(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	for range 3 {
		if err := p.Wake(); err != nil {
			t.Fatal(err)
		}
	}
	if got := wait(t, p, ev, poll.Forever); len(got) != 0 {
		t.Fatalf("wake reported as events %v", got)
	}
	// The coalesced wakes were consumed by one Wait.
	quiet(t, p, ev)
}

func TestWakeFromManyGoroutines(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	const rounds = 200
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range rounds {
				if err := p.Wake(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	stop := make(chan struct{})
	go func() { wg.Wait(); close(stop) }()
	for done := false; !done; {
		select {
		case <-stop:
			done = true
		default:
			wait(t, p, ev, time.Millisecond)
		}
	}
	// The racing wakes must not leave the coalescing flag stuck: a blocked
	// Wait is still woken by the next Wake.
	wait(t, p, ev, 0)
	returned := make(chan error)
	go func() { returned <- p.Wait(ev, poll.Forever) }()
	time.Sleep(5 * time.Millisecond)
	if err := p.Wake(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-returned:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wake after concurrent wakes did not end a blocked Wait")
	}
}

func TestWaitTimeoutElapses(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	for _, d := range []time.Duration{0, 300 * time.Microsecond, 2 * time.Millisecond, 30 * time.Millisecond} {
		start := time.Now()
		if got := wait(t, p, ev, d); len(got) != 0 {
			t.Fatalf("idle poller reported %v", got)
		}
		if elapsed := time.Since(start); elapsed < d {
			t.Errorf("Wait(%v) returned after %v, before its timeout", d, elapsed)
		}
	}
}

func TestRegisterWhileAnotherGoroutineWaits(t *testing.T) {
	p := newPoller(t)
	a, b := socketPair(t)
	got := make(chan poll.Event, 1)
	go func() {
		ev := poll.NewEvents(16)
		for {
			if err := p.Wait(ev, poll.Forever); err != nil {
				t.Error(err)
				close(got)
				return
			}
			if ev.Len() > 0 {
				got <- ev.At(0)
				return
			}
		}
	}()
	time.Sleep(10 * time.Millisecond)
	register(t, p, a, 42, poll.Readable, poll.Edge)
	write(t, b, "x")
	select {
	case e := <-got:
		if e.Token != 42 || !e.Readable() {
			t.Fatalf("event = %v, want token 42 readable", e)
		}
	case <-time.After(5 * time.Second):
		p.Wake()
		t.Fatal("blocked Wait did not see a source registered after it began")
	}
}
