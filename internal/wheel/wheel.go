package wheel

import "math"

// Wheel is a hierarchical timing wheel of 6 levels of 64 slots. The zero
// value is an empty wheel at tick 0. It must not be copied after first use.
//
// A Wheel is not safe for concurrent use: the caller serializes every call
// (the runtime's timer driver holds its mutex around each).
type Wheel struct {
	// elapsed is the tick the wheel has advanced to. Every pending entry is
	// due after it, except level 0 entries in elapsed's own slot, which are
	// due exactly at elapsed and are what Poll returns next.
	elapsed uint64

	// n is the number of pending entries.
	n int

	levels [numLevels]level

	// never holds the entries of InsertNever. It is no level: next never
	// looks at it, so its entries are pending and counted in n, but never
	// due.
	never slotList
}

// level is one ring of 64 slots.
type level struct {
	// occupied has bit i set iff slots[i] is non-empty. It is the only thing
	// NextDeadline and Poll look at to find work, so it must be updated with
	// every list that becomes empty or non-empty.
	occupied uint64
	slots    [numSlots]slotList
}

// Elapsed returns the tick the wheel has advanced to.
func (w *Wheel) Elapsed() uint64 { return w.elapsed }

// Len returns the number of entries in the wheel.
func (w *Wheel) Len() int { return w.n }

// Insert adds e to the wheel, due at deadline, and reports true. If the
// deadline is not after Elapsed() the entry is already due: Insert records
// the deadline, leaves e out of the wheel and reports false, and the caller
// fires it itself. A deadline beyond the wheel's span (64^6 ticks) is
// accepted; it is held in the top level and never fires early. The last
// tick, math.MaxUint64, is the never list's deadline (see Entry): an entry
// due then is inserted as by InsertNever, and never comes due.
//
// Insert panics if e is already pending: the caller must Remove it first.
func (w *Wheel) Insert(e *Entry, deadline uint64) bool {
	if deadline == math.MaxUint64 && deadline > w.elapsed {
		// The last tick is where the never list keeps its deadlines; an
		// entry due then can only be polled at that very tick, so holding
		// it as never due changes nothing a caller can see short of it.
		w.InsertNever(e)
		return true
	}
	if e.Pending() {
		panic("wheel: Insert of an entry that is already pending")
	}
	e.deadline = deadline
	if deadline <= w.elapsed {
		return false
	}
	w.place(e)
	w.n++
	return true
}

// InsertNever adds e to the wheel as pending but never due: Len counts it
// and Remove takes it out, but NextDeadline and Poll never see it. It holds
// a timer whose deadline lies beyond the caller's clock, where no tick the
// caller polls at could ever reach it, so a caller that sleeps until
// NextDeadline does not wake, nor a caller that jumps to it jump, for it.
// e's Deadline becomes math.MaxUint64.
//
// InsertNever panics if e is already pending: the caller must Remove it first.
func (w *Wheel) InsertNever(e *Entry) {
	if e.Pending() {
		panic("wheel: InsertNever of an entry that is already pending")
	}
	e.deadline = math.MaxUint64
	w.never.push(e)
	w.n++
}

// Remove takes e out of the wheel in O(1). It does nothing if e is not
// pending. e must not be pending in another wheel.
func (w *Wheel) Remove(e *Entry) {
	if !e.Pending() {
		return
	}
	if e.deadline == math.MaxUint64 {
		w.never.unlink(e)
	} else {
		w.unlink(e)
	}
	w.n--
}

// NextDeadline returns the tick at which Poll must next be called to make
// progress, and false if the wheel is empty. For an entry at level 0 it is
// the entry's deadline; for one at a higher level it is the start of the
// entry's slot, no later than its deadline, when the slot must cascade. It
// is at or after Elapsed(), and equal to it only while Poll still has due
// entries to return. The cost is a few bit operations per level.
func (w *Wheel) NextDeadline() (uint64, bool) {
	_, _, t, ok := w.next()
	return t, ok
}

// Poll returns one entry whose deadline is <= now, taken out of the wheel,
// or nil when none is due. It advances Elapsed() as it goes, to the tick of
// each slot it processes and to now when nothing more is due; never beyond
// now, and never backwards (a now before Elapsed() is treated as Elapsed()).
// Higher-level slots whose time has come are cascaded into lower levels on
// the way. Callers loop until nil:
//
//	for e := w.Poll(now); e != nil; e = w.Poll(now) { fire(e) }
//
// Every entry due by now comes out of that loop, each once. When nothing is
// due Poll costs a few bit operations per level.
func (w *Wheel) Poll(now uint64) *Entry {
	for {
		lvl, slot, t, ok := w.next()
		if !ok || t > now {
			// Nothing is due by now. Moving elapsed up to now keeps every
			// entry where it is valid: the first busy slot of each level
			// starts after now, so now is still in the same rotation of
			// each busy level, before those slots.
			if now > w.elapsed {
				w.elapsed = now
			}
			return nil
		}
		// Processing in expiry order, so t >= elapsed: lower levels come
		// first (see next) and within a level slots are visited by time.
		w.elapsed = t
		l := &w.levels[lvl]
		if lvl == 0 {
			// Every entry in a level 0 slot is due exactly at t. Hand out
			// one; the rest stay in the slot and the next call finds them at
			// the same tick.
			e := l.slots[slot].head
			w.unlink(e)
			w.n--
			return e
		}
		w.cascade(lvl, slot)
	}
}

// next finds the slot Poll must process next: its level, slot, and the tick
// it is due. It looks only at the lowest level with any entry, because that
// level's first busy slot is due before any slot of the levels above: the
// entries of level k all lie in elapsed's current rotation of level k, which
// ends no later than the first slot after elapsed's at level k+1 begins.
// Clamped top-level entries do not break this; they are in the top level.
func (w *Wheel) next() (lvl, slot int, t uint64, ok bool) {
	for lvl = range numLevels {
		occ := w.levels[lvl].occupied
		if occ == 0 {
			continue
		}
		slot, _ = nextSlot(occ, firstSlot(w.elapsed, lvl))
		return lvl, slot, slotExpiry(w.elapsed, lvl, slot), true
	}
	return 0, 0, 0, false
}

// cascade empties slot of level lvl > 0, which starts at elapsed, and places
// each of its entries again from its deadline. Each lands in a lower level
// (its deadline shares elapsed's digits from lvl up) or, if it was clamped
// and is still out of reach, in the same top-level slot for the next
// rotation. An entry due exactly at elapsed lands in level 0's current slot,
// and Poll returns it before anything later. Every entry moves down at most
// numLevels-1 times, so cascading is amortized O(1) per entry, plus one move
// per 64^6 ticks for a clamped one.
func (w *Wheel) cascade(lvl, slot int) {
	l := &w.levels[lvl]
	e := l.slots[slot].take()
	l.occupied &^= 1 << slot
	for e != nil {
		next := e.next
		w.place(e)
		e = next
	}
}

// place appends e to the slot its deadline selects from elapsed; the
// deadline must be >= elapsed.
func (w *Wheel) place(e *Entry) {
	lvl := levelFor(w.elapsed, e.deadline)
	slot := slotFor(e.deadline, lvl)
	l := &w.levels[lvl]
	l.slots[slot].push(e)
	l.occupied |= 1 << slot
}

// unlink takes pending e off its slot's list, which leaves it not pending,
// and clears the slot's occupied bit if the list became empty. e must be in
// a level, not on the never list.
func (w *Wheel) unlink(e *Entry) {
	lvl, slot := w.locate(e)
	l := &w.levels[lvl]
	s := &l.slots[slot]
	s.unlink(e)
	if s.head == nil {
		l.occupied &^= 1 << slot
	}
}

// locate returns the level and slot of pending e, which is in a level: the
// ones place chose, recomputed from its deadline (see Entry.deadline).
func (w *Wheel) locate(e *Entry) (lvl, slot int) {
	lvl = levelFor(w.elapsed, e.deadline)
	return lvl, slotFor(e.deadline, lvl)
}
