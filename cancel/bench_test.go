package cancel

import (
	"context"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// A task waits on a live token and gives up: poll (join the list) and
// Cancel (leave it).
func BenchmarkWait(b *testing.B) {
	tok := New()
	f := tok.Cancelled()
	cx := testfut.NewContext(async.NoopWaker())
	b.ReportAllocs()
	for b.Loop() {
		testfut.ResetBudget(cx)
		f.Poll(cx)
		f.Cancel()
	}
}

// A task polls a future it keeps, waiting on a live token: the waker is
// already listed, and is replaced.
func BenchmarkWaitPollAgain(b *testing.B) {
	tok := New()
	f := tok.Cancelled()
	cx := testfut.NewContext(async.NoopWaker())
	f.Poll(cx)
	b.ReportAllocs()
	for b.Loop() {
		testfut.ResetBudget(cx)
		f.Poll(cx)
	}
	f.Cancel()
}

// The poll of a cancelled token's future: the flag, no lock.
func BenchmarkWaitCancelled(b *testing.B) {
	tok := New()
	tok.Cancel()
	f := tok.Cancelled()
	cx := testfut.NewContext(async.NoopWaker())
	b.ReportAllocs()
	for b.Loop() {
		testfut.ResetBudget(cx)
		f.Poll(cx)
	}
}

// Cancel wakes 100 waiting futures, which then find it ready; one op is a
// new token, 100 waits, the Cancel and 100 ready polls.
func BenchmarkCancelWakes100(b *testing.B) {
	fs := make([]CancelledFuture, 100)
	cx := testfut.NewContext(async.NoopWaker())
	b.ReportAllocs()
	for b.Loop() {
		wakeAll(New(), fs, cx)
	}
}

// The same shape with Go's context: 100 goroutine-style waits by
// context.AfterFunc on a context that is then cancelled.
func BenchmarkContextCancel100AfterFuncs(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ctx, cancelCtx := context.WithCancel(context.Background())
		for range 100 {
			context.AfterFunc(ctx, func() {})
		}
		cancelCtx()
	}
}

// A child made and released, as for each request of a connection.
func BenchmarkChild(b *testing.B) {
	root := New()
	b.ReportAllocs()
	for b.Loop() {
		root.Child().Cancel()
	}
}

// A context of a token made and released.
func BenchmarkTokenContext(b *testing.B) {
	tok := New()
	b.ReportAllocs()
	for b.Loop() {
		_, stop := tok.Context(context.Background())
		stop()
	}
}
