// Package oneshot is a channel for exactly one value, from one sender to
// one receiver: the reply of a request, the result of a job handed to a
// goroutine, the signal that something finished.
//
// New makes the pair in one allocation. The Sender puts the value in with
// Send, which never waits, or gives up with Close. The Receiver is itself
// the future of the value: a task awaits it, a plain goroutine calls
// RecvBlocking, and anyone may look with TryRecv. Either side may be a
// task or a plain goroutine, so oneshot is the usual bridge between the
// two worlds.
//
// # How data flows
//
// Everything the two sides share lives in one struct: a state word, the
// value slot, and one stored waker per side (see state.go for the word).
// Send writes the value, then publishes it by setting VALUE_SENT|TX_DONE
// in the state word with one compare-and-swap; if the receiver had stored a
// waker (RX_WAITING), Send wakes it. The receiver stores its waker, then
// sets RX_WAITING; whichever of the two steps comes second sees the other,
// so a wakeup is never lost. The sender's Closed future mirrors this with
// TX_WAITING, and is woken when the receiver goes away.
//
// # Why a state word and not a mutex
//
// A channel is used once, so either choice is fast enough; the state word
// wins on three counts. Send is one compare-and-swap and never waits for
// the other side, even when that side is a goroutine the Go scheduler has
// just descheduled; each stored waker has an owner named by a bit, so the
// rule "never call a waker while holding a lock" cannot be broken by a
// later edit; and the zero-contention cost is a single atomic operation
// where a mutex takes two. The price is the ownership protocol, spelled out
// beside each transition.
//
// # Errors
//
// Every failure is one of the sentinel errors of this package, compared
// with errors.Is: ErrSenderGone (the sender closed without sending),
// ErrReceiverGone (the receiver was cancelled, or already has the value),
// ErrEmpty (TryRecv found nothing yet) and ErrSenderUsed (a second Send).
package oneshot
