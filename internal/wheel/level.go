package wheel

import "math/bits"

// The shape of the wheel. A tick is written in base 64: digit k of a tick
// (bits 6k..6k+5) is the slot it falls in at level k. Every quantity below is
// a power of two so that all index math is shifts and masks.
const (
	// slotBits is log2 of the slots per level. 64 slots make a level's
	// occupied set exactly one uint64, so finding the next busy slot is one
	// rotate and one count of trailing zeros.
	slotBits = 6
	numSlots = 1 << slotBits
	slotMask = numSlots - 1

	// numLevels is enough levels to cover 64^6 ticks = 2^36 ms, about 2.2
	// years at the runtime's 1 ms tick. Farther deadlines are rare enough that
	// one extra cascade per 2.2 years is the cheaper way to serve them than a
	// seventh level.
	numLevels = 6
	topLevel  = numLevels - 1

	// span is how far past the wheel's elapsed tick the levels reach.
	// Deadlines at or beyond elapsed+span are clamped to the top level (see
	// levelFor).
	span = 1 << (slotBits * numLevels)
)

// slotTicks is the number of ticks one slot of level covers: 64^level.
func slotTicks(level int) uint64 { return 1 << (slotBits * level) }

// levelTicks is the number of ticks a whole level covers: 64^(level+1).
func levelTicks(level int) uint64 { return 1 << (slotBits * (level + 1)) }

// slotFor returns the slot of level that tick falls in: its level'th base-64
// digit. It is used both for where an entry goes (tick = its deadline) and
// for where the wheel stands (tick = elapsed).
func slotFor(tick uint64, level int) int {
	return int(tick>>(slotBits*level)) & slotMask
}

// levelFor returns the level an entry due at deadline goes in when the wheel
// has advanced to elapsed (deadline >= elapsed): the level of the highest
// base-64 digit in which the two differ. Below that digit the deadline
// shares nothing with elapsed that a coarser slot would need, and above it
// they agree, so the entry sits in the current rotation of that level, in a
// slot after elapsed's own. ORing in slotMask sends deadline == elapsed and
// every deadline differing only in digit 0 to level 0.
//
// A deadline that differs from elapsed above the top level's digit (it is
// not in the top level's current rotation) is clamped to the top level. Its
// slot there is still its own top digit, so the top level works as a ring:
// a slot at or behind elapsed's top digit stands for its next rotation (see
// slotExpiry), which starts no later than the deadline. When the slot comes
// due the entry is placed again from its real deadline; if still too far it
// goes round once more, else it drops to a lower level. It never fires early
// because only level 0 fires, and level 0 holds only deadlines in the
// current 64 ticks.
func levelFor(elapsed, deadline uint64) int {
	masked := (elapsed ^ deadline) | slotMask
	if masked >= span {
		masked = span - 1
	}
	return (bits.Len64(masked) - 1) / slotBits
}

// firstSlot returns the first slot of level that may hold an entry due no
// earlier than the wheel's position: the search for the next busy slot
// starts there and wraps.
//
// Below the top level that is elapsed's own slot. Normal placement puts an
// entry in a later slot, but an entry the wheel has caught up with (only at
// level 0, whose current slot holds entries due now) must be found first.
// At the top level elapsed's own slot is searched last: anything in it is
// a clamped entry waiting for the next rotation, because entries in the
// current rotation sit in later slots and a slot whose start the wheel
// reaches is emptied in the same step.
func firstSlot(elapsed uint64, level int) int {
	s := slotFor(elapsed, level)
	if level == topLevel {
		s = (s + 1) & slotMask
	}
	return s
}

// nextSlot returns the first slot set in occupied at or after from, wrapping
// past 63 to 0, and false if occupied is empty. Rotating the set right by
// from moves slot from to bit 0, so the trailing zero count is the distance.
func nextSlot(occupied uint64, from int) (int, bool) {
	if occupied == 0 {
		return 0, false
	}
	dist := bits.TrailingZeros64(bits.RotateLeft64(occupied, -from))
	return (from + dist) & slotMask, true
}

// slotExpiry returns the tick at which slot of level must be processed: the
// first start of that slot not before the wheel's position. For a slot after
// elapsed's own it is in the current rotation; for one behind it (only at
// the top level, see firstSlot) it is in the next rotation. At level 0 the
// result is the exact deadline of every entry in the slot.
//
// No overflow: the result is never later than the deadline of an entry in
// the slot, and deadlines are uint64.
func slotExpiry(elapsed uint64, level, slot int) uint64 {
	start := elapsed&^(levelTicks(level)-1) + uint64(slot)*slotTicks(level)
	cur := slotFor(elapsed, level)
	if slot < cur || (level == topLevel && slot == cur) {
		start += levelTicks(level)
	}
	return start
}
