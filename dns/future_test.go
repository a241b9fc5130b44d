package dns

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// countWaker counts its wakes.
type countWaker struct{ n atomic.Int32 }

func (w *countWaker) Wake() { w.n.Add(1) }

func poll[T any](f async.Future[T], w async.Waker) (T, bool) {
	cx := testfut.NewContext(w)
	return f.Poll(cx)
}

// waitFor waits, within a generous bound, for cond to hold.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// A goroutine that finishes before the first Poll has even returned still
// wakes the waker that Poll stored.
func TestBlockingFinishesBeforePollReturns(t *testing.T) {
	for range 100 {
		var w countWaker
		f := newBlockingFuture(func(context.Context) (int, error) { return 7, nil })
		if _, ok := poll[async.Result[int]](f, &w); ok {
			t.Fatal("ready on the first poll")
		}
		waitFor(t, "the wake", func() bool { return w.n.Load() == 1 })
		if r, ok := poll[async.Result[int]](f, &w); !ok || r.Value != 7 {
			t.Fatalf("after the wake: %v, %v", r, ok)
		}
	}
}

// The goroutine wakes the waker of the latest poll, not an earlier one.
func TestBlockingWakesLatestWaker(t *testing.T) {
	release := make(chan struct{})
	f := newBlockingFuture(func(context.Context) (int, error) { <-release; return 1, nil })
	var first, second countWaker
	poll[async.Result[int]](f, &first)
	poll[async.Result[int]](f, &second)
	close(release)
	waitFor(t, "the wake", func() bool { return second.n.Load() == 1 })
	if first.n.Load() != 0 {
		t.Fatal("the first waker was woken too")
	}
}

// Cancel cancels the context and wakes nobody.
func TestBlockingCancel(t *testing.T) {
	ended := make(chan struct{})
	f := newBlockingFuture(func(ctx context.Context) (int, error) {
		defer close(ended)
		<-ctx.Done()
		return 0, ctx.Err()
	})
	var w countWaker
	poll[async.Result[int]](f, &w)
	f.Cancel()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the goroutine did not see the cancel")
	}
	// Once finished is set the goroutine has chosen whom to wake.
	waitFor(t, "the goroutine's end", func() bool {
		f.st.mu.Lock()
		defer f.st.mu.Unlock()
		return f.st.finished
	})
	if w.n.Load() != 0 {
		t.Fatal("a cancelled future woke its waker")
	}
}

// A future never polled starts nothing, and may be cancelled.
func TestBlockingNeverPolled(t *testing.T) {
	f := newBlockingFuture(func(context.Context) (int, error) { panic("dns test: ran") })
	f.Cancel()
}
