package testfut

import (
	"sync"
	"testing"

	"github.com/asyncgo/async/task"
)

func TestWakerCountsFromManyGoroutines(t *testing.T) {
	var w Waker
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				w.Wake()
			}
		})
	}
	wg.Wait()
	if w.Wakes() != 800 {
		t.Errorf("Wakes() = %d, want 800", w.Wakes())
	}
}

func TestNewContext(t *testing.T) {
	var w Waker
	cx := NewContext(&w)
	if cx.Waker() != &w {
		t.Errorf("Waker() = %v, want %v", cx.Waker(), &w)
	}
	if cx.Reactor() != nil || (*task.Context)(cx).Spawner() != nil {
		t.Error("NewContext gave a runtime to a context that should have none")
	}
}
