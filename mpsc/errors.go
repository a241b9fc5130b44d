package mpsc

import "errors"

// The errors of a channel. Their text is stable.
var (
	// ErrClosed is what the receiver gets once every sender handle is
	// closed (or the receiver itself closed) and the buffer is drained:
	// the end of the stream.
	ErrClosed = errors.New("mpsc: channel closed")

	// ErrReceiverGone is what a send returns when the receiver was
	// closed; the value was not delivered.
	ErrReceiverGone = errors.New("mpsc: receiver gone")

	// ErrSenderClosed is what a send returns on a handle that was closed.
	ErrSenderClosed = errors.New("mpsc: send on a closed sender")

	// ErrFull is what TrySend returns when the buffer of a bounded channel
	// has no room.
	ErrFull = errors.New("mpsc: channel full")

	// ErrEmpty is what TryRecv returns when no value is buffered and some
	// sender is still open.
	ErrEmpty = errors.New("mpsc: channel empty")
)
