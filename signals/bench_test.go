//go:build unix

package signals

import (
	"os"
	"syscall"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// The stream's own cost: a Recv waits, the forwarding step keeps a signal
// and wakes it, and the Recv takes it.
func BenchmarkRecv(b *testing.B) {
	s := Notify(syscall.SIGUSR1)
	defer s.Stop()
	var sig os.Signal = syscall.SIGUSR1
	cx := testfut.NewContext(async.NoopWaker())
	b.ReportAllocs()
	for b.Loop() {
		testfut.ResetBudget(cx)
		s.Recv().Poll(cx)
		s.deliver(sig)
		s.Recv().Poll(cx)
	}
}

// A real signal to the process itself, received by a plain goroutine:
// kill, the runtime's handler, os/signal, the stream's goroutine and the
// wake.
func BenchmarkKillRecv(b *testing.B) {
	s := Notify(syscall.SIGUSR1)
	defer s.Stop()
	pid := syscall.Getpid()
	b.ReportAllocs()
	for b.Loop() {
		if err := syscall.Kill(pid, syscall.SIGUSR1); err != nil {
			b.Fatal(err)
		}
		if _, err := s.RecvBlocking(); err != nil {
			b.Fatal(err)
		}
	}
}

// A stream made and stopped: the registration and its goroutine.
func BenchmarkNotifyStop(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Notify(syscall.SIGUSR1).Stop()
	}
}
