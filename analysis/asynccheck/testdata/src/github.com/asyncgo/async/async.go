// Package async is a stub of the real package for the analyzer's tests: the
// names and signatures the checks look at, with no runtime behind them.
package async

// Context stands for the Context of a poll.
type Context struct{ _ int }

// Waker stands for a waker.
type Waker interface{ Wake() }

// Waker returns nil.
func (cx *Context) Waker() Waker { return nil }

// Future is the future contract.
type Future[T any] interface {
	Poll(cx *Context) (T, bool)
	Cancel()
}

// Result is a value or an error.
type Result[T any] struct {
	Value T
	Err   error
}

// Get returns the value and the error.
func (r Result[T]) Get() (T, error) { return r.Value, r.Err }

// PollFunc is a future written as a function.
type PollFunc[T any] func(cx *Context) (T, bool)

// Poll calls f.
func (f PollFunc[T]) Poll(cx *Context) (T, bool) { return f(cx) }

// Cancel does nothing.
func (f PollFunc[T]) Cancel() {}

// Ready returns a future ready with v.
func Ready[T any](v T) Future[T] {
	return PollFunc[T](func(*Context) (T, bool) { return v, true })
}

// Co is a coroutine's handle on itself.
type Co struct{ cx *Context }

// Context returns the Context of the poll that runs the coroutine.
func (co *Co) Context() *Context { return co.cx }

// Go returns the future of a coroutine running fn.
func Go[T any](fn func(co *Co) T) Future[T] {
	return PollFunc[T](func(cx *Context) (T, bool) { return fn(&Co{cx}), true })
}

// Await waits for f in the coroutine of co.
func Await[T any](co *Co, f Future[T]) T {
	v, _ := f.Poll(co.cx)
	return v
}

// JoinHandle is the handle of a task.
type JoinHandle[T any] struct{ v T }

// Poll is ready with the task's output.
func (h JoinHandle[T]) Poll(cx *Context) (Result[T], bool) { return Result[T]{Value: h.v}, true }

// Cancel stops waiting for the task.
func (h JoinHandle[T]) Cancel() {}

// Abort cancels the task.
func (h JoinHandle[T]) Abort() {}

// Detach lets the task run on unobserved.
func (h JoinHandle[T]) Detach() {}

// Spawn starts f as a task.
func Spawn[T any](cx *Context, f Future[T]) JoinHandle[T] { return JoinHandle[T]{} }

// SpawnBlocking runs fn on the blocking pool.
func SpawnBlocking[T any](cx *Context, fn func() T) JoinHandle[T] { return JoinHandle[T]{v: fn()} }

// JoinAll waits for all of fs.
func JoinAll[T any](fs ...Future[T]) Future[[]T] {
	return PollFunc[[]T](func(*Context) ([]T, bool) { return nil, true })
}
