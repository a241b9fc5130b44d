//go:build unix

package signals

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// The tests send signals to their own process, only while a stream is
// registered for them, and only SIGUSR1, SIGUSR2 and SIGHUP: never SIGINT,
// SIGTERM or SIGKILL. SIGUSR1 and SIGUSR2 are caught and ignored by a Go
// program that does not ask for them, so one that arrives late, after its
// stream stopped, does no harm; SIGHUP would end the test binary, so a
// test that sends it waits to receive it before stopping.

// kill sends sig to the test process.
func kill(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
		t.Errorf("kill %v: %v", sig, err) // not Fatal: kill may run on a goroutine of the test
	}
}

// waiting reports whether a receiver's waker is stored in s.
func (s *Stream) waiting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waker != nil
}

// pendingLen returns the number of signals kept in s.
func (s *Stream) pendingLen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending.n
}

// checkStopped fails the test unless s is stopped, its goroutine ended and
// nothing is left in it.
func checkStopped(t *testing.T, s *Stream) {
	t.Helper()
	select {
	case <-s.exited:
	default:
		t.Error("the stream's goroutine is still running")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopped || s.waker != nil || s.pending.n != 0 {
		t.Errorf("stream: stopped %v, waker %v, %d pending; want stopped and empty", s.stopped, s.waker, s.pending.n)
	}
}

// eventually waits until cond holds, for a signal on its way through the
// kernel, the runtime and os/signal, or gives up after a generous while so
// that the caller's check reports it.
func eventually(cond func() bool) {
	deadline := time.Now().Add(10 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		runtime.Gosched()
	}
}
