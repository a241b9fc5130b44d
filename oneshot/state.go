package oneshot

import "strings"

// The state word of a channel. Each transition below is one atomic
// read-modify-write that returns the previous state; the caller acts on it.
//
//	bit   4         3         2            1            0
//	   +---------+---------+------------+------------+------------+
//	   | RX_DONE | TX_DONE | VALUE_SENT | TX_WAITING | RX_WAITING |
//	   +---------+---------+------------+------------+------------+
//
//	RX_WAITING  rxWaker holds the receiver's waker. While the bit is set,
//	            only the sender may read rxWaker, and only once its own
//	            transition has set TX_DONE; the receiver clears the bit
//	            (unless TX_DONE is set) before it writes rxWaker again.
//	TX_WAITING  txWaker holds the waker of the sender's Closed future.
//	            Mirror image: the receiver reads it once it has set
//	            RX_DONE; the sender clears the bit (unless RX_DONE is set)
//	            before it writes txWaker again.
//	VALUE_SENT  the value slot is written. Set together with TX_DONE, so
//	            the write is published by the same atomic operation.
//	TX_DONE     the sender sent or closed; it will not touch the channel
//	            again except to read rxWaker (see RX_WAITING).
//	RX_DONE     the receiver was cancelled or took the value. Send fails
//	            from now on; the Closed future is ready.
//
// Who owns the value slot: the sender until it sets TX_DONE, the receiver
// after it has seen TX_DONE.
const (
	rxWaiting uint32 = 1 << iota
	txWaiting
	valueSent
	txDone
	rxDone
)

// stateString names the bits of s, for panics and tests.
func stateString(s uint32) string {
	var names []string
	for i, name := range []string{"RX_WAITING", "TX_WAITING", "VALUE_SENT", "TX_DONE", "RX_DONE"} {
		if s&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "EMPTY"
	}
	return strings.Join(names, "|")
}

// transitionToSent publishes the value: it sets VALUE_SENT|TX_DONE unless
// the receiver is gone. ok is false if RX_DONE was set first; the value is
// then still the sender's to clear.
func (c *channel[T]) transitionToSent() (prev uint32, ok bool) {
	for {
		s := c.state.Load()
		if s&rxDone != 0 {
			return s, false
		}
		if c.state.CompareAndSwap(s, s|valueSent|txDone) {
			return s, true
		}
	}
}

// transitionToTxDone records that the sender closed without sending. ok is
// false if it had already sent or closed.
func (c *channel[T]) transitionToTxDone() (prev uint32, ok bool) {
	prev = c.state.Or(txDone)
	return prev, prev&txDone == 0
}

// transitionToRxDone records that the receiver is gone. The caller owns
// what prev says is left: the value if TX_DONE was set, rxWaker if
// RX_WAITING was set without TX_DONE, and txWaker if TX_WAITING was set.
func (c *channel[T]) transitionToRxDone() (prev uint32) {
	return c.state.Or(rxDone)
}

// setWaiting sets bit (RX_WAITING or TX_WAITING) after its waker was
// written. The caller looks at prev: if the other side finished before
// the bit was set, it did not see the waker, and the caller must not wait.
func (c *channel[T]) setWaiting(bit uint32) (prev uint32) {
	return c.state.Or(bit)
}

// clearWaiting clears bit (RX_WAITING or TX_WAITING) so that its owner may
// write the waker again, unless the other side has finished (done: TX_DONE
// for the receiver, RX_DONE for the sender), in which case that side may be
// reading the waker now and ok is false.
func (c *channel[T]) clearWaiting(bit, done uint32) (prev uint32, ok bool) {
	for {
		s := c.state.Load()
		if s&done != 0 {
			return s, false
		}
		if c.state.CompareAndSwap(s, s&^bit) {
			return s, true
		}
	}
}
