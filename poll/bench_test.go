//go:build linux

package poll_test

import (
	"testing"

	"github.com/asyncgo/async/poll"
	"golang.org/x/sys/unix"
)

// BenchmarkWakeWait measures one Wake followed by the Wait it ends, on one
// goroutine: the eventfd write, epoll_wait and the eventfd read.
func BenchmarkWakeWait(b *testing.B) {
	p := newPoller(b)
	ev := poll.NewEvents(64)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Wake(); err != nil {
			b.Fatal(err)
		}
		if err := p.Wait(ev, poll.Forever); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWakeAcrossGoroutines measures a round trip in which another
// goroutine wakes a Wait that is blocked, and is told that it returned.
func BenchmarkWakeAcrossGoroutines(b *testing.B) {
	p := newPoller(b)
	ev := poll.NewEvents(64)
	woken := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-woken:
				p.Wake()
			}
		}
	}()
	b.ReportAllocs()
	for b.Loop() {
		woken <- struct{}{}
		if err := p.Wait(ev, poll.Forever); err != nil {
			b.Fatal(err)
		}
	}
	close(stop)
}

// BenchmarkReadableRoundTrip measures write → Wait reports readable → read
// on a socket pair: the event queue's cost per message.
func BenchmarkReadableRoundTrip(b *testing.B) {
	p := newPoller(b)
	ev := poll.NewEvents(64)
	r, w := socketPair(b)
	register(b, p, r, 1, poll.Readable, poll.Edge)
	msg, buf := []byte("x"), make([]byte, 16)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := unix.Write(w, msg); err != nil {
			b.Fatal(err)
		}
		if err := p.Wait(ev, poll.Forever); err != nil || ev.Len() != 1 {
			b.Fatalf("Wait: %v, %d events", err, ev.Len())
		}
		if _, err := unix.Read(r, buf); err != nil {
			b.Fatal(err)
		}
	}
}
