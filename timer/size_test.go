package timer

import (
	"testing"
	"unsafe"
)

// A million sleeping tasks each hold a SleepFuture: its size is part of
// what the timers benchmark's peak RSS is made of.
func TestSleepFutureSize(t *testing.T) {
	if got := unsafe.Sizeof(SleepFuture{}); got > 56 {
		t.Errorf("SleepFuture is %d bytes, want at most 56", got)
	}
}
