package async

import (
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/task"
)

// Waker wakes the task that is waiting for an event. Calling Wake schedules
// that task to be polled again; waking a task that is already scheduled, or
// complete, does nothing. A Waker may be called from any goroutine, any
// number of times, and waking never allocates.
//
// The runtime's wakers are pointers (a task, a coroutine, a branch of a
// join), so a Waker is two words and cheap to copy and to compare. It is
// the same type as reactor.Waker and task.Waker, so that a waker goes from
// the Context to the reactor without a conversion.
type Waker = reactor.Waker

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

// Context is what a future is polled with: the waker of the task being
// polled, and a handle to the runtime polling it (the executor that takes
// its spawns, and the reactor that drives I/O and timers). A future must
// not keep a Context after Poll returns; it keeps the Waker instead.
//
// Executors make Contexts with package task, whose Context this type is
// declared on.
type Context task.Context

// Budget is how many operations a task may perform in one poll before the
// resources it uses make it yield (tokio's cooperative budget). It stops a
// task whose sockets or channels are always ready from starving the others.
const Budget = task.Budget

// task returns cx as the executor's side of it.
func (cx *Context) task() *task.Context { return (*task.Context)(cx) }

// Waker returns the waker of the task being polled.
func (cx *Context) Waker() Waker { return cx.task().Waker() }

// Reactor returns the I/O driver and timers of the runtime. It is nil
// for a Context made without one (in tests of pure futures).
func (cx *Context) Reactor() *reactor.Reactor { return cx.task().Reactor() }

// PollWith polls f as a child of the future being polled with cx, but with
// its own waker w: a combinator that polls several futures gives each its
// own waker, so that it knows which to poll again. scratch is a Context the
// combinator keeps in its state, so that polling allocates nothing; it is
// refreshed from cx on every call (the runtime and the budget may change
// between polls), and the budget the child spends is handed back to cx.
func PollWith[T any](cx, scratch *Context, w Waker, f Future[T]) (T, bool) {
	*scratch = *cx
	scratch.task().SetWaker(w)
	v, ok := f.Poll(scratch)
	cx.task().SetRemaining(scratch.task().Remaining())
	scratch.task().SetWaker(nil)
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
func (cx *Context) Proceed() bool { return cx.task().Proceed() }
