package cancel

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
)

// watchedCtx is a context with an AfterFunc method, which context.AfterFunc
// uses instead of its own machinery: a test sees every registration, and
// cancel runs the registered functions synchronously, so that a test
// knows, when cancel returns, whether a function was still registered.
type watchedCtx struct {
	context.Context // Background: Deadline and Value
	done            chan struct{}

	mu    sync.Mutex
	err   error
	funcs map[int]func()
	next  int
}

func newWatchedCtx() *watchedCtx {
	return &watchedCtx{Context: context.Background(), done: make(chan struct{}), funcs: map[int]func(){}}
}

func (c *watchedCtx) Done() <-chan struct{} { return c.done }

func (c *watchedCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *watchedCtx) AfterFunc(f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.next
	c.next++
	c.funcs[id] = f
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.funcs[id]
		delete(c.funcs, id)
		return ok
	}
}

// registered returns the number of functions registered and not stopped.
func (c *watchedCtx) registered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.funcs)
}

// eventually waits until cond holds, for what happens on a goroutine
// the test does not control, or gives up after a generous while so that
// the caller's check reports it.
func eventually(cond func() bool) {
	deadline := time.Now().Add(10 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		runtime.Gosched()
	}
}

// cancel makes the context done and runs what is registered.
func (c *watchedCtx) cancel() {
	c.mu.Lock()
	c.err = context.Canceled
	close(c.done)
	funcs := c.funcs
	c.funcs = nil
	c.mu.Unlock()
	for _, f := range funcs {
		f()
	}
}

func TestContextDoneHandPolled(t *testing.T) {
	ctx := newWatchedCtx()
	f := ContextDone(ctx)
	w := &testfut.Waker{}
	if _, ok := f.Poll(testfut.NewContext(w)); ok {
		t.Fatal("ContextDone of a live context is ready")
	}
	if n := ctx.registered(); n != 1 {
		t.Fatalf("%d AfterFuncs registered; want 1", n)
	}
	f.Poll(testfut.NewContext(w)) // a spurious poll registers nothing more
	if n := ctx.registered(); n != 1 {
		t.Fatalf("%d AfterFuncs registered after a second poll; want 1", n)
	}
	ctx.cancel() // runs context.AfterFunc's function, which wakes on a goroutine of its own
	eventually(func() bool { return w.Wakes() > 0 })
	if w.Wakes() != 1 {
		t.Fatalf("the context's end woke the task %d times; want 1", w.Wakes())
	}
	err, ok := f.Poll(testfut.NewContext(w))
	if !ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("ContextDone = %v, %v; want context.Canceled", err, ok)
	}
}

func TestContextDoneCause(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		cause := errors.New("the cause")
		ctx, cancelCtx := context.WithCancelCause(context.Background())
		err := tasktest.RunLive(t, x, async.Go(func(co *async.Co) error {
			h := async.Spawn(co.Context(), async.Future[error](ContextDone(ctx)))
			async.Await(co, async.Yield())
			go cancelCtx(cause)
			return async.Await(co, async.Future[async.Result[error]](h)).Value
		}))
		if err != cause {
			t.Fatalf("ContextDone = %v; want the cause", err)
		}
	})
}

func TestContextDoneAlreadyDone(t *testing.T) {
	ctx, cancelCtx := context.WithCancel(context.Background())
	cancelCtx()
	err, ok := ContextDone(ctx).Poll(testfut.NewContext(async.NoopWaker()))
	if !ok || err != context.Canceled {
		t.Fatalf("ContextDone of a done context = %v, %v; want context.Canceled at once", err, ok)
	}
}

// A context that is never done is waited on without registering anything.
func TestContextDoneNever(t *testing.T) {
	f := ContextDone(context.Background())
	if _, ok := f.Poll(testfut.NewContext(async.NoopWaker())); ok {
		t.Fatal("ContextDone(Background) is ready")
	}
	if f.stop != nil {
		t.Fatal("ContextDone(Background) registered an AfterFunc")
	}
	f.Cancel()
}

func TestFromContext(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ctx, cancelCtx := context.WithCancel(context.Background())
		tok := FromContext(ctx)
		child := tok.Child()
		tasktest.RunLive(t, x, async.Go(func(co *async.Co) struct{} {
			go cancelCtx()
			async.Await(co, async.Future[struct{}](child.Cancelled()))
			return struct{}{}
		}))
		if !tok.IsCancelled() {
			t.Fatal("the token's child was cancelled but not the token")
		}
	})
}

func TestFromDoneContext(t *testing.T) {
	ctx, cancelCtx := context.WithCancel(context.Background())
	cancelCtx()
	if !FromContext(ctx).IsCancelled() {
		t.Fatal("FromContext of a done context is live")
	}
	if FromContext(context.Background()).IsCancelled() {
		t.Fatal("FromContext(Background) is cancelled")
	}
}

// Cancelling the token of FromContext stops watching the context.
func TestFromContextCancelStopsWatch(t *testing.T) {
	ctx := newWatchedCtx()
	tok := FromContext(ctx)
	if n := ctx.registered(); n != 1 {
		t.Fatalf("%d AfterFuncs registered; want 1", n)
	}
	tok.Cancel()
	if n := ctx.registered(); n != 0 {
		t.Fatalf("%d AfterFuncs left after the token was cancelled; want 0", n)
	}
	ctx.cancel()
}

// The context is cancelled with the token, its cause saying so; a task
// waits on it with ContextDone.
func TestTokenContext(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		tok := New()
		ctx, stop := tok.Context(context.Background())
		defer stop()
		err := tasktest.RunLive(t, x, async.Go(func(co *async.Co) error {
			go tok.Cancel()
			return async.Await(co, async.Future[error](ContextDone(ctx)))
		}))
		if err != ErrCancelled {
			t.Fatalf("ContextDone = %v; want ErrCancelled, the cause", err)
		}
		if ctx.Err() != context.Canceled {
			t.Fatalf("ctx.Err() = %v; want context.Canceled", ctx.Err())
		}
	})
}

func TestTokenContextStop(t *testing.T) {
	tok := New()
	ctx, stop := tok.Context(context.Background())
	if n := tok.hooksLen(); n != 1 {
		t.Fatalf("%d entries in the token's list; want 1, the context's callback", n)
	}
	stop()
	checkEmpty(t, tok, "token")
	if ctx.Err() != context.Canceled || context.Cause(ctx) != context.Canceled {
		t.Fatalf("after stop: Err %v, Cause %v; want context.Canceled", ctx.Err(), context.Cause(ctx))
	}
	tok.Cancel()
	if context.Cause(ctx) != context.Canceled {
		t.Fatal("a stopped context got the token's cause")
	}
}

func TestTokenContextOfCancelledToken(t *testing.T) {
	tok := New()
	tok.Cancel()
	ctx, stop := tok.Context(context.Background())
	defer stop()
	if context.Cause(ctx) != ErrCancelled {
		t.Fatalf("Cause = %v; want ErrCancelled at once", context.Cause(ctx))
	}
}

// The parent's end cancels the context as usual.
func TestTokenContextParentDone(t *testing.T) {
	tok := New()
	parent, cancelParent := context.WithCancel(context.Background())
	ctx, stop := tok.Context(parent)
	cancelParent()
	<-ctx.Done()
	stop()
	checkEmpty(t, tok, "token")
	if tok.IsCancelled() {
		t.Fatal("the context's parent cancelled the token")
	}
}
