// Package wheel is a hierarchical timing wheel: the data structure under the
// runtime's timers, shaped like tokio's runtime/time/wheel. It is pure logic:
// no goroutines, no locks, no clock. Time is a uint64 count of ticks that the
// caller maps from real time (1 tick = 1 ms in the runtime). Its one caller
// is the runtime's timer driver in package reactor, which holds its mutex
// around every call, inserts and removes entries as timers are armed and
// dropped, sleeps until NextDeadline, and then loops over Poll to collect
// the due entries, waking their Wakers after it has released the mutex.
//
// # Levels and slots
//
// The wheel has 6 levels of 64 slots. A slot of level k covers 64^k ticks,
// so a whole level covers 64^(k+1) and the wheel reaches 64^6 = 2^36 ticks
// (about 2.2 years of milliseconds) past the tick it has advanced to,
// Elapsed(). Read a tick in base 64: its digit k is its slot at level k.
//
//	level 5  | 0 | 1 | 2 | ... | 63 |  slot = 64^5 ticks   level = 64^6
//	level 4  | 0 | 1 | 2 | ... | 63 |  slot = 64^4 ticks   level = 64^5
//	  ...
//	level 1  | 0 | 1 | 2 | ... | 63 |  slot = 64 ticks     level = 4,096
//	level 0  | 0 | 1 | 2 | ... | 63 |  slot = 1 tick       level = 64
//	                   |
//	                   +--> e <-> e <-> e     one intrusive list per slot
//
//	occupied (one uint64 per level): bit i set iff slot i's list is non-empty
//
// An entry goes in the level of the highest base-64 digit in which its
// deadline differs from Elapsed(), in the slot named by that digit of the
// deadline. With Elapsed() = 100 (digits 1,36), a deadline of 120 (1,56)
// goes to level 0 slot 56, and 300 (4,44) goes to level 1 slot 4. So a
// level 0 slot holds entries due at exactly one tick, and a higher slot
// holds entries whose deadline lies somewhere in its range.
//
// Each entry is linked into its slot's list through pointers in the Entry
// itself, which the caller allocates (usually inside its own timer), so
// Insert and Remove are O(1) and nothing in the wheel allocates.
//
// # Finding the next deadline
//
// The wheel never scans entries or empty slots to find work. Each level's
// occupied bitmap, rotated so that the wheel's current slot is bit 0, gives
// the next busy slot by counting trailing zeros. The lowest level with any
// entry holds the earliest one, so NextDeadline is a few bit operations per
// level. It is exact for a level 0 entry; for a higher one it is the start
// of the entry's slot, which is when the slot must cascade.
//
// # Cascading
//
// Poll(now) processes busy slots in time order while their start is <= now,
// setting Elapsed() to each slot's start as it goes. A level 0 slot is due:
// Poll hands its entries out one per call. A higher slot is cascaded: its
// entries are placed again from Elapsed(), which now shares their higher
// digits, so each lands in a lower level (an entry due exactly then lands in
// level 0's current slot and comes out next). An entry moves down at most
// five times, so the cost is amortized O(1) per entry.
//
// # Clamping far deadlines
//
// A deadline 64^6 ticks or more past Elapsed() (more precisely, one outside
// the top level's current rotation) does not fit, so it is clamped to the top
// level, in the slot of its own top digit, while the entry keeps its real
// deadline. The top level then works as a ring: a busy slot at or behind the
// wheel's current top slot stands for its start in the next rotation, which
// is no later than the deadline. When that slot cascades the entry is placed
// again from its real deadline: still too far, it waits one more rotation;
// in reach, it drops to a lower level. Only level 0 fires, so a clamped entry
// never fires early.
//
// # Deadlines that never come
//
// A clamped entry still comes due, once the wheel is polled at its deadline;
// the caller may have deadlines that no tick it will ever poll at reaches
// (the runtime's clock ends 292 years after it starts). InsertNever holds
// such an entry on a list of its own, outside the levels: it is pending,
// counted by Len and taken out by Remove like any other, but NextDeadline
// and Poll never see it, so it never makes the caller wake or jump ahead.
package wheel
