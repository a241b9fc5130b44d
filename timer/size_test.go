package timer

import (
	"testing"
	"unsafe"
)

// A million sleeping tasks each hold a Timer: its size is part of
// what the timers benchmark's peak RSS is made of.
func TestTimerSize(t *testing.T) {
	if got := unsafe.Sizeof(Timer{}); got > 56 {
		t.Errorf("Timer is %d bytes, want at most 56", got)
	}
}
