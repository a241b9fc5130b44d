package cancel

import "testing"

// hooksLen returns the number of entries in t's list: waiting futures,
// callbacks and children.
func (t *Token) hooksLen() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hooks.Len()
}

// checkEmpty fails the test unless nothing is left in t's list.
func checkEmpty(tb testing.TB, t *Token, what string) {
	tb.Helper()
	if n := t.hooksLen(); n != 0 {
		tb.Errorf("%s: %d entries left in the token's list; want 0", what, n)
	}
}
