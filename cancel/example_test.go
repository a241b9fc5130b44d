package cancel_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/cancel"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/timer"
)

// Workers run until the root token is cancelled; each has a child token
// of its own, released when it returns.
func Example() {
	root := cancel.New()
	worker := func(name string) async.Future[string] {
		return async.Go(func(co *async.Co) string {
			tok := root.Child()
			defer tok.Cancel() // release the child: root is long-lived
			for n := 0; ; n++ {
				_, err := async.Get(co, cancel.WithTokenValue(tok, timer.Sleep(time.Second)))
				if errors.Is(err, cancel.ErrCancelled) {
					return fmt.Sprintf("%s stopped after %d ticks", name, n)
				}
			}
		})
	}
	out, err := executor.Run(async.Go(func(co *async.Co) []string {
		a := async.Spawn(co.Context(), worker("a"))
		b := async.Spawn(co.Context(), worker("b"))
		async.Await(co, timer.Sleep(2500*time.Millisecond))
		root.Cancel() // shut down: every worker below root stops
		return []string{
			async.Await(co, async.Future[async.Result[string]](a)).Value,
			async.Await(co, async.Future[async.Result[string]](b)).Value,
		}
	}), executor.WithPausedClock())
	fmt.Println(out[0])
	fmt.Println(out[1])
	fmt.Println(err)
	// Output:
	// a stopped after 2 ticks
	// b stopped after 2 ticks
	// <nil>
}

// Cancelling a parent cancels its children; cancelling a child leaves the
// parent alone.
func ExampleToken_Child() {
	root := cancel.New()
	conn := root.Child()
	req := conn.Child()
	req.Cancel()
	fmt.Println(root.IsCancelled(), conn.IsCancelled(), req.IsCancelled())
	other := root.Child()
	root.Cancel()
	fmt.Println(root.IsCancelled(), conn.IsCancelled(), other.IsCancelled())
	// Output:
	// false false true
	// true true true
}

// A task waits for the token with Cancelled; a plain goroutine with Done.
// Any goroutine may cancel it.
func ExampleToken_Cancelled() {
	tok := cancel.New()
	go tok.Cancel()
	executor.Run(async.Do(func(co *async.Co) {
		async.Await(co, async.Future[struct{}](tok.Cancelled()))
		fmt.Println("task: cancelled")
	}))
	<-tok.Done()
	fmt.Println("goroutine: cancelled")
	// Output:
	// task: cancelled
	// goroutine: cancelled
}

// A callback runs when the token is cancelled, unless stopped first.
func ExampleToken_AfterFunc() {
	tok := cancel.New()
	tok.AfterFunc(func() { fmt.Println("closing the listener") })
	stop := tok.AfterFunc(func() { fmt.Println("never printed") })
	stop()
	tok.Cancel()
	// Output: closing the listener
}

// WithToken gives up a future when the token is cancelled first; the
// result of a future that can fail stays one level deep.
func ExampleWithToken() {
	tok := cancel.New()
	tx, rx := mpsc.New[string](1)
	out, _ := executor.Run(async.Go(func(co *async.Co) string {
		async.Await(co, tx.Send("first"))
		first, err := async.Get(co, cancel.WithToken(tok, rx.Recv()))
		tok.Cancel()
		_, cancelled := async.Get(co, cancel.WithToken(tok, rx.Recv()))
		return fmt.Sprint(first, err, " then ", cancelled)
	}))
	fmt.Println(out)
	// Output: first<nil> then cancel: cancelled
}

// WithTokenValue is WithToken for a future that cannot fail, such as a
// sleep.
func ExampleWithTokenValue() {
	tok := cancel.New()
	tok.Cancel()
	r, _ := executor.Run(cancel.WithTokenValue(tok, timer.Sleep(time.Hour)), executor.WithPausedClock())
	fmt.Println(r.Err)
	// Output: cancel: cancelled
}

// A task waits for a context, with its cause.
func ExampleContextDone() {
	ctx, cancelCtx := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancelCtx()
	err, _ := executor.Run(async.Future[error](cancel.ContextDone(ctx)))
	fmt.Println(err)
	// Output: context deadline exceeded
}

// A token follows a context, such as a request's.
func ExampleFromContext() {
	ctx, cancelCtx := context.WithCancel(context.Background())
	tok := cancel.FromContext(ctx)
	defer tok.Cancel() // stop watching ctx
	cancelCtx()
	<-tok.Done()
	fmt.Println(tok.IsCancelled())
	// Output: true
}

// A context follows a token, for a library that takes a context.
func ExampleToken_Context() {
	tok := cancel.New()
	ctx, stop := tok.Context(context.Background())
	defer stop()
	tok.Cancel()
	fmt.Println(ctx.Err())
	fmt.Println(context.Cause(ctx))
	// Output:
	// context canceled
	// cancel: cancelled
}
