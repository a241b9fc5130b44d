package signals

import "errors"

// ErrStopped is what Recv returns once the stream is stopped. Its text is
// stable.
var ErrStopped = errors.New("signals: stream stopped")
