//go:build linux

package poll_test

import (
	"testing"

	"github.com/asyncgo/async/poll"
)

func TestReadableReportsTokenWhenDataArrives(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	a, b := socketPair(t)
	register(t, p, a, 7, poll.Readable, poll.Edge)
	quiet(t, p, ev)

	write(t, b, "hello")
	e := waitFor(t, p, ev, 7)
	if !e.Readable() || e.Writable() || e.ReadClosed() || e.Error() {
		t.Fatalf("event = %v, want readable only", e)
	}
	if got := drain(t, a); got != "hello" {
		t.Fatalf("read %q, want hello", got)
	}
}

func TestWritableReportedAtOnce(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	a, _ := socketPair(t)
	register(t, p, a, 1, poll.Writable, poll.Edge)
	e := waitFor(t, p, ev, 1)
	if !e.Writable() || e.Readable() {
		t.Fatalf("event = %v, want writable only", e)
	}
}

func TestReadWriteInterestOnTCP(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	fd, server := tcpPair(t)
	register(t, p, fd, 3, poll.ReadWrite, poll.Edge)
	if e := waitFor(t, p, ev, 3); !e.Writable() {
		t.Fatalf("event = %v, want writable", e)
	}
	if _, err := server.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if e := waitFor(t, p, ev, 3); !e.Readable() {
		t.Fatalf("event = %v, want readable", e)
	}
	if got := drain(t, fd); got != "ping" {
		t.Fatalf("read %q, want ping", got)
	}
}

func TestReregisterChangesTokenAndInterest(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	a, b := socketPair(t)
	register(t, p, a, 1, poll.Writable, poll.Edge)
	waitFor(t, p, ev, 1)

	if err := p.Reregister(a, 2, poll.Readable, poll.Edge); err != nil {
		t.Fatal(err)
	}
	write(t, b, "x")
	e := waitFor(t, p, ev, 2)
	if !e.Readable() || e.Writable() {
		t.Fatalf("event = %v, want readable only", e)
	}
}

func TestLargeTokensSurvive(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	a, b := socketPair(t)
	const tok = poll.Token(0xfedc_ba98_7654_3210)
	register(t, p, a, tok, poll.Readable, poll.Edge)
	write(t, b, "x")
	if e := waitFor(t, p, ev, tok); e.Token != tok {
		t.Fatalf("token = %#x, want %#x", e.Token, tok)
	}
}

func TestEventsBufferSmallerThanReadySources(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(2)
	seen := map[poll.Token]bool{}
	for i := range 5 {
		a, b := socketPair(t)
		register(t, p, a, poll.Token(i), poll.Readable, poll.Level)
		write(t, b, "x")
	}
	for range 10 {
		got := wait(t, p, ev, 0)
		if len(got) > 2 {
			t.Fatalf("got %d events in a buffer of 2", len(got))
		}
		for _, e := range got {
			seen[e.Token] = true
		}
	}
	if len(seen) != 5 {
		t.Fatalf("saw tokens %v, want all 5 across calls", seen)
	}
}
