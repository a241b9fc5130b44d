package async

import "github.com/asyncgo/async/reactor"

// Waker wakes the task that is waiting for an event. Calling Wake schedules
// that task to be polled again; waking a task that is already scheduled, or
// complete, does nothing. A Waker may be called from any goroutine, any
// number of times, and waking never allocates.
//
// The runtime's wakers are pointers (a task, a coroutine, a branch of a
// join), so a Waker is two words and cheap to copy and to compare.
type Waker interface {
	Wake()
}

// WakerFunc is a Waker that calls a function.
type WakerFunc func()

// Wake calls f.
func (f WakerFunc) Wake() { f() }

// noopWaker is a Waker that does nothing.
type noopWaker struct{}

func (noopWaker) Wake() {}

// NoopWaker returns a Waker that does nothing, for polling a future by hand
// in tests.
func NoopWaker() Waker { return noopWaker{} }

// Executor is what a future can ask of the executor that polls it. The
// executors in package executor implement it.
type Executor interface {
	// Spawn takes ownership of a task created by NewTask and schedules
	// it. It is called on the executor's goroutine, from inside a Poll.
	Spawn(t *Task)
}

// Context is what a future is polled with: the waker of the task being
// polled and a handle to the runtime polling it (its executor, and the
// reactor that drives I/O and timers). A future must not keep a Context
// after Poll returns; it keeps the Waker instead.
type Context struct {
	waker    Waker
	executor Executor
	reactor  *reactor.Reactor
	budget   int // see Proceed
}

// Budget is how many operations a task may perform in one poll before the
// resources it uses make it yield (tokio's cooperative budget). It stops a
// task whose sockets or channels are always ready from starving the others.
const Budget = 128

// NewContext returns a Context for an executor that spawns onto ex and
// drives r. Executors make one and reuse it for every poll; Task.Run sets
// its waker.
func NewContext(ex Executor, r *reactor.Reactor) *Context {
	return &Context{waker: noopWaker{}, executor: ex, reactor: r, budget: Budget}
}

// Waker returns the waker of the task being polled.
func (cx *Context) Waker() Waker { return cx.waker }

// Reactor returns the I/O driver and timers of the runtime. It is nil
// for a Context made without one (in tests of pure futures).
func (cx *Context) Reactor() *reactor.Reactor { return cx.reactor }

// Executor returns the executor polling the future.
func (cx *Context) Executor() Executor { return cx.executor }

// PollWith polls f as a child of the future being polled with cx, but with
// its own waker w: a combinator that polls several futures gives each its
// own waker, so that it knows which to poll again. scratch is a Context the
// combinator keeps in its state, so that polling allocates nothing; it is
// refreshed from cx on every call (the runtime and the budget may change
// between polls), and the budget the child spends is handed back to cx.
func PollWith[T any](cx, scratch *Context, w Waker, f Future[T]) (T, bool) {
	*scratch = *cx
	scratch.waker = w
	v, ok := f.Poll(scratch)
	cx.budget = scratch.budget
	scratch.waker = nil
	return v, ok
}

// Proceed takes one unit of the polled task's budget and reports whether
// the caller may go on. Leaf futures (sockets, channels) call it before an
// operation that could succeed; on false they wake the task and return
// pending, so the executor runs others before polling it again:
//
//	if !cx.Proceed() {
//		cx.Waker().Wake()
//		return zero, false
//	}
func (cx *Context) Proceed() bool {
	if cx.budget <= 0 {
		return false
	}
	cx.budget--
	return true
}

// ResetBudget gives the next poll a full budget. Task.Run calls it; an
// executor calls it before polling a future that is not a task.
func (cx *Context) ResetBudget() { cx.budget = Budget }

// SetWaker replaces the waker of cx. Executors use it for futures they
// poll outside a task, such as the one given to BlockOn.
func (cx *Context) SetWaker(w Waker) { cx.waker = w }
