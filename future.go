package async

// Future is a value that becomes available later. An executor drives it by
// calling Poll until it is ready.
//
// Poll returns the value and true when the future is complete, or the zero
// value and false when it is not. A future that returns false must have
// arranged for cx.Waker() to be woken when polling again can make progress;
// otherwise it is never polled again. A future may be polled spuriously and
// must then return false again (and keep a waker registered). Poll must not
// be called again after it returned true.
//
// Cancel tells the future that it will not be polled again before it is
// complete: it releases whatever it holds (I/O registrations, timers, queue
// slots, stored wakers) and cancels the futures it owns. Cancel is called at
// most once, on the goroutine that polls the future, never concurrently
// with Poll, and never after Poll returned true; it is called after a Poll
// that panicked (Go's analogue of Rust dropping a future that panicked).
// Futures that hold nothing implement it as a no-op.
type Future[T any] interface {
	Poll(cx *Context) (T, bool)
	Cancel()
}

// Result is the value of a future that can fail: a value, or an error.
type Result[T any] struct {
	Value T
	Err   error
}

// Get returns the value and the error, for the two-value form:
//
//	n, err := result.Get()
func (r Result[T]) Get() (T, error) { return r.Value, r.Err }

// Ok returns a Result holding v.
func Ok[T any](v T) Result[T] { return Result[T]{Value: v} }

// Err returns a Result holding err.
func Err[T any](err error) Result[T] { return Result[T]{Err: err} }

// PollFunc is a future written as a function: each Poll calls it. Its Cancel
// does nothing, so it suits futures that hold no resources.
type PollFunc[T any] func(cx *Context) (T, bool)

// Poll calls f.
func (f PollFunc[T]) Poll(cx *Context) (T, bool) { return f(cx) }

// Cancel does nothing.
func (f PollFunc[T]) Cancel() {}

// ready is a future that is ready at once.
type ready[T any] struct{ v T }

// Ready returns a future that is ready with v on its first poll.
func Ready[T any](v T) Future[T] { return &ready[T]{v} }

func (r *ready[T]) Poll(*Context) (T, bool) { return r.v, true }
func (r *ready[T]) Cancel()                 {}

// yield is a future that is pending once, waking itself, then ready.
type yield struct{ yielded bool }

// Yield returns a future that gives way once: its first poll wakes the task
// and returns pending, so the executor runs the other tasks that are ready
// (and, at its interval, the I/O driver) before polling it again.
func Yield() Future[struct{}] { return &yield{} }

func (y *yield) Poll(cx *Context) (struct{}, bool) {
	if y.yielded {
		return struct{}{}, true
	}
	y.yielded = true
	cx.Waker().Wake()
	return struct{}{}, false
}

func (y *yield) Cancel() {}

// Pending returns a future that is never ready. It is useful as a branch
// of Select that only a cancellation ends.
func Pending[T any]() Future[T] {
	return PollFunc[T](func(*Context) (T, bool) { var zero T; return zero, false })
}
