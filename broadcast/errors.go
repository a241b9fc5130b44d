package broadcast

import (
	"errors"
	"strconv"
)

// The errors of a channel. Their text is stable.
var (
	// ErrClosed is what a receiver gets once every sender handle is
	// closed and it has read every value still held for it, or once the
	// receiver itself is closed; and what Send returns on a closed handle.
	ErrClosed = errors.New("broadcast: channel closed")

	// ErrNoReceivers is what Send returns when no receiver is open: the
	// value is not kept, since nobody could ever read it.
	ErrNoReceivers = errors.New("broadcast: no receivers")

	// ErrEmpty is what TryRecv returns when the receiver has read every
	// value sent so far and some sender is still open.
	ErrEmpty = errors.New("broadcast: channel empty")

	// ErrLagged matches every *LaggedError with errors.Is, for callers that
	// need not know how many values were missed.
	ErrLagged = errors.New("broadcast: receiver lagged")
)

// LaggedError is what a receiver gets when it fell so far behind that the
// values it had not read were overwritten: Missed of them are lost to it.
// The receiver then goes on from the oldest value the channel still holds,
// so the next receive returns that value. Get it with errors.As; errors.Is
// matches it to ErrLagged.
//
// A LaggedError is made for each lag a receiver reports (one per run of
// overwritten values, not one per value), the only allocation of a receive.
type LaggedError struct {
	Missed uint64 // values overwritten before this receiver read them
}

// Error says how many values were missed:
// "broadcast: receiver lagged behind by 17 values".
func (e *LaggedError) Error() string {
	unit := " values"
	if e.Missed == 1 {
		unit = " value"
	}
	return "broadcast: receiver lagged behind by " + strconv.FormatUint(e.Missed, 10) + unit
}

// Is reports whether target is ErrLagged.
func (e *LaggedError) Is(target error) bool { return target == ErrLagged }
