package cancel

import "github.com/asyncgo/async"

// WithToken returns a future that runs f until t is cancelled. It is ready
// with f's value if f is ready first; if t is cancelled first, it cancels
// f, so that f releases what it holds (its timer, its socket registration,
// its place in a queue), and is ready with ErrCancelled:
//
//	r := async.Await(co, cancel.WithToken(tok, timer.Sleep(time.Minute)))
//	if errors.Is(r.Err, cancel.ErrCancelled) { ... }
//
// f may be of a concrete future type, such as *mpsc.RecvFuture[T]: Go
// infers T from its methods.
//
// Each poll looks at the token before polling f, so f is not polled (and
// makes no progress it would then lose) once the token is cancelled; a
// value f produced is never dropped for a cancellation. Cancelling the
// future cancels f and takes its waker out of the token's list.
func WithToken[T any](t *Token, f async.Future[T]) async.Future[async.Result[T]] {
	if t == nil || f == nil {
		panic("cancel: WithToken of a nil token or future")
	}
	return &withToken[T]{f: f, c: CancelledFuture{t: t}}
}

// withToken is the future of WithToken.
type withToken[T any] struct {
	f async.Future[T]
	c CancelledFuture // waits on the token with the same waker as f
}

func (w *withToken[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	if w.c.t.IsCancelled() {
		return w.stop(), true
	}
	v, ok := w.f.Poll(cx)
	if ok {
		w.c.Cancel()
		return async.Ok(v), true
	}
	if w.c.wait(cx.Waker()) {
		return w.stop(), true // cancelled while f was polled
	}
	return async.Result[T]{}, false
}

// stop cancels f and leaves the token's list, for a cancelled token.
func (w *withToken[T]) stop() async.Result[T] {
	w.f.Cancel()
	w.c.Cancel()
	return async.Err[T](ErrCancelled)
}

func (w *withToken[T]) Cancel() {
	w.f.Cancel()
	w.c.Cancel()
}
