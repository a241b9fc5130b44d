package testfut

import (
	"testing"

	"github.com/asyncgo/async"
)

// Probe is what the assertions read: a Future of any type.
type Probe interface {
	Polls() int
	Cancels() int
	Waker() async.Waker
	Violations() []string
	String() string
}

// AssertPolls fails the test unless p was polled exactly want times.
func AssertPolls(t testing.TB, p Probe, want int) {
	t.Helper()
	if got := p.Polls(); got != want {
		t.Errorf("%s was polled %d times, want %d", p, got, want)
	}
}

// AssertPollsAtMost fails the test if p was polled more than most times.
func AssertPollsAtMost(t testing.TB, p Probe, most int) {
	t.Helper()
	if got := p.Polls(); got > most {
		t.Errorf("%s was polled %d times, want at most %d", p, got, most)
	}
}

// AssertCancelled fails the test unless p was cancelled exactly once and
// keeps no waker.
func AssertCancelled(t testing.TB, p Probe) {
	t.Helper()
	if got := p.Cancels(); got != 1 {
		t.Errorf("%s was cancelled %d times, want once", p, got)
	}
	if w := p.Waker(); w != nil {
		t.Errorf("%s still keeps waker %v after its cancellation", p, w)
	}
}

// AssertNotCancelled fails the test if p was cancelled.
func AssertNotCancelled(t testing.TB, p Probe) {
	t.Helper()
	if got := p.Cancels(); got != 0 {
		t.Errorf("%s was cancelled %d times, want never", p, got)
	}
}

// AssertClean fails the test for every breach of the async.Future contract
// that the probes recorded.
func AssertClean(t testing.TB, ps ...Probe) {
	t.Helper()
	for _, p := range ps {
		for _, v := range p.Violations() {
			t.Errorf("contract breach: %s", v)
		}
	}
}

// Probes returns fs as Probes, for the assertions that take many:
//
//	testfut.AssertClean(t, testfut.Probes(leaves)...)
func Probes[T any](fs []*Future[T]) []Probe {
	ps := make([]Probe, len(fs))
	for i, f := range fs {
		ps[i] = f
	}
	return ps
}
