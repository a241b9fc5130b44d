//go:build linux

package poll_test

import (
	"testing"

	"github.com/asyncgo/async/poll"
)

func TestEdgeDoesNotRepeatUntilDrained(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	a, b := socketPair(t)
	register(t, p, a, 1, poll.Readable, poll.Edge)

	write(t, b, "one")
	waitFor(t, p, ev, 1)
	// Not drained: an edge-triggered source stays silent.
	quiet(t, p, ev)

	drain(t, a)
	write(t, b, "two")
	if e := waitFor(t, p, ev, 1); !e.Readable() {
		t.Fatalf("event = %v, want readable", e)
	}
}

func TestLevelRepeatsWhileReady(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	a, b := socketPair(t)
	register(t, p, a, 1, poll.Readable, poll.Level)
	write(t, b, "x")
	for range 3 {
		waitFor(t, p, ev, 1)
	}
	drain(t, a)
	quiet(t, p, ev)
}

func TestOneshotFiresOnceUntilRearmed(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	a, b := socketPair(t)
	register(t, p, a, 1, poll.Readable, poll.Oneshot)
	write(t, b, "x")
	waitFor(t, p, ev, 1)
	write(t, b, "y")
	quiet(t, p, ev)

	if err := p.Reregister(a, 1, poll.Readable, poll.Oneshot); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, ev, 1)
	if got := drain(t, a); got != "xy" {
		t.Fatalf("read %q, want xy", got)
	}
}
