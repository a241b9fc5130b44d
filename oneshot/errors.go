package oneshot

import "errors"

// The errors of a oneshot channel. Their text is stable.
var (
	// ErrSenderGone is what the receiver gets when the sender closed
	// without sending a value.
	ErrSenderGone = errors.New("oneshot: sender closed without sending")

	// ErrReceiverGone is what Send returns when the receiver was
	// cancelled, and what the receiver gets when asked again after it has
	// taken the value or was cancelled.
	ErrReceiverGone = errors.New("oneshot: receiver gone")

	// ErrEmpty is what TryRecv returns while no value has been sent and
	// the sender is still open.
	ErrEmpty = errors.New("oneshot: no value sent yet")

	// ErrSenderUsed is what Send returns on a sender that has already sent
	// or was closed: a oneshot channel carries one value.
	ErrSenderUsed = errors.New("oneshot: sender already sent or closed")
)
