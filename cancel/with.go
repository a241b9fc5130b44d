package cancel

import "github.com/asyncgo/async"

// WithToken returns a future that runs f, a future that can fail, until t
// is cancelled. It is ready with f's result if f is ready first; if t is
// cancelled first, it cancels f, so that f releases what it holds (its
// timer, its socket registration, its place in a queue), and is ready with
// ErrCancelled. The result stays one level deep, as timer.Timeout's does:
//
//	line, err := async.Get(co, cancel.WithToken(tok, lines.Next()))
//	if errors.Is(err, cancel.ErrCancelled) { ... }
//
// WithTokenValue is the same for a future that cannot fail, such as a
// sleep. f may be of a concrete future type, such as *mpsc.RecvFuture[T]:
// Go infers T from its methods.
//
// Each poll looks at the token before polling f, so f is not polled (and
// makes no progress it would then lose) once the token is cancelled; a
// value f produced is never dropped for a cancellation. Cancelling the
// future cancels f and takes its waker out of the token's list.
func WithToken[T any](t *Token, f async.Future[async.Result[T]]) async.Future[async.Result[T]] {
	return newWithToken(t, f, flat[T])
}

// WithTokenValue is WithToken for a future that cannot fail: its value
// becomes the result's, and a cancellation the result's error.
//
//	_, err := async.Get(co, cancel.WithTokenValue(tok, timer.Sleep(time.Minute)))
func WithTokenValue[T any](t *Token, f async.Future[T]) async.Future[async.Result[T]] {
	return newWithToken(t, f, async.Ok[T])
}

func newWithToken[V, T any](t *Token, f async.Future[V], result func(V) async.Result[T]) *withToken[V, T] {
	if t == nil || f == nil {
		panic("cancel: WithToken of a nil token or future")
	}
	return &withToken[V, T]{f: f, c: CancelledFuture{t: t}, result: result}
}

func flat[T any](r async.Result[T]) async.Result[T] { return r }

// withToken is the future of WithToken and WithTokenValue: f's value, of
// type V, becomes a Result[T] through result.
type withToken[V, T any] struct {
	f      async.Future[V]
	c      CancelledFuture // waits on the token with the same waker as f
	result func(V) async.Result[T]
}

func (w *withToken[V, T]) Poll(cx *async.Context) (async.Result[T], bool) {
	if w.c.t.IsCancelled() {
		return w.stop(), true
	}
	v, ok := w.f.Poll(cx)
	if ok {
		w.c.Cancel()
		return w.result(v), true
	}
	if w.c.wait(cx.Waker()) {
		return w.stop(), true // cancelled while f was polled
	}
	return async.Result[T]{}, false
}

// stop cancels f and leaves the token's list, for a cancelled token.
func (w *withToken[V, T]) stop() async.Result[T] {
	w.f.Cancel()
	w.c.Cancel()
	return async.Err[T](ErrCancelled)
}

func (w *withToken[V, T]) Cancel() {
	w.f.Cancel()
	w.c.Cancel()
}
