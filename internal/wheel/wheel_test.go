package wheel

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"unsafe"
)

// checkInvariants walks the whole wheel (tests only; the wheel itself never
// scans) and fails t if any structural invariant is broken.
func checkInvariants(t testing.TB, w *Wheel) {
	t.Helper()
	count := 0
	for lvl := range numLevels {
		l := &w.levels[lvl]
		for slot := range numSlots {
			head := l.slots[slot].head
			if busy := l.occupied&(1<<slot) != 0; busy != (head != nil) {
				t.Fatalf("level %d slot %d: occupied bit %v, list empty %v", lvl, slot, busy, head == nil)
			}
			if head == nil {
				continue
			}
			exp := slotExpiry(w.elapsed, lvl, slot)
			var prev *Entry
			for e := head; e != nil; e = e.next {
				count++
				switch {
				case !e.Pending():
					t.Fatalf("entry on level %d slot %d is not pending", lvl, slot)
				case e.deadline == math.MaxUint64:
					t.Fatalf("entry on level %d slot %d has the never list's deadline", lvl, slot)
				}
				if l, s := w.locate(e); l != lvl || s != slot {
					t.Fatalf("entry due %d on level %d slot %d, but locate finds level %d slot %d", e.deadline, lvl, slot, l, s)
				}
				switch {
				case e != head && e.prev != prev:
					t.Fatalf("level %d slot %d: broken prev link", lvl, slot)
				case e.next == nil && head.prev != e:
					t.Fatalf("level %d slot %d: head.prev is not the tail", lvl, slot)
				case e.deadline < w.elapsed:
					t.Fatalf("entry due %d still pending at elapsed %d", e.deadline, w.elapsed)
				case exp > e.deadline:
					t.Fatalf("entry due %d on level %d slot %d, processed only at %d", e.deadline, lvl, slot, exp)
				case lvl == 0 && exp != e.deadline:
					t.Fatalf("level 0 entry due %d in slot for tick %d", e.deadline, exp)
				case lvl < topLevel && e.deadline-exp >= slotTicks(lvl):
					t.Fatalf("entry due %d on level %d slot %d starting %d: not in the slot", e.deadline, lvl, slot, exp)
				case lvl > 0 && exp == w.elapsed:
					t.Fatalf("level %d slot %d due at elapsed %d but not cascaded", lvl, slot, w.elapsed)
				}
				prev = e
			}
		}
	}
	var prev *Entry
	for e := w.never.head; e != nil; e = e.next {
		count++
		switch {
		case !e.Pending():
			t.Fatal("entry on the never list is not pending")
		case e.deadline != math.MaxUint64:
			t.Fatalf("entry on the never list records deadline %d", e.deadline)
		case e != w.never.head && e.prev != prev:
			t.Fatal("never list: broken prev link")
		case e.next == nil && w.never.head.prev != e:
			t.Fatal("never list: head.prev is not the tail")
		}
		prev = e
	}
	if count != w.n {
		t.Fatalf("%d entries linked, Len() = %d", count, w.n)
	}

	// next looks only at the lowest busy level; that must be the earliest
	// slot of all.
	lvl, slot, tick, ok := w.next()
	if inLevels := count - w.never.len(); ok != (inLevels > 0) {
		t.Fatalf("next() ok = %v with %d entries in the levels", ok, inLevels)
	}
	for l := range numLevels {
		if s, busy := nextSlot(w.levels[l].occupied, firstSlot(w.elapsed, l)); busy {
			if e := slotExpiry(w.elapsed, l, s); e < tick || (e == tick && l < lvl) {
				t.Fatalf("next() = level %d slot %d at %d, but level %d slot %d is due at %d", lvl, slot, tick, l, s, e)
			}
		}
	}
}

// len counts the entries on l.
func (l *slotList) len() int {
	n := 0
	for e := l.head; e != nil; e = e.next {
		n++
	}
	return n
}

// mustPanic runs f and fails t unless it panics with a "wheel: " message.
func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "wheel: ") {
			t.Errorf("%s: panic %v, want a \"wheel: \" message", what, r)
		}
	}()
	f()
}

// drain polls w at now until nil and returns the entries in order.
func drain(w *Wheel, now uint64) []*Entry {
	var out []*Entry
	for e := w.Poll(now); e != nil; e = w.Poll(now) {
		out = append(out, e)
	}
	return out
}

func TestZeroWheel(t *testing.T) {
	var w Wheel
	if w.Elapsed() != 0 || w.Len() != 0 {
		t.Fatalf("zero wheel: elapsed %d len %d", w.Elapsed(), w.Len())
	}
	if d, ok := w.NextDeadline(); ok {
		t.Fatalf("NextDeadline on empty wheel = %d, true", d)
	}
	if e := w.Poll(100); e != nil {
		t.Fatal("Poll on empty wheel returned an entry")
	}
	if w.Elapsed() != 100 {
		t.Fatalf("Elapsed() = %d after Poll(100), want 100", w.Elapsed())
	}
	if e := w.Poll(10); e != nil || w.Elapsed() != 100 {
		t.Fatalf("Poll(10) moved the wheel back to %d", w.Elapsed())
	}
	checkInvariants(t, &w)
}

func TestInsertDue(t *testing.T) {
	var w Wheel
	w.Poll(50)
	var e Entry
	for _, d := range []uint64{0, 49, 50} {
		if w.Insert(&e, d) {
			t.Fatalf("Insert at %d with elapsed 50 = true", d)
		}
		if e.Pending() || w.Len() != 0 || e.Deadline() != d {
			t.Fatalf("due Insert at %d: pending %v len %d deadline %d", d, e.Pending(), w.Len(), e.Deadline())
		}
	}
	if !w.Insert(&e, 51) || !e.Pending() || w.Len() != 1 || e.Deadline() != 51 {
		t.Fatalf("Insert at 51: pending %v len %d deadline %d", e.Pending(), w.Len(), e.Deadline())
	}
	checkInvariants(t, &w)
}

func TestMisusePanics(t *testing.T) {
	var w, other Wheel
	var e Entry
	w.Insert(&e, 10)
	mustPanic(t, "Insert twice", func() { w.Insert(&e, 20) })
	mustPanic(t, "Insert into another wheel", func() { other.Insert(&e, 20) })
	if !e.Pending() || w.Len() != 1 || other.Len() != 0 || e.Deadline() != 10 {
		t.Fatalf("after refused calls: pending %v len %d/%d deadline %d", e.Pending(), w.Len(), other.Len(), e.Deadline())
	}
	checkInvariants(t, &w)
	checkInvariants(t, &other)
}

func TestRemove(t *testing.T) {
	var w Wheel
	var a, b, c Entry
	w.Remove(&a) // not pending: no-op
	w.Insert(&a, 10)
	w.Insert(&b, 10)
	w.Insert(&c, 10)
	w.Remove(&b) // middle
	checkInvariants(t, &w)
	w.Remove(&c) // tail
	checkInvariants(t, &w)
	w.Remove(&c) // again: no-op
	if w.Len() != 1 || !a.Pending() || b.Pending() || c.Pending() {
		t.Fatalf("len %d, pending %v %v %v", w.Len(), a.Pending(), b.Pending(), c.Pending())
	}
	w.Remove(&a) // last
	if _, ok := w.NextDeadline(); ok || w.Len() != 0 {
		t.Fatal("wheel not empty after removing everything")
	}
	if got := drain(&w, 100); len(got) != 0 {
		t.Fatalf("removed entries fired: %d", len(got))
	}
	checkInvariants(t, &w)
}

// TestFiresAtDeadline inserts one entry at a time at every level boundary,
// from several starting ticks, and checks it is not returned one tick early
// and is returned at its deadline.
func TestFiresAtDeadline(t *testing.T) {
	deltas := []uint64{1, 2, 63, 64, 65, 127, 128, p2 - 1, p2, p2 + 1, p3 - 1, p3, p3 + 1,
		p4 - 1, p4, p5 - 1, p5, p5 + 1, p6 - 1, p6, p6 + 1, p6 + p5, 3*p6 + 12345}
	for _, start := range []uint64{0, 1, 63, 64, 100, p2 - 1, p5 + 3, p6 - 1, p6, 5*p5 + 7, math.MaxUint64 - 4*p6} {
		for _, d := range deltas {
			t.Run(fmt.Sprintf("start=%d/delta=%d", start, d), func(t *testing.T) {
				var w Wheel
				w.Poll(start)
				var e Entry
				deadline := start + d
				if !w.Insert(&e, deadline) {
					t.Fatal("Insert refused")
				}
				if nd, ok := w.NextDeadline(); !ok || nd > deadline || nd <= start {
					t.Fatalf("NextDeadline = %d, %v; want in (%d, %d]", nd, ok, start, deadline)
				}
				if got := drain(&w, deadline-1); len(got) != 0 {
					t.Fatalf("fired at %d, one tick early", deadline-1)
				}
				checkInvariants(t, &w)
				if nd, ok := w.NextDeadline(); !ok || nd != deadline {
					t.Fatalf("NextDeadline one tick before = %d, %v; want %d", nd, ok, deadline)
				}
				got := drain(&w, deadline)
				if len(got) != 1 || got[0] != &e || e.Pending() || w.Len() != 0 {
					t.Fatalf("at the deadline: %d fired, pending %v, len %d", len(got), e.Pending(), w.Len())
				}
				if w.Elapsed() != deadline {
					t.Fatalf("Elapsed() = %d, want %d", w.Elapsed(), deadline)
				}
			})
		}
	}
}

func TestNextDeadline(t *testing.T) {
	tests := []struct {
		start     uint64
		deadlines []uint64
		want      uint64
	}{
		{0, []uint64{10}, 10},
		{0, []uint64{63}, 63},
		{0, []uint64{64}, 64},
		{0, []uint64{100}, 64},
		{0, []uint64{4095}, 4032},
		{0, []uint64{4096}, 4096},
		{0, []uint64{5000}, 4096},
		{0, []uint64{p5 + p4 + 1}, p5},
		{0, []uint64{p6 - 1}, 63 * p5},
		{0, []uint64{p6}, p6},
		{0, []uint64{p6 + 5}, p6},
		{0, []uint64{p6 + 3*p5 + 9}, 3 * p5}, // one rotation early, goes round again
		{0, []uint64{3 * p6}, p6},
		{0, []uint64{5000, 100, 70}, 64},
		{0, []uint64{5000, 100, 70, 30}, 30},
		{0, []uint64{p6 + 5, 2 * p5}, 2 * p5},
		{1000, []uint64{1001}, 1001},
		{1000, []uint64{1023}, 1023},
		{1000, []uint64{1024}, 1024},
		{1000, []uint64{1100}, 1088},
		{1000, []uint64{1100, 1010}, 1010},
		{5*p5 + 7, []uint64{5*p5 + 7 + p6}, p6 + 5*p5},
		{5*p5 + 7, []uint64{5*p5 + 6 + p6, 7 * p5}, 7 * p5},
		{p6 - 1, []uint64{p6}, p6},
		{p6 - 1, []uint64{p6 + 70}, p6},
	}
	for _, tt := range tests {
		var w Wheel
		w.Poll(tt.start)
		entries := make([]Entry, len(tt.deadlines))
		for i, d := range tt.deadlines {
			w.Insert(&entries[i], d)
		}
		if got, ok := w.NextDeadline(); !ok || got != tt.want {
			t.Errorf("start %d, deadlines %v: NextDeadline = %d, %v, want %d", tt.start, tt.deadlines, got, ok, tt.want)
		}
		checkInvariants(t, &w)
	}

	// Following NextDeadline step by step reaches a far entry exactly: each
	// step cascades it one level down, then the last is its deadline.
	var w Wheel
	var e Entry
	deadline := uint64(2*p5 + 3*p4 + 4*p3 + 5*p2 + 6*p1 + 7)
	w.Insert(&e, deadline)
	var steps []uint64
	for {
		nd, ok := w.NextDeadline()
		if !ok {
			break
		}
		steps = append(steps, nd)
		if got := drain(&w, nd); len(got) != 0 && nd != deadline {
			t.Fatalf("fired at %d, before %d", nd, deadline)
		}
	}
	want := []uint64{2 * p5, 2*p5 + 3*p4, 2*p5 + 3*p4 + 4*p3, 2*p5 + 3*p4 + 4*p3 + 5*p2,
		2*p5 + 3*p4 + 4*p3 + 5*p2 + 6*p1, deadline}
	if fmt.Sprint(steps) != fmt.Sprint(want) {
		t.Fatalf("NextDeadline steps %v, want %v", steps, want)
	}
}

func TestEqualDeadlinesFIFO(t *testing.T) {
	var w Wheel
	const deadline = 3*p2 + 5*p1 + 7
	var entries [40]Entry
	// Inserted from ticks that put them at levels 2, 1 and 0 of the same
	// deadline, interleaved with polls that cascade the earlier ones.
	for i := range entries {
		switch i {
		case 10:
			w.Poll(3 * p2) // the first ten cascade to level 1
		case 20:
			w.Poll(3*p2 + 5*p1) // and then to level 0
		case 30:
			w.Poll(deadline - 1)
		}
		if !w.Insert(&entries[i], deadline) {
			t.Fatalf("Insert %d refused", i)
		}
		checkInvariants(t, &w)
	}
	got := drain(&w, deadline)
	if len(got) != len(entries) {
		t.Fatalf("%d fired, want %d", len(got), len(entries))
	}
	for i, e := range got {
		if e != &entries[i] {
			t.Fatalf("fire %d is not entry %d: not FIFO", i, i)
		}
	}
}

func TestRemoveAfterCascade(t *testing.T) {
	var w Wheel
	var a, b Entry
	w.Insert(&a, 5000) // level 2 slot 1
	w.Insert(&b, 5001)
	if lvl, _ := w.locate(&a); lvl != 2 {
		t.Fatalf("5000 from 0 at level %d, want 2", lvl)
	}
	if got := drain(&w, 4900); len(got) != 0 { // cascades slot 4096
		t.Fatalf("%d fired early", len(got))
	}
	if lvl, _ := w.locate(&a); lvl != 1 || !a.Pending() {
		t.Fatalf("after cascade: level %d pending %v, want level 1", lvl, a.Pending())
	}
	w.Remove(&a)
	checkInvariants(t, &w)
	if got := drain(&w, 4999); len(got) != 0 { // cascades slot 4992 to level 0
		t.Fatalf("%d fired early", len(got))
	}
	if lvl, _ := w.locate(&b); lvl != 0 {
		t.Fatalf("b at level %d, want 0", lvl)
	}
	w.Remove(&b)
	checkInvariants(t, &w)
	if got := drain(&w, 10000); len(got) != 0 || w.Len() != 0 {
		t.Fatalf("removed entries fired: %d, len %d", len(got), w.Len())
	}
	if _, ok := w.NextDeadline(); ok {
		t.Fatal("NextDeadline on emptied wheel")
	}
}

func TestReinsert(t *testing.T) {
	var w Wheel
	var e Entry
	// Fired, then re-inserted relative to the new elapsed.
	w.Insert(&e, 100)
	if got := drain(&w, 150); len(got) != 1 {
		t.Fatalf("%d fired", len(got))
	}
	if w.Elapsed() != 150 {
		t.Fatalf("Elapsed() = %d", w.Elapsed())
	}
	if w.Insert(&e, 150) {
		t.Fatal("Insert at elapsed accepted")
	}
	if !w.Insert(&e, 151) {
		t.Fatal("re-Insert of fired entry refused")
	}
	// Removed, then re-inserted.
	w.Remove(&e)
	if !w.Insert(&e, 9000) {
		t.Fatal("re-Insert of removed entry refused")
	}
	checkInvariants(t, &w)
	if got := drain(&w, 8999); len(got) != 0 {
		t.Fatal("fired early")
	}
	if got := drain(&w, 9000); len(got) != 1 || got[0] != &e {
		t.Fatalf("%d fired at 9000", len(got))
	}
	// Re-inserted from inside the Poll loop, due before now: comes out of
	// the same loop.
	w.Insert(&e, 9010)
	var fires []uint64
	for x := w.Poll(9100); x != nil; x = w.Poll(9100) {
		fires = append(fires, x.Deadline())
		if len(fires) < 3 {
			w.Insert(x, w.Elapsed()+20)
		}
	}
	if fmt.Sprint(fires) != "[9010 9030 9050]" {
		t.Fatalf("fires %v", fires)
	}
}

func TestPollStepsElapsed(t *testing.T) {
	var w Wheel
	var a, b Entry
	w.Insert(&a, 10)
	w.Insert(&b, 5000)
	if e := w.Poll(8000); e != &a || w.Elapsed() != 10 {
		t.Fatalf("first Poll: %p elapsed %d, want a at 10", e, w.Elapsed())
	}
	if e := w.Poll(8000); e != &b || w.Elapsed() != 5000 {
		t.Fatalf("second Poll: %p elapsed %d, want b at 5000", e, w.Elapsed())
	}
	if e := w.Poll(4000); e != nil || w.Elapsed() != 5000 {
		t.Fatalf("Poll behind: elapsed %d", w.Elapsed())
	}
	if e := w.Poll(8000); e != nil || w.Elapsed() != 8000 {
		t.Fatalf("last Poll: elapsed %d, want 8000", w.Elapsed())
	}
}

func TestEndOfTime(t *testing.T) {
	const max = math.MaxUint64
	var w Wheel
	w.Poll(max - 2*p6)
	var es [5]Entry
	deadlines := []uint64{max - 1, max - 2, max - 64, max - p6, max - p6 - p5}
	for i, d := range deadlines {
		w.Insert(&es[i], d)
	}
	// The last tick is the never list's: an entry due then is never due.
	var last Entry
	if !w.Insert(&last, max) || last.Deadline() != max {
		t.Fatalf("Insert at the last tick: deadline %d", last.Deadline())
	}
	checkInvariants(t, &w)
	got := drain(&w, max)
	if len(got) != len(es) {
		t.Fatalf("%d fired, want %d", len(got), len(es))
	}
	if !last.Pending() || w.Len() != 1 {
		t.Fatalf("entry due at the last tick: pending %v, Len %d; want never due", last.Pending(), w.Len())
	}
	w.Remove(&last)
	for i := 1; i < len(got); i++ {
		if got[i].Deadline() < got[i-1].Deadline() {
			t.Fatalf("out of order: %d then %d", got[i-1].Deadline(), got[i].Deadline())
		}
	}
	if w.Elapsed() != max || w.Insert(&es[0], max) {
		t.Fatalf("at the end of time: elapsed %d", w.Elapsed())
	}
}

func TestAllocs(t *testing.T) {
	var w Wheel
	entries := make([]Entry, 64)
	var now uint64
	allocs := testing.AllocsPerRun(100, func() {
		for i := range entries {
			w.Insert(&entries[i], now+uint64(i*i*97+1))
		}
		w.NextDeadline()
		for i := range entries[:32] {
			w.Remove(&entries[i])
		}
		now += 400000 // past every deadline above
		for e := w.Poll(now); e != nil; e = w.Poll(now) {
		}
		w.NextDeadline()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run, want 0", allocs)
	}
}

// A million sleeping tasks each hold an Entry (in a reactor.Timer): its
// size is part of what the timers benchmark's peak RSS is made of.
func TestEntrySize(t *testing.T) {
	if got := unsafe.Sizeof(Entry{}); got > 40 {
		t.Errorf("Entry is %d bytes, want at most 40", got)
	}
}
