package testfut

import (
	"fmt"
	"testing"
)

// recorder is a testing.TB that keeps the failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestAssertionsPassAndFail(t *testing.T) {
	f := New[int]()
	f.Name = "f"
	f.Poll(NewContext(&Waker{}))
	tests := []struct {
		name   string
		assert func(testing.TB)
		fails  int
	}{
		{"polls exact", func(tb testing.TB) { AssertPolls(tb, f, 1) }, 0},
		{"polls wrong", func(tb testing.TB) { AssertPolls(tb, f, 2) }, 1},
		{"at most ok", func(tb testing.TB) { AssertPollsAtMost(tb, f, 1) }, 0},
		{"at most over", func(tb testing.TB) { AssertPollsAtMost(tb, f, 0) }, 1},
		{"cancelled, was not", func(tb testing.TB) { AssertCancelled(tb, f) }, 2},
		{"not cancelled", func(tb testing.TB) { AssertNotCancelled(tb, f) }, 0},
		{"clean", func(tb testing.TB) { AssertClean(tb, f) }, 0},
	}
	for _, tt := range tests {
		r := &recorder{TB: t}
		tt.assert(r)
		if len(r.errs) != tt.fails {
			t.Errorf("%s: %d failures %q, want %d", tt.name, len(r.errs), r.errs, tt.fails)
		}
	}
	f.Cancel()
	f.Cancel()
	r := &recorder{TB: t}
	AssertClean(r, f)
	AssertNotCancelled(r, f)
	if len(r.errs) != 2 {
		t.Errorf("after two cancels: failures %q, want 2", r.errs)
	}
}

func TestProbes(t *testing.T) {
	fs := []*Future[int]{New[int](), New[int]()}
	ps := Probes(fs)
	if len(ps) != 2 || ps[0] != Probe(fs[0]) || ps[1] != Probe(fs[1]) {
		t.Errorf("Probes = %v, want the two futures", ps)
	}
}
