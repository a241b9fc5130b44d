package cancel

import (
	"errors"
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
)

// Tasks wait on a token and on its children; a task cancels the root and
// every one of them wakes.
func TestTasksWaitOnTokenTree(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		root := New()
		kids := []*Token{root, root.Child(), root.Child()}
		kids = append(kids, kids[1].Child())
		const perToken = 5
		tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[struct{}]
			for _, k := range kids {
				for range perToken {
					hs = append(hs, async.Spawn(co.Context(), async.Future[struct{}](k.Cancelled())))
				}
			}
			tasktest.WaitFor(co, func() bool { return root.hooksLen() == 2+perToken })
			root.Cancel()
			for _, h := range hs {
				if r := async.Await(co, async.Future[async.Result[struct{}]](h)); r.Err != nil {
					t.Errorf("waiting task: %v", r.Err)
				}
			}
			return struct{}{}
		}))
		for i, k := range kids {
			checkEmpty(t, k, "token")
			if !k.IsCancelled() {
				t.Errorf("token %d not cancelled", i)
			}
		}
	})
}

// A plain goroutine cancels the token that tasks wait on; plain goroutines
// wait on Done beside them.
func TestGoroutineCancelsTasks(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tok := New()
		child := tok.Child()
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() { <-child.Done() })
		}
		tasktest.RunLive(t, x, async.Go(func(co *async.Co) struct{} {
			h := async.Spawn(co.Context(), async.Future[struct{}](child.Cancelled()))
			tasktest.WaitFor(co, func() bool { return child.hooksLen() == 1 })
			go tok.Cancel()
			async.Await(co, async.Future[async.Result[struct{}]](h))
			async.Await(co, async.Future[struct{}](tok.Cancelled()))
			return struct{}{}
		}))
		wg.Wait()
	})
}

func TestWithTokenValue(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tok := New()
		r := tasktest.Run(t, x, WithTokenValue(tok, async.Ready(7)))
		if r.Value != 7 || r.Err != nil {
			t.Fatalf("WithToken = %+v; want 7", r)
		}
		checkEmpty(t, tok, "token")
	})
}

// The token fires first: the inner future is cancelled, so it releases
// what it holds, and the result is ErrCancelled.
func TestWithTokenCancelsInner(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tok := New()
		inner := testfut.New[int]()
		r := tasktest.Run(t, x, async.Go(func(co *async.Co) async.Result[int] {
			h := async.Spawn(co.Context(), WithTokenValue(tok, async.Future[int](inner)))
			tasktest.WaitFor(co, func() bool { return tok.hooksLen() == 1 && inner.Polls() > 0 })
			tok.Cancel()
			return async.Await(co, async.Future[async.Result[async.Result[int]]](h)).Value
		}))
		if !errors.Is(r.Err, ErrCancelled) {
			t.Fatalf("WithToken = %+v; want ErrCancelled", r)
		}
		testfut.AssertCancelled(t, inner)
		testfut.AssertClean(t, inner)
		checkEmpty(t, tok, "token")
	})
}

// On a token cancelled before the first poll, the inner future is
// cancelled without being polled.
func TestWithTokenCancelledBefore(t *testing.T) {
	tok := New()
	tok.Cancel()
	inner := testfut.New[int]()
	r, ok := WithTokenValue(tok, async.Future[int](inner)).Poll(testfut.NewContext(async.NoopWaker()))
	if !ok || !errors.Is(r.Err, ErrCancelled) {
		t.Fatalf("WithToken on a cancelled token = %+v, %v; want ErrCancelled", r, ok)
	}
	testfut.AssertPolls(t, inner, 0)
	testfut.AssertCancelled(t, inner)
}

// produceAndCancel is a future that cancels tok while it is polled, and is
// ready with a value then.
type produceAndCancel struct{ tok *Token }

func (p produceAndCancel) Poll(*async.Context) (int, bool) {
	p.tok.Cancel()
	return 42, true
}

func (produceAndCancel) Cancel() {}

// A value the inner future produced is not dropped for a cancellation
// that came during the same poll.
func TestWithTokenKeepsValue(t *testing.T) {
	tok := New()
	r, ok := WithTokenValue(tok, async.Future[int](produceAndCancel{tok})).Poll(testfut.NewContext(async.NoopWaker()))
	if !ok || r.Value != 42 || r.Err != nil {
		t.Fatalf("WithToken = %+v, %v; want 42", r, ok)
	}
	checkEmpty(t, tok, "token")
}
