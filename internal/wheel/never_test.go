package wheel

import (
	"math"
	"testing"
)

func TestInsertNever(t *testing.T) {
	var w Wheel
	var never, other [3]Entry
	for i := range never {
		w.InsertNever(&never[i])
		if !never[i].Pending() {
			t.Fatalf("entry %d not pending after InsertNever", i)
		}
	}
	if w.Len() != len(never) {
		t.Fatalf("Len() = %d with %d never entries", w.Len(), len(never))
	}
	if d, ok := w.NextDeadline(); ok {
		t.Fatalf("NextDeadline() = %d, true with only never entries", d)
	}
	checkInvariants(t, &w)

	// Entries with deadlines come and go around them, at the first levels
	// and the top one. (Not at math.MaxUint64: a Poll that far ahead walks
	// an entry beyond the wheel's range down one top-level span at a time,
	// hundreds of millions of steps, and the reactor never polls there.)
	far := uint64(3) << (slotBits * topLevel)
	deadlines := []uint64{5, 5000, far}
	for i, d := range deadlines {
		w.Insert(&other[i], d)
	}
	if d, ok := w.NextDeadline(); !ok || d != 5 {
		t.Fatalf("NextDeadline() = %d, %v; want 5, true", d, ok)
	}
	checkInvariants(t, &w)
	got := drain(&w, far)
	if len(got) != len(deadlines) {
		t.Fatalf("Poll(far) returned %d entries, want the %d with deadlines", len(got), len(deadlines))
	}
	for _, e := range got {
		if e.deadline == math.MaxUint64 {
			t.Fatal("Poll returned a never entry")
		}
	}
	if w.Len() != len(never) {
		t.Fatalf("Len() = %d after the drain, want %d", w.Len(), len(never))
	}
	checkInvariants(t, &w)

	// Remove takes never entries out from the middle, the tail and the head.
	for _, i := range []int{1, 2, 0} {
		w.Remove(&never[i])
		if never[i].Pending() {
			t.Fatalf("never entry %d pending after Remove", i)
		}
		checkInvariants(t, &w)
	}
	if w.Len() != 0 {
		t.Fatalf("Len() = %d after removing everything", w.Len())
	}

	// A removed never entry can be inserted with a deadline, and back.
	var w2 Wheel
	w2.InsertNever(&never[0])
	w2.Remove(&never[0])
	if !w2.Insert(&never[0], 10) {
		t.Fatal("Insert after InsertNever and Remove refused")
	}
	if e := w2.Poll(10); e != &never[0] {
		t.Fatal("an entry that was a never entry did not fire at its deadline")
	}
	w2.InsertNever(&never[0])
	checkInvariants(t, &w2)
	w2.Remove(&never[0])

	mustPanic(t, "InsertNever of a pending entry", func() {
		var w Wheel
		var e Entry
		w.Insert(&e, 10)
		w.InsertNever(&e)
	})
	mustPanic(t, "Insert of a never entry", func() {
		var w Wheel
		var e Entry
		w.InsertNever(&e)
		w.Insert(&e, 10)
	})
}
