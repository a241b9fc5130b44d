//go:build unix

package signals

import (
	"os"
	"syscall"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// Receiving allocates nothing: a Recv that waits, is woken by a signal and
// takes it, and one given up.
func TestRecvAllocatesNothing(t *testing.T) {
	s := Notify(syscall.SIGUSR1)
	defer s.Stop()
	var sig os.Signal = syscall.SIGUSR1
	cx := testfut.NewContext(async.NoopWaker())
	allocs := testing.AllocsPerRun(1000, func() {
		testfut.ResetBudget(cx)
		if _, ok := s.Recv().Poll(cx); ok {
			t.Fatal("Recv with nothing pending is ready")
		}
		s.deliver(sig)
		if r, ok := s.Recv().Poll(cx); !ok || r.Value != sig {
			t.Fatalf("Recv = %+v, %v", r, ok)
		}
		s.Recv().Poll(cx)
		s.Recv().Cancel()
	})
	if allocs != 0 {
		t.Errorf("receiving allocated %v times per round; want 0", allocs)
	}
}
