package async

import (
	"fmt"
	"runtime/debug"

	"github.com/asyncgo/async/task"
)

// Errors a JoinHandle reports instead of a task's output.
var (
	// ErrAborted is the error of a task cancelled by JoinHandle.Abort.
	ErrAborted = task.ErrAborted
	// ErrShutdown is the error of a task cancelled because its executor
	// shut down before the task completed.
	ErrShutdown = task.ErrShutdown
)

// PanicError is the error of a task whose future panicked. The executor
// recovers the panic, so the runtime and the other tasks carry on.
type PanicError struct {
	Value any    // what the future panicked with
	Stack []byte // the goroutine's stack where it panicked
}

// Error says that the task panicked, and with what.
func (e *PanicError) Error() string { return fmt.Sprintf("async: task panicked: %v", e.Value) }

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Spawn starts f as a new task on the executor polling cx and returns its
// JoinHandle. The task runs concurrently with the caller; awaiting the handle
// gives its output.
//
// Spawn panics if cx belongs to no executor (a Context made by hand).
func Spawn[T any](cx *Context, f Future[T]) JoinHandle[T] {
	s := cx.task().Spawner()
	if s == nil {
		panic("async: Spawn with a Context that belongs to no executor")
	}
	c := &cell[T]{future: f}
	c.Init(c)
	s.Spawn(&c.Task)
	return JoinHandle[T]{c}
}

// cell is a task: the header, the future and its output, in one allocation.
type cell[T any] struct {
	task.Task
	output T // before future: a zero-size last field would be padded
	future Future[T]
}

// Poll implements task.Body: it polls the future once and stores the
// output if it is ready. A panic is recovered and cancels the future (Go's
// analogue of Rust dropping a future that panicked); the task then fails
// with a *PanicError.
func (c *cell[T]) Poll(tcx *task.Context) (done bool, err error) {
	f := c.future
	defer func() {
		if r := recover(); r != nil {
			c.future = nil
			done, err = true, asPanicError(r)
			defer func() { recover() }() // a Cancel that panics too loses only itself
			f.Cancel()
		}
	}()
	v, ok := f.Poll((*Context)(tcx))
	if ok {
		c.future = nil
		if !c.Detached() {
			c.output = v
		}
	}
	return ok, nil
}

// Cancel implements task.Body.
func (c *cell[T]) Cancel() {
	if f := c.future; f != nil {
		c.future = nil
		f.Cancel()
	}
}

// asPanicError wraps a recovered panic value with the stack where it was
// recovered, unless it is a *PanicError already: a coroutine re-panics its
// own, whose stack is the coroutine's, deeper than ours.
func asPanicError(v any) *PanicError {
	if pe, ok := v.(*PanicError); ok {
		return pe
	}
	return &PanicError{Value: v, Stack: debug.Stack()}
}
