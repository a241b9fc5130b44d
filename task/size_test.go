package task

import (
	"testing"
	"unsafe"
)

// A million sleeping tasks each have a header: its size is part of what
// the asyncbench timers shape's peak RSS is made of. 64 bytes and a
// 64-byte future fill a 128-byte size class.
func TestTaskSize(t *testing.T) {
	if got := unsafe.Sizeof(Task{}); got > 64 {
		t.Errorf("Task is %d bytes, want at most 64", got)
	}
}

// notHeaded is a Body whose Task is not its first field.
type notHeaded struct {
	_ int
	Task
}

func (*notHeaded) Poll(*Context) (bool, error) { return true, nil }
func (*notHeaded) Cancel()                     {}

// Init takes only a Body that its Task heads: that is what lets the Task
// keep the Body in one word.
func TestInitBodyNotHeaded(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Init with a Body that the Task does not head did not panic")
		}
	}()
	b := &notHeaded{}
	b.Init(b)
}
