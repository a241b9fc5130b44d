package wheel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// model is the reference the wheel is checked against: a plain map from
// pending entry to its deadline and insertion number, searched in full.
type model struct {
	pending map[*Entry]modelEntry
	never   map[*Entry]bool // entries of InsertNever: pending, never due
	seq     uint64
}

type modelEntry struct {
	deadline uint64
	seq      uint64 // order of insertion, for FIFO among equal deadlines
}

func (m *model) insert(e *Entry, deadline uint64) {
	m.seq++
	m.pending[e] = modelEntry{deadline, m.seq}
}

// earliest returns the smallest pending deadline.
func (m *model) earliest() (uint64, bool) {
	min, ok := uint64(math.MaxUint64), false
	for _, me := range m.pending {
		if me.deadline <= min {
			min, ok = me.deadline, true
		}
	}
	return min, ok
}

// TestModel runs long random sequences of Insert, InsertNever, Remove and
// Poll at random ticks against the model, from several starting ticks
// (including near the end of uint64), and checks after every step that
// every entry fires exactly once, never before its deadline, and in the Poll
// loop of the first now at or past it; that fires come in deadline order,
// FIFO among equal deadlines; that never entries never fire; that Len,
// Elapsed and NextDeadline agree with the model; and that the wheel's
// internal invariants hold.
func TestModel(t *testing.T) {
	starts := []uint64{0, p6 - 3000, 12345 * p6, math.MaxUint64 - 1<<44}
	seeds := []uint64{1, 2, 3}
	ops := 10000
	if testing.Short() {
		ops = 1000
	}
	for _, start := range starts {
		for _, seed := range seeds {
			t.Run(fmt.Sprintf("start=%d/seed=%d", start, seed), func(t *testing.T) {
				runModel(t, start, seed, ops)
			})
		}
	}
}

func runModel(t *testing.T, start, seed uint64, ops int) {
	r := rand.New(rand.NewPCG(seed, start))
	var w Wheel
	w.Poll(start)
	m := &model{pending: make(map[*Entry]modelEntry), never: make(map[*Entry]bool)}
	entries := make([]Entry, 1000)

	// add saturates at the end of uint64, where the far deadlines would wrap.
	add := func(a, b uint64) uint64 {
		if a+b < a {
			return math.MaxUint64
		}
		return a + b
	}
	// delta picks a distance at every scale: within a level 0 rotation, at
	// each higher level, past the span (clamped), and 0.
	delta := func() uint64 {
		switch r.IntN(10) {
		case 0:
			return 0
		case 1, 2:
			return 1 + r.Uint64N(64)
		case 3:
			return 1 + r.Uint64N(p2)
		case 4:
			return 1 + r.Uint64N(p3)
		case 5:
			return 1 + r.Uint64N(p5)
		case 6:
			return 1 + r.Uint64N(p6)
		case 7:
			return p6 - 2 + r.Uint64N(5) // around the span
		case 8:
			return p6 + r.Uint64N(3*p6) // far: clamped
		default:
			// The deadline of some pending entry, if the one picked is.
			if e := &entries[r.IntN(len(entries))]; e.Pending() && !m.never[e] {
				return e.deadline - w.elapsed
			}
			return 1
		}
	}

	// insert puts e in at elapsed+d and checks the result against the model.
	insert := func(e *Entry, d uint64) {
		t.Helper()
		deadline := add(w.elapsed, d)
		ok := w.Insert(e, deadline)
		if ok != (deadline > w.elapsed) {
			t.Fatalf("Insert(%d) at elapsed %d = %v", deadline, w.elapsed, ok)
		}
		if ok {
			m.insert(e, deadline)
		}
		if e.Pending() != ok || e.Deadline() != deadline {
			t.Fatalf("after Insert(%d): pending %v deadline %d", deadline, e.Pending(), e.Deadline())
		}
	}

	for op := range ops {
		switch k := r.IntN(20); {
		case k < 9: // insert
			e := &entries[r.IntN(len(entries))]
			if e.Pending() {
				w.Remove(e)
				delete(m.pending, e)
				delete(m.never, e)
			}
			if r.IntN(20) == 0 {
				w.InsertNever(e)
				m.never[e] = true
			} else {
				insert(e, delta())
			}

		case k < 13: // remove, pending or not
			e := &entries[r.IntN(len(entries))]
			w.Remove(e)
			delete(m.pending, e)
			delete(m.never, e)
			if e.Pending() {
				t.Fatal("pending after Remove")
			}

		default: // poll
			// Mostly small steps, so that entries build up at every level
			// and cascade a slot at a time; now and then a jump across
			// rotations of the top level.
			var now uint64
			switch j := r.IntN(200); {
			case j < 1:
				now = add(w.elapsed, r.Uint64N(3*p6))
			case j < 5:
				now = add(w.elapsed, r.Uint64N(p5))
			case j < 20:
				now = w.elapsed
			case j < 40:
				now = w.elapsed - min(w.elapsed, r.Uint64N(1000)) // behind: treated as elapsed
			case j < 80:
				now = w.elapsed
				if nd, ok := w.NextDeadline(); ok {
					now = nd // exactly to the next slot
				}
			default:
				now = add(w.elapsed, r.Uint64N([]uint64{64, p2, p3}[r.IntN(3)]))
			}
			effective := max(now, w.elapsed)

			var last *modelEntry
			for e := w.Poll(now); e != nil; e = w.Poll(now) {
				me, ok := m.pending[e]
				switch {
				case !ok:
					t.Fatalf("op %d: Poll(%d) returned an entry not pending (deadline %d)", op, now, e.Deadline())
				case e.Pending():
					t.Fatalf("op %d: returned entry still pending", op)
				case me.deadline > now:
					t.Fatalf("op %d: Poll(%d) fired deadline %d early", op, now, me.deadline)
				case w.elapsed != me.deadline:
					t.Fatalf("op %d: fired deadline %d with elapsed %d", op, me.deadline, w.elapsed)
				case last != nil && me.deadline < last.deadline:
					t.Fatalf("op %d: fired %d after %d", op, me.deadline, last.deadline)
				case last != nil && me.deadline == last.deadline && me.seq < last.seq:
					t.Fatalf("op %d: equal deadlines %d fired out of insertion order", op, me.deadline)
				}
				delete(m.pending, e)
				last = &me
				// Sometimes re-arm from inside the loop, as a periodic timer
				// would; if due by now it must come out of this same loop.
				if r.IntN(8) == 0 {
					insert(e, 1+r.Uint64N(200))
				}
			}
			if w.elapsed != effective {
				t.Fatalf("op %d: after Poll(%d) from %d, Elapsed() = %d, want %d", op, now, effective, w.elapsed, effective)
			}
			for e, me := range m.pending {
				if me.deadline <= effective {
					lvl, slot := w.locate(e)
					t.Fatalf("op %d: deadline %d not fired by Poll(%d) (level %d slot %d)", op, me.deadline, now, lvl, slot)
				}
			}
		}

		if w.Len() != len(m.pending)+len(m.never) {
			t.Fatalf("op %d: Len() = %d, model has %d and %d never due", op, w.Len(), len(m.pending), len(m.never))
		}
		nd, ok := w.NextDeadline()
		min, any := m.earliest()
		switch {
		case ok != any:
			t.Fatalf("op %d: NextDeadline ok = %v with %d pending", op, ok, len(m.pending))
		case !ok:
		case nd <= w.elapsed || nd > min:
			t.Fatalf("op %d: NextDeadline = %d, want in (%d, %d]", op, nd, w.elapsed, min)
		case w.levels[0].occupied != 0 && nd != min:
			t.Fatalf("op %d: NextDeadline = %d with level 0 busy, want exactly %d", op, nd, min)
		}
		checkInvariants(t, &w)
	}

	// Finally everything left fires, in order, by running the clock out.
	end := add(w.elapsed, 5*p6) // past every deadline made above
	for e := w.Poll(end); e != nil; e = w.Poll(end) {
		if _, ok := m.pending[e]; !ok || e.Deadline() > end {
			t.Fatalf("final drain returned deadline %d wrongly", e.Deadline())
		}
		delete(m.pending, e)
	}
	if len(m.pending) != 0 || w.Len() != len(m.never) {
		t.Fatalf("after final drain: model %d and %d never due, wheel %d", len(m.pending), len(m.never), w.Len())
	}
	for e := range m.never {
		w.Remove(e)
	}
	if w.Len() != 0 {
		t.Fatalf("Len() = %d after removing the never entries", w.Len())
	}
}
