//go:build linux

package poll_test

import (
	"testing"

	"github.com/asyncgo/async/poll"
)

// TestTenThousandSockets registers 10,000 sockets (5,000 connected pairs,
// both ends) and checks that exactly the ones written to are reported.
func TestTenThousandSockets(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 10,000 descriptors")
	}
	p := newPoller(t)
	const pairs = 5000
	ends := make([][2]int, pairs)
	for i := range ends {
		a, b := socketPair(t)
		ends[i] = [2]int{a, b}
		register(t, p, a, poll.Token(2*i), poll.Readable, poll.Edge)
		register(t, p, b, poll.Token(2*i+1), poll.Readable, poll.Edge)
	}
	ev := poll.NewEvents(1024)
	quiet(t, p, ev)

	// Write to the second end of every seventh pair: the first end of
	// that pair, an even token, must be reported, and nothing else.
	want := map[poll.Token]bool{}
	for i := 0; i < pairs; i += 7 {
		write(t, ends[i][1], "x")
		want[poll.Token(2*i)] = true
	}
	got := map[poll.Token]bool{}
	for len(got) < len(want) {
		for _, e := range wait(t, p, ev, 5e9) {
			if !want[e.Token] {
				t.Fatalf("unexpected event %v", e)
			}
			got[e.Token] = true
		}
	}
	quiet(t, p, ev)
}
