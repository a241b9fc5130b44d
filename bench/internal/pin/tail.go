package pin

import (
	"bytes"
	"strings"
	"sync"
)

// Tail keeps the last bytes written to it, for error messages.
type Tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// NewTail returns a Tail that keeps max bytes.
func NewTail(max int) *Tail { return &Tail{max: max} }

// Write keeps the newest t.max bytes of everything written.
func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// Bytes returns a copy of the kept bytes.
func (t *Tail) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.buf)
}

// String returns the kept bytes on one line, or "(empty)".
func (t *Tail) String() string {
	s := strings.Join(strings.Fields(string(t.Bytes())), " ")
	if s == "" {
		return "(empty)"
	}
	return s
}
