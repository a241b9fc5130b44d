package wheel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Powers of 64, the level boundaries.
const (
	p1 = 1 << (6 * (iota + 1))
	p2
	p3
	p4
	p5
	p6
)

func TestConstants(t *testing.T) {
	if numSlots != 64 || slotMask != 63 || numLevels != 6 || topLevel != 5 {
		t.Fatalf("shape: %d slots, mask %d, %d levels, top %d", numSlots, slotMask, numLevels, topLevel)
	}
	if span != p6 {
		t.Fatalf("span = %d, want 64^6 = %d", uint64(span), uint64(p6))
	}
	for lvl, want := range []uint64{1, p1, p2, p3, p4, p5} {
		if got := slotTicks(lvl); got != want {
			t.Errorf("slotTicks(%d) = %d, want %d", lvl, got, want)
		}
		if got := levelTicks(lvl); got != want*64 {
			t.Errorf("levelTicks(%d) = %d, want %d", lvl, got, want*64)
		}
	}
}

func TestLevelForSlotFor(t *testing.T) {
	const max = math.MaxUint64
	tests := []struct {
		elapsed, deadline uint64
		level, slot       int
	}{
		// From tick 0, every boundary of every level.
		{0, 0, 0, 0},
		{0, 1, 0, 1},
		{0, 63, 0, 63},
		{0, 64, 1, 1},
		{0, 65, 1, 1},
		{0, 127, 1, 1},
		{0, 128, 1, 2},
		{0, p2 - 1, 1, 63},
		{0, p2, 2, 1},
		{0, p3 - 1, 2, 63},
		{0, p3, 3, 1},
		{0, p4 - 1, 3, 63},
		{0, p4, 4, 1},
		{0, p5 - 1, 4, 63},
		{0, p5, 5, 1},
		{0, 2*p5 - 1, 5, 1},
		{0, 2 * p5, 5, 2},
		{0, p6 - 1, 5, 63},
		// Past the span: clamped to the top level, slot by the top digit.
		{0, p6, 5, 0},
		{0, p6 + 1, 5, 0},
		{0, p6 + p5, 5, 1},
		{0, 3*p6 + 7*p5 + 5, 5, 7},
		{0, max, 5, 63},

		// deadline == elapsed: level 0, elapsed's own slot (due now).
		{1000, 1000, 0, 1000 & 63},
		{p6, p6, 0, 0},

		// Non-zero elapsed: the level is the highest differing digit.
		{1, 2, 0, 2},
		{63, 64, 1, 1},
		{64, 65, 0, 1},
		{64, 127, 0, 63},
		{64, 128, 1, 2},
		{100, 101, 0, 37},
		{100, 127, 0, 63},
		{100, 128, 1, 2},
		{100, 300, 1, 4},
		{p2 - 1, p2, 2, 1},
		{p2 - 1, p2 + 63, 2, 1},
		{p2, p2 + 1, 0, 1},
		{p2, p2 + 63, 0, 63},
		{p2, p2 + 64, 1, 1},
		{p2 + 5*64 + 3, p2 + 5*64 + 63, 0, 63},
		{p2 + 5*64 + 3, p2 + 6*64, 1, 6},
		{p2 + 5*64 + 3, 2 * p2, 2, 2},
		{p3 - 1, p3, 3, 1},
		{p4 - 1, p4, 4, 1},
		{p5 - 1, p5, 5, 1},
		{p5, p6 - 1, 5, 63},
		{p5 + 1, p5 + 63, 0, 63},

		// The top level's rotation boundary: differing above digit 5 clamps
		// even when the distance is small.
		{p6 - 1, p6, 5, 0},
		{p6 - 1, p6 + p5, 5, 1},
		{p6, 2*p6 - 1, 5, 63},
		{p6, 2 * p6, 5, 0},
		// Exactly one span ahead lands in elapsed's own top slot.
		{5*p5 + 7, 5*p5 + 7 + p6, 5, 5},
		{5*p5 + 7, 5*p5 + 6 + p6, 5, 5},
		{5*p5 + 7, 5*p5 + p6, 5, 5},
		{5*p5 + 7, 5*p5 - 1 + p6, 5, 4},

		// Near the end of uint64.
		{max - 10, max, 0, 63},
		{max - 64, max, 1, 63},
		{max - p6, max, 5, 63},
		{max - p6 - 1, max, 5, 63},
		{0, max - 1, 5, 63},
	}
	for _, tt := range tests {
		lvl := levelFor(tt.elapsed, tt.deadline)
		slot := slotFor(tt.deadline, lvl)
		if lvl != tt.level || slot != tt.slot {
			t.Errorf("elapsed %d deadline %d: level %d slot %d, want level %d slot %d",
				tt.elapsed, tt.deadline, lvl, slot, tt.level, tt.slot)
		}
	}
}

func TestSlotFor(t *testing.T) {
	tests := []struct {
		tick  uint64
		level int
		slot  int
	}{
		{0, 0, 0}, {63, 0, 63}, {64, 0, 0}, {64, 1, 1}, {4095, 1, 63}, {4096, 1, 0},
		{4096, 2, 1}, {p3 - 1, 2, 63}, {p3, 3, 1}, {p4, 4, 1}, {p5, 5, 1},
		{p6 - 1, 5, 63}, {p6, 5, 0}, {p6 + p5, 5, 1},
		{math.MaxUint64, 0, 63}, {math.MaxUint64, 5, 63},
		{100, 0, 36}, {100, 1, 1}, {100, 2, 0},
	}
	for _, tt := range tests {
		if got := slotFor(tt.tick, tt.level); got != tt.slot {
			t.Errorf("slotFor(%d, %d) = %d, want %d", tt.tick, tt.level, got, tt.slot)
		}
	}
}

func TestFirstSlot(t *testing.T) {
	tests := []struct {
		elapsed uint64
		level   int
		slot    int
	}{
		{0, 0, 0}, {70, 0, 6}, {70, 1, 1}, {70, 2, 0},
		{p4 * 9, 4, 9}, {p4*9 - 1, 4, 8},
		// The top level starts one past elapsed's slot, wrapping.
		{0, 5, 1}, {5 * p5, 5, 6}, {5*p5 + 7, 5, 6}, {63 * p5, 5, 0}, {p6 - 1, 5, 0},
		{p6 + 3*p5, 5, 4},
	}
	for _, tt := range tests {
		if got := firstSlot(tt.elapsed, tt.level); got != tt.slot {
			t.Errorf("firstSlot(%d, %d) = %d, want %d", tt.elapsed, tt.level, got, tt.slot)
		}
	}
}

func TestNextSlot(t *testing.T) {
	const all = math.MaxUint64
	tests := []struct {
		occupied uint64
		from     int
		slot     int
		ok       bool
	}{
		{0, 0, 0, false},
		{0, 37, 0, false},
		{1, 0, 0, true},
		{1, 1, 0, true},
		{1, 63, 0, true},
		{1 << 5, 0, 5, true},
		{1 << 5, 5, 5, true},
		{1 << 5, 6, 5, true},
		{1 << 63, 0, 63, true},
		{1 << 63, 63, 63, true},
		{1<<63 | 1, 0, 0, true},
		{1<<63 | 1, 1, 63, true},
		{1<<63 | 1, 63, 63, true},
		{1<<3 | 1<<40, 4, 40, true},
		{1<<3 | 1<<40, 40, 40, true},
		{1<<3 | 1<<40, 41, 3, true},
		{1<<3 | 1<<40, 3, 3, true},
		{all, 0, 0, true},
		{all, 17, 17, true},
		{all, 63, 63, true},
	}
	for _, tt := range tests {
		slot, ok := nextSlot(tt.occupied, tt.from)
		if slot != tt.slot || ok != tt.ok {
			t.Errorf("nextSlot(%#x, %d) = %d, %v, want %d, %v", tt.occupied, tt.from, slot, ok, tt.slot, tt.ok)
		}
	}

	// Every single busy slot from every starting slot.
	for b := range 64 {
		for from := range 64 {
			if slot, ok := nextSlot(1<<b, from); !ok || slot != b {
				t.Errorf("nextSlot(1<<%d, %d) = %d, %v", b, from, slot, ok)
			}
		}
	}

	// Random sets against a scan (fine here, never in the wheel).
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		occ := r.Uint64() & r.Uint64() & r.Uint64() // sparse
		from := r.IntN(64)
		want, wantOK := 0, false
		for i := range 64 {
			if s := (from + i) & 63; occ&(1<<s) != 0 {
				want, wantOK = s, true
				break
			}
		}
		if slot, ok := nextSlot(occ, from); slot != want || ok != wantOK {
			t.Fatalf("nextSlot(%#x, %d) = %d, %v, want %d, %v", occ, from, slot, ok, want, wantOK)
		}
	}
}

func TestSlotExpiry(t *testing.T) {
	tests := []struct {
		elapsed uint64
		level   int
		slot    int
		want    uint64
	}{
		// Level 0: the exact tick; the current slot is due now.
		{0, 0, 5, 5},
		{10, 0, 10, 10},
		{10, 0, 63, 63},
		{70, 0, 6, 70},
		{70, 0, 63, 127},
		// Level 1 and up: the slot's start in the current rotation.
		{0, 1, 1, 64},
		{70, 1, 2, 128},
		{70, 1, 63, 63 * 64},
		{p2 + 100, 1, 2, p2 + 128},
		{p3 - 1, 3, 1, p3},
		{p4 + 5, 4, 63, 63 * p4},
		{p6 + 100, 2, 1, p6 + p2},
		// The top level: ahead of elapsed's slot, this rotation.
		{0, 5, 1, p5},
		{5*p5 + 7, 5, 6, 6 * p5},
		{5*p5 + 7, 5, 63, 63 * p5},
		// At or behind elapsed's slot: the next rotation.
		{0, 5, 0, p6},
		{5 * p5, 5, 5, p6 + 5*p5},
		{5*p5 + 7, 5, 5, p6 + 5*p5},
		{5*p5 + 7, 5, 3, p6 + 3*p5},
		{5*p5 + 7, 5, 0, p6},
		{p6 - 1, 5, 0, p6},
		{p6 - 1, 5, 63, 2*p6 - p5},
		{3*p6 + 2*p5, 5, 1, 4*p6 + p5},
		{math.MaxUint64 - p6 - 3, 5, 63, math.MaxUint64 - p5 + 1},
	}
	for _, tt := range tests {
		if got := slotExpiry(tt.elapsed, tt.level, tt.slot); got != tt.want {
			t.Errorf("slotExpiry(%d, %d, %d) = %d, want %d", tt.elapsed, tt.level, tt.slot, got, tt.want)
		}
	}
}

// TestPlacementSweep checks, for many (elapsed, deadline) pairs around every
// level boundary, the property everything rests on: the slot an entry is
// placed in is processed no later than its deadline, and no earlier than
// the wheel's position; at level 0 exactly at the deadline; below the top
// level the deadline falls within the slot; a top-level slot is at most one
// rotation early.
func TestPlacementSweep(t *testing.T) {
	var elapsedSet []uint64
	for lvl := range numLevels + 1 {
		b := uint64(1) << (slotBits * lvl)
		elapsedSet = append(elapsedSet, b-1, b, b+1, 3*b-1, 3*b, 63*b)
	}
	elapsedSet = append(elapsedSet, 0, 100, 12345678, 5*p5+7, 7*p6+3*p4+11,
		math.MaxUint64-p6-p5, math.MaxUint64-5000)

	var deltas []uint64
	for lvl := range numLevels + 2 {
		b := uint64(1) << (slotBits * lvl)
		deltas = append(deltas, b-2, b-1, b, b+1, 2*b-1, 2*b, 63*b)
	}
	deltas = append(deltas, 0, 3*p6+12345, 1<<40)

	check := func(elapsed, deadline uint64) {
		t.Helper()
		lvl := levelFor(elapsed, deadline)
		slot := slotFor(deadline, lvl)
		exp := slotExpiry(elapsed, lvl, slot)
		clamped := deadline^elapsed >= span
		switch {
		case exp > deadline:
			t.Errorf("elapsed %d deadline %d: level %d slot %d processed at %d, after the deadline", elapsed, deadline, lvl, slot, exp)
		case exp < elapsed:
			t.Errorf("elapsed %d deadline %d: level %d slot %d processed at %d, before elapsed", elapsed, deadline, lvl, slot, exp)
		case lvl == 0 && exp != deadline:
			t.Errorf("elapsed %d deadline %d: level 0 slot %d processed at %d, not the deadline", elapsed, deadline, slot, exp)
		case exp == elapsed && (lvl != 0 || deadline != elapsed):
			t.Errorf("elapsed %d deadline %d: level %d slot %d due at once", elapsed, deadline, lvl, slot)
		case clamped && lvl != topLevel:
			t.Errorf("elapsed %d deadline %d: out of reach but at level %d", elapsed, deadline, lvl)
		case !clamped && deadline-exp >= slotTicks(lvl):
			t.Errorf("elapsed %d deadline %d: level %d slot %d at %d does not contain the deadline", elapsed, deadline, lvl, slot, exp)
		case clamped && exp-elapsed > span:
			t.Errorf("elapsed %d deadline %d: clamped to %d, more than a rotation ahead", elapsed, deadline, exp)
		}
	}
	for _, e := range elapsedSet {
		for _, d := range deltas {
			for _, nudge := range []uint64{0, 1, 63} {
				if deadline := e + d + nudge; deadline >= e { // skip overflow
					check(e, deadline)
				}
			}
		}
	}
	// And random pairs at every scale.
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		e := r.Uint64() >> r.IntN(64)
		d := r.Uint64() >> r.IntN(64)
		if e+d >= e {
			check(e, e+d)
		}
	}
}
