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
// The task is one allocation (80 bytes with no output), besides the future
// f points to; SpawnValue takes the future by value and makes the two one.
//
// Spawn panics if cx belongs to no executor (a Context made by hand).
func Spawn[T any](cx *Context, f Future[T]) JoinHandle[T] {
	s := spawner(cx)
	c := &cell[T]{future: f}
	c.Init(c)
	s.Spawn(&c.Task)
	return JoinHandle[T]{&c.Task, &c.output}
}

// SpawnValue is Spawn for a future given by value: the task keeps the
// future in its own allocation, so spawning it allocates once, where
// Spawn(cx, &f) allocates f and then the task. F is a future type whose
// methods have pointer receivers, like most futures that keep state; the
// task polls the copy it holds, so f must not have been polled (a future
// in progress may have handed out pointers into itself). T is given,
// since Go cannot infer it from F's methods:
//
//	async.SpawnValue[int](cx, fetcher{url: u})
//
// It is the way to spawn many small tasks, such as a million that each
// sleep: a task is a 64-byte header, its output and the future.
func SpawnValue[T any, F any, PF futurePtr[T, F]](cx *Context, f F) JoinHandle[T] {
	s := spawner(cx)
	c := &valueCell[T, F, PF]{future: f}
	c.Init(c)
	s.Spawn(&c.Task)
	return JoinHandle[T]{&c.Task, &c.output}
}

// futurePtr is the constraint of SpawnValue's PF: *F is a Future[T].
type futurePtr[T, F any] interface {
	*F
	Future[T]
}

func spawner(cx *Context) task.Spawner {
	s := cx.task().Spawner()
	if s == nil {
		panic("async: Spawn with a Context that belongs to no executor")
	}
	return s
}

// cell is the task of Spawn: the header, the output and the future, in one
// allocation. It is the task.Body of its header, which must come first
// (see task.Task.Init).
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

// valueCell is the task of SpawnValue: cell, with the future held by value.
// The future comes last, where a zero-size F costs a word of padding; a
// zero-size output then costs nothing.
type valueCell[T any, F any, PF futurePtr[T, F]] struct {
	task.Task
	output T
	future F
}

// Poll implements task.Body, as cell's does. A finished future is left as
// it is, not zeroed: it may still be linked into something, a timer wheel
// say, that it did not need to leave to finish, and only its Cancel may
// unlink it.
func (c *valueCell[T, F, PF]) Poll(tcx *task.Context) (done bool, err error) {
	f := PF(&c.future)
	defer func() {
		if r := recover(); r != nil {
			done, err = true, asPanicError(r)
			defer func() { recover() }() // a Cancel that panics too loses only itself
			f.Cancel()
		}
	}()
	v, ok := f.Poll((*Context)(tcx))
	if ok && !c.Detached() {
		c.output = v
	}
	return ok, nil
}

// Cancel implements task.Body. The header calls it at most once, and never
// after Poll reported done.
func (c *valueCell[T, F, PF]) Cancel() { PF(&c.future).Cancel() }

// asPanicError wraps a recovered panic value with the stack where it was
// recovered, unless it is a *PanicError already: a coroutine re-panics its
// own, whose stack is the coroutine's, deeper than ours.
func asPanicError(v any) *PanicError {
	if pe, ok := v.(*PanicError); ok {
		return pe
	}
	return &PanicError{Value: v, Stack: debug.Stack()}
}
