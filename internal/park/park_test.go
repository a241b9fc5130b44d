package park

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A wake that comes before Wait is kept, and wakes in a row count once.
func TestWakeBeforeWaitIsKept(t *testing.T) {
	w := New()
	w.Wake()
	w.Wake() // never blocks, though a wake is pending
	w.Wait()
	select {
	case <-w:
		t.Fatal("park: two wakes before a Wait left two pending")
	default:
	}
}

// Wait returns once another goroutine wakes it.
func TestWakeFromAnotherGoroutine(t *testing.T) {
	w := New()
	done := make(chan struct{})
	go func() {
		w.Wait()
		close(done)
	}()
	w.Wake()
	<-done
}
