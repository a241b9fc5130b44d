package async

import (
	"testing"
	"unsafe"
)

// A task spawned with SpawnValue is its header, its output and its future
// in one allocation: a 64-byte future with no output fills a 128-byte size
// class, as the asyncbench timers shape's sleepers do; Spawn's task, which
// holds the future as an interface, is 80 bytes.
func TestCellSize(t *testing.T) {
	if got := unsafe.Sizeof(cell[struct{}]{}); got != 80 {
		t.Errorf("cell of Spawn is %d bytes, want 80", got)
	}
	if got := unsafe.Sizeof(valueCell[struct{}, fut64, *fut64]{}); got != 128 {
		t.Errorf("cell of a 64-byte future is %d bytes, want 128", got)
	}
}

type fut64 struct{ _ [8]uintptr }

func (*fut64) Poll(*Context) (struct{}, bool) { return struct{}{}, true }
func (*fut64) Cancel()                        {}
