package group

import "errors"

// ErrEmpty is what Next reports when the set holds no task: every task
// spawned into it has been reported, or none was spawned. Its text is
// stable.
var ErrEmpty = errors.New("group: set is empty")
