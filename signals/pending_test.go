package signals

import (
	"os"
	"testing"
)

// sig is a fake signal for the buffer's tests.
type sig int

func (s sig) Signal()        {}
func (s sig) String() string { return "sig" }

var _ os.Signal = sig(0)

func TestPendingKeepsOrderAndCoalesces(t *testing.T) {
	var p pending
	for _, s := range []sig{1, 2, 1, 3, 2, 1} {
		if !p.add(s) {
			t.Fatalf("add(%d) dropped", s)
		}
	}
	var got []os.Signal
	for p.n > 0 {
		got = append(got, p.pop())
	}
	if len(got) != 3 || got[0] != sig(1) || got[1] != sig(2) || got[2] != sig(3) {
		t.Fatalf("popped %v; want [1 2 3]", got)
	}
	// Taken, a signal may be pending again.
	p.add(sig(1))
	if p.n != 1 || p.pop() != sig(1) {
		t.Fatal("a signal taken is not kept again")
	}
}

func TestPendingBound(t *testing.T) {
	var p pending
	for i := range bufferSize / 2 { // the ring wraps: start from the middle
		p.add(sig(100 + i))
		p.pop()
	}
	for i := range bufferSize {
		if !p.add(sig(i)) {
			t.Fatalf("add(%d) dropped with %d pending", i, p.n)
		}
	}
	if p.add(sig(bufferSize)) {
		t.Fatal("a signal beyond the bound was kept")
	}
	if !p.add(sig(3)) {
		t.Fatal("a pending signal was not coalesced in a full buffer")
	}
	for i := range bufferSize {
		if s := p.pop(); s != sig(i) {
			t.Fatalf("pop %d = %v; want %d", i, s, i)
		}
	}
	p.add(sig(1))
	p.clear()
	if p.n != 0 {
		t.Fatal("clear left signals")
	}
}
