package procfs

import (
	"os"
	"testing"
)

// TestReadSelf reads this process's own CPU time from the real /proc,
// which only Linux has (the rest of the package's tests use a fake one).
func TestReadSelf(t *testing.T) {
	pid := os.Getpid()
	a, err := ReadCPU("/proc", pid)
	if err != nil {
		t.Fatal(err)
	}
	for x := 0; x < 1e7; x++ {
		_ = x * x
	}
	b, err := ReadCPU("/proc", pid)
	if err != nil {
		t.Fatal(err)
	}
	if b.Sub(a) < 0 {
		t.Errorf("CPU went backwards: %v", b.Sub(a))
	}
	if rss, err := ReadRSS("/proc", pid); err != nil || rss == 0 {
		t.Errorf("ReadRSS(self) = %d, %v", rss, err)
	}
}
