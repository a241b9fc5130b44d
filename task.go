package async

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"
)

// Errors a JoinHandle reports instead of a task's output.
var (
	// ErrAborted is the error of a task cancelled by JoinHandle.Abort.
	ErrAborted = errors.New("async: task aborted")
	// ErrShutdown is the error of a task cancelled because its executor
	// shut down before the task completed.
	ErrShutdown = errors.New("async: executor shut down")
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

// Task is a spawned future: the unit an executor schedules. It is the
// header of one allocation that also holds the future and its output (see
// task[T]), so spawning costs one allocation besides the future itself.
//
// Tasks are made by NewTask (or Spawn) and run by executors; its exported
// methods are the contract between a task and the executor that owns it.
// A *Task is the Waker of its own future.
type Task struct {
	state atomic.Uint64 // see task_state.go

	// next links the task into a Queue; it belongs to the queue that holds
	// the task, and a task is in at most one queue at a time.
	next atomic.Pointer[Task]

	// queue is where Wake sends the task: its executor's queue. Set once by
	// the executor (Bind) before the task can be woken.
	queue *Queue

	// body is the task[T] that contains this header: the one place that
	// knows the output's type. An interface, not a func value: a generic
	// func value made per spawn would cost an allocation.
	body taskBody

	// join is the waker of the JoinHandle awaiting the output while the
	// task runs, and why it has no output once it is complete (aborted,
	// shut down, panicked). One slot for both keeps the task in the 80-byte
	// size class; see join_handle.go for how the two uses hand over.
	join atomic.Pointer[joinSlot]

	// prevLive and nextLive link the task into its executor's TaskList of
	// live tasks, so that shutdown can cancel tasks that wait on nothing
	// the executor can see. Only the executor's goroutine touches them.
	prevLive, nextLive *Task
}

// task is a Task with its future and output.
type task[T any] struct {
	Task
	output T // before future: a zero-size last field would be padded
	future Future[T]
}

// taskBody is implemented by every task[T].
type taskBody interface {
	// step polls the future once and stores the output if it is ready,
	// or cancels it. Either way a finished future is released.
	step(cx *Context, cancel bool)
}

// NewTask wraps f in a task and returns it with its JoinHandle. The task
// does nothing until an executor takes it (Executor.Spawn), binds it to a
// queue (Bind) and runs it. Most code calls Spawn instead.
func NewTask[T any](f Future[T]) (*Task, JoinHandle[T]) {
	t := &task[T]{future: f}
	t.body = t
	t.state.Store(scheduled) // a new task is due for its first poll
	return &t.Task, JoinHandle[T]{t}
}

// Spawn starts f as a new task on the executor polling cx and returns its
// JoinHandle. The task runs concurrently with the caller; awaiting the handle
// gives its output.
func Spawn[T any](cx *Context, f Future[T]) JoinHandle[T] {
	t, h := NewTask(f)
	cx.executor.Spawn(t)
	return h
}

func (t *task[T]) step(cx *Context, cancel bool) {
	f := t.future
	if f == nil {
		return
	}
	if cancel {
		t.future = nil
		f.Cancel()
		return
	}
	if v, ok := f.Poll(cx); ok {
		t.future = nil
		if t.state.Load()&detached == 0 {
			t.output = v
		}
		t.complete(nil)
	}
}

// RunResult is what an executor must do with a task after Run.
type RunResult uint8

const (
	// Idle: the task waits for a waker; the executor forgets it until then.
	Idle RunResult = iota
	// Reschedule: the task was woken while it ran; queue it again.
	Reschedule
	// Done: the task is complete; remove it from the executor's live tasks.
	Done
)

// Bind sets the queue that wakes send t to. An executor calls it once,
// when it takes the task, before the task can be woken.
func (t *Task) Bind(q *Queue) { t.queue = q }

// Wake schedules the task to be polled again. It is safe from any
// goroutine, and it never allocates.
func (t *Task) Wake() {
	if t.transitionToScheduled() {
		t.queue.Push(t)
	}
}

// WakeOn is Wake by the executor that owns q, on its own goroutine: if t
// is bound to q, it schedules t and reports whether the executor must
// queue it (true only when t was idle), leaving the queue alone; the
// executor pushes it onto a queue of its own, skipping q's cross-goroutine
// synchronization. A task bound elsewhere is woken as usual, and WakeOn
// reports false.
func (t *Task) WakeOn(q *Queue) (queue bool) {
	if t.queue != q {
		t.Wake()
		return false
	}
	return t.transitionToScheduled()
}

// Run polls the task once on the executor's goroutine, or cancels it if it
// was aborted, with cx's waker set to the task. A panic in the future is
// recovered and becomes the task's failure.
func (t *Task) Run(cx *Context) RunResult {
	cx.waker, cx.budget = t, Budget
	r := t.run(cx)
	cx.waker = nil // the executor's Context must not keep the task alive
	return r
}

func (t *Task) run(cx *Context) RunResult {
	if t.transitionToRunning() {
		t.cancel(cx, t.abortError())
		return Done
	}
	if !t.poll(cx) || t.state.Load()&completed != 0 {
		return Done
	}
	switch t.transitionToIdle() {
	case actionReschedule:
		return Reschedule
	case actionCancel:
		t.cancel(cx, t.abortError())
		return Done
	}
	return Idle
}

// Shutdown cancels the task because its executor is shutting down: unless
// it is complete, its future is cancelled and its handle reports
// ErrShutdown, or ErrAborted if its handle aborted it first and the
// executor had not acted on that yet. The executor calls it on its own goroutine, for live tasks
// that are not running. A task may be queued, or about to be: a waker on
// another goroutine may have set SCHEDULED and not yet pushed it. That
// entry is then stale, and the executor must drop a task it pops complete
// (see Completed) instead of running it.
func (t *Task) Shutdown(cx *Context) {
	if !t.transitionToAborted(shutdown) && t.state.Load()&completed != 0 {
		return
	}
	cx.waker = t
	t.cancel(cx, t.abortError()) // SHUTDOWN is set unless an Abort came first
}

// Completed reports whether the task is complete.
func (t *Task) Completed() bool { return t.state.Load()&completed != 0 }

func (t *Task) abortError() error {
	if t.state.Load()&shutdown != 0 {
		return ErrShutdown
	}
	return ErrAborted
}

// poll runs one step of the future and reports false if it panicked, in
// which case the future is cancelled (Go's analogue of Rust dropping a
// future that panicked) and the task completes with a PanicError.
func (t *Task) poll(cx *Context) (ok bool) {
	defer func() {
		if !ok {
			err := asPanicError(recover())
			t.cancel(cx, err)
		}
	}()
	t.body.step(cx, false)
	return true
}

// asPanicError wraps a recovered panic value with the stack, unless it is a
// PanicError already: a coroutine re-panics its own, whose stack is the
// coroutine's, deeper than ours.
func asPanicError(v any) *PanicError {
	if pe, ok := v.(*PanicError); ok {
		return pe
	}
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// AsPanicError is asPanicError for executors, which poll futures outside a
// task (the future given to BlockOn).
func AsPanicError(v any) *PanicError { return asPanicError(v) }

// cancel cancels the future and completes the task with err. A panic in
// the future's Cancel is recovered: the task still completes, with err.
func (t *Task) cancel(cx *Context, err error) {
	defer func() {
		recover()
		t.complete(err)
	}()
	t.body.step(cx, true)
}

// complete records err (nil for success) in the join slot, marks the task
// complete and wakes its JoinHandle. The output must be stored before.
func (t *Task) complete(err error) {
	var final *joinSlot
	if err != nil {
		final = failed(err)
	}
	// The handle reads the slot only after it sees COMPLETED, so the
	// failure goes in first; the waiter it displaces is woken after.
	prev := t.join.Swap(final)
	t.transitionToCompleted()
	if prev != nil && prev.waker != nil {
		prev.waker.Wake()
	}
	if final == nil {
		// A handle polled on another goroutine between the swap and
		// COMPLETED found the slot empty, stored its waker and, not yet
		// seeing COMPLETED, waits. It stores, then looks at the state; we
		// set the state, then look at the slot: one of us sees the other.
		// (A failure's slot is never replaced: the handle returns it.)
		if cur := t.join.Load(); cur != nil && cur.waker != nil {
			cur.waker.Wake()
		}
	}
}
