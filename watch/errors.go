package watch

import "errors"

// The errors of a watch channel. Their text is stable.
var (
	// ErrClosed is what Changed returns once the sender is closed and the
	// receiver has seen the last value, or once the receiver itself is
	// closed; and what Send returns after the sender's Close.
	ErrClosed = errors.New("watch: channel closed")

	// ErrNoReceivers is what Send returns when every receiver is closed:
	// the value is not stored (Swap stores it regardless).
	ErrNoReceivers = errors.New("watch: no receivers")
)
