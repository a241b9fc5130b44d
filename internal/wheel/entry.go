package wheel

// Waker is what a timer wakes when it fires. Any type with a Wake method.
type Waker interface{ Wake() }

// Entry is one timer. The zero value is ready to use; the caller embeds it or
// allocates it, and must not copy it while it is in a wheel (the wheel's
// lists point at it).
//
// All fields but Waker belong to the wheel the entry is in and are guarded by
// whatever serializes that wheel's calls (in the runtime, the timer driver's
// mutex).
type Entry struct {
	// Waker is set by the caller before Insert. The wheel never calls it:
	// the caller wakes it after Poll returns the entry, and should do so
	// after releasing its lock, so a woken task that touches the timers
	// cannot deadlock against it.
	Waker Waker

	// prev and next link the entry into its slot's list. The list is
	// circular through prev only: the head's prev is the tail, which makes
	// appending O(1) without a tail pointer per slot; the tail's next is nil,
	// which ends a walk.
	prev, next *Entry

	// deadline is the tick the entry is due at, as given to Insert. It is
	// the real deadline also when the entry is clamped to the top level;
	// math.MaxUint64 on the never list.
	//
	// It is all the entry keeps of where it is: its level is levelFor of
	// the wheel's elapsed tick and the deadline (the wheel moves elapsed
	// only within the rotation of each busy level, before its busy slots,
	// so the level an entry was placed at stays the one levelFor gives
	// until the entry is cascaded), its slot is slotFor of the deadline and
	// that level, and it is pending iff it is on a list, that is iff prev is
	// set (see slotList). Nothing else keeps an entry at 40 bytes: a million
	// sleeping tasks each hold one. Like tokio's wheel, Remove recomputes
	// the slot from the deadline; the price is that Remove cannot tell an
	// entry of another wheel from one of its own, and the caller keeps them
	// apart.
	deadline uint64
}

// Deadline returns the deadline given to the last Insert, or math.MaxUint64
// after InsertNever.
func (e *Entry) Deadline() uint64 { return e.deadline }

// Pending reports whether e is in a wheel: inserted, and not yet returned by
// Poll or removed.
func (e *Entry) Pending() bool { return e.prev != nil }

// slotList is the head of one slot's list of entries; nil when empty. An
// entry on a list has prev set (the head's is the tail, itself when alone);
// one off every list has it nil, which is how Pending knows.
//
// Entries are appended and taken from the front, so a slot is FIFO, and
// because cascading walks a slot front to back and appends each entry to its
// new slot, entries due at the same tick come out of Poll in the order they
// were inserted.
type slotList struct{ head *Entry }

// push appends e to the list.
func (l *slotList) push(e *Entry) {
	e.next = nil
	if l.head == nil {
		e.prev = e
		l.head = e
		return
	}
	tail := l.head.prev
	tail.next = e
	e.prev = tail
	l.head.prev = e
}

// unlink removes e, which must be on the list, and clears its links.
func (l *slotList) unlink(e *Entry) {
	switch {
	case e == l.head:
		l.head = e.next
		if l.head != nil {
			l.head.prev = e.prev // the tail
		}
	case e.next == nil:
		// e is the tail but not the head: its predecessor becomes the tail.
		e.prev.next = nil
		l.head.prev = e.prev
	default:
		e.prev.next = e.next
		e.next.prev = e.prev
	}
	e.prev, e.next = nil, nil
}

// take empties the list and returns its former head; the entries stay linked
// through next, so the caller walks them and re-links each elsewhere.
func (l *slotList) take() *Entry {
	h := l.head
	l.head = nil
	return h
}
