package watch

import "testing"

// queued reports whether r's waiter is in the channel's list.
func queued[T any](r *Receiver[T]) bool {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	return r.c.waiters.Contains(&r.w)
}

// checkIdle fails the test unless no receiver waits in c.
func checkIdle[T any](t *testing.T, c *channel[T]) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiters.Len() != 0 || !c.waiters.Empty() {
		t.Errorf("channel not idle: %d waiters", c.waiters.Len())
	}
}
