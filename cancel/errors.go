package cancel

import "errors"

// ErrCancelled is the error of a future that WithToken stopped because
// its token was cancelled, and the cause (see context.Cause) of a context
// made by Token.Context that the token cancelled. Its text is stable.
var ErrCancelled = errors.New("cancel: cancelled")
