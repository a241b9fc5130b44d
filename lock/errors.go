package lock

import "errors"

// ErrClosed is what an Acquire of a closed Semaphore reports: the permits
// were not acquired, and no acquire will succeed again. Its text is stable.
var ErrClosed = errors.New("lock: semaphore closed")
