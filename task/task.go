package task

import (
	"errors"
	"sync/atomic"
	"unsafe"

	"github.com/asyncgo/async/reactor"
)

// Errors a task fails with when it is cancelled instead of finishing.
// Package async re-exports them; a JoinHandle reports them.
var (
	// ErrAborted is the error of a task cancelled by Abort.
	ErrAborted = errors.New("async: task aborted")
	// ErrShutdown is the error of a task cancelled because its executor
	// shut down before the task completed.
	ErrShutdown = errors.New("async: executor shut down")
)

// Waker wakes a task: the runtime's one Waker type (see reactor.Waker).
type Waker = reactor.Waker

// Body is the part of a task that knows its future and the type of its
// output: package async's generic task cell. The header calls it; it never
// touches the state word.
type Body interface {
	// Poll polls the future once with cx. It reports done when the future
	// is finished: ready, with the output stored (err nil), or panicked,
	// with the future cancelled and err describing the panic.
	Poll(cx *Context) (done bool, err error)
	// Cancel cancels the future, which is not polled again. A panic in it
	// is recovered by the caller.
	Cancel()
}

// Scheduler is how a task reaches the executor that runs it (tokio's
// Schedule). An executor binds every task it takes to a Scheduler, and the
// task calls it back; that is all a task knows of its executor, so any
// executor, in this module or outside it, runs the same Task.
type Scheduler interface {
	// Schedule queues t to be run: it was woken or aborted while idle.
	// It is called from any goroutine, once per transition to SCHEDULED,
	// and must not allocate.
	Schedule(t *Task)
	// Release tells the executor that t is complete: it ran to the end,
	// was cancelled or panicked. It is called once, on the goroutine that
	// ran or shut down the task, from inside Run or Shutdown; the
	// executor forgets t (removes it from its List).
	Release(t *Task)
}

// Task is the header of a spawned future: the state word, the links that
// put it in a Queue and a List, the Scheduler it is bound to, and the slot
// its JoinHandle waits in: 64 bytes. Package async allocates it together
// with the output and the future (its task cell, the Body), so that a
// spawn costs one allocation (async.SpawnValue), or one besides the
// future (async.Spawn, given the future as an interface).
//
// A *Task is the Waker of its own future.
type Task struct {
	state atomic.Uint64 // see state.go

	// next links the task into a Queue, or any intrusive list of an
	// executor's (see Next and SetNext); a task is in one at a time.
	next atomic.Pointer[Task]

	// sched is where Wake sends the task. Set once, by Bind, before the
	// task can be woken.
	sched Scheduler

	// bodyTab is the method table of the Body, the future and its output,
	// which is the object t heads (see body.go): one word, where a Body
	// interface would take two. Not a func value: a generic func value made
	// per spawn would cost an allocation.
	bodyTab unsafe.Pointer

	// join is the waker of the JoinHandle awaiting the output while the
	// task runs, and why it has no output once it is complete (aborted,
	// shut down, panicked): see join.go.
	join atomic.Pointer[joinSlot]

	// prevLive and nextLive link the task into its executor's List of live
	// tasks; whoever owns the List guards them.
	prevLive, nextLive *Task
}

// Init prepares t, the header of body, for its first poll: a new task is
// SCHEDULED. Package async calls it when it makes the task. body must be a
// pointer to the struct t is the first field of: Init panics otherwise.
func (t *Task) Init(body Body) {
	t.setBody(body)
	t.state.Store(scheduled)
}

// Bind sets the Scheduler that wakes send t to. An executor calls it once,
// when it takes the task and before it can be woken.
func (t *Task) Bind(s Scheduler) { t.sched = s }

// Scheduler returns the Scheduler t is bound to.
func (t *Task) Scheduler() Scheduler { return t.sched }

// Next returns the task after t in an intrusive list of the executor's.
// A Queue uses the same link.
func (t *Task) Next() *Task { return t.next.Load() }

// SetNext links u after t in an intrusive list of the executor's.
func (t *Task) SetNext(u *Task) { t.next.Store(u) }

// Wake schedules the task to be polled again. It is safe from any
// goroutine, and it never allocates.
func (t *Task) Wake() {
	if t.transitionToScheduled() {
		t.sched.Schedule(t)
	}
}

// WakeBy is Wake made by s, the task's executor, on a goroutine where it
// can queue the task without the synchronization Schedule needs (a worker
// turning the reactor). If t is bound to s, WakeBy marks it SCHEDULED and
// reports whether s must queue it (true only when it was idle), leaving
// Schedule uncalled. A task bound elsewhere is woken as usual and WakeBy
// reports false.
func (t *Task) WakeBy(s Scheduler) (queue bool) {
	if t.sched != s {
		t.Wake()
		return false
	}
	return t.transitionToScheduled()
}

// Abort requests the task's cancellation, from any goroutine. The executor
// cancels the future the next time it runs the task, instead of polling
// it; a task running now is cancelled when the poll returns. Aborting a
// complete task does nothing.
func (t *Task) Abort() {
	if t.transitionToAborted(0) {
		t.sched.Schedule(t)
	}
}

// Detach records that nobody will take the output: it is dropped at
// completion.
func (t *Task) Detach() { t.state.Or(detached) }

// Detached reports whether the output will be dropped. The Body asks
// before it stores an output.
func (t *Task) Detached() bool { return t.state.Load()&detached != 0 }

// Worker returns the number of the worker that last ran the task: the
// Context's Worker when Run polled it. A multi-thread executor uses it to
// send a wake back to where the task's memory is warm. It is safe from any
// goroutine, and may be stale by the time it is used.
func (t *Task) Worker() uint32 { return uint32(t.state.Load() >> workerShift) }

// Completed reports whether the task is complete.
func (t *Task) Completed() bool { return t.state.Load()&completed != 0 }

// Run runs the task once, on the executor's goroutine: it polls the future
// with cx, whose waker it sets to t and whose budget it refills, or
// cancels the future if the task was aborted. It reports requeue when the
// task was woken while it ran: the executor must then queue it again (on a
// queue of its own; Schedule is not called). When the task completes, Run
// calls its Scheduler's Release.
//
// A task popped after it completed is a stale wake: a shutdown completed
// it while a waker on another goroutine was pushing it. Run does nothing
// with it and reports false.
//
// Run is never inlined: Polling looks for its frame.
//
//go:noinline
func (t *Task) Run(cx *Context) (requeue bool) {
	if t.Completed() {
		return false
	}
	cx.waker, cx.budget = t, Budget
	requeue = t.run(cx)
	cx.waker = nil // the executor's Context must not keep the task alive
	return requeue
}

func (t *Task) run(cx *Context) (requeue bool) {
	if t.transitionToRunning(cx.worker) {
		t.cancel(t.abortError())
		return false
	}
	done, err := t.body().Poll(cx)
	if done {
		t.complete(err)
		return false
	}
	switch t.transitionToIdle() {
	case actionReschedule:
		return true
	case actionCancel:
		t.cancel(t.abortError())
	}
	return false
}

// Shutdown cancels the task because its executor is shutting down: unless
// it is complete, its future is cancelled, its handle reports ErrShutdown
// (or ErrAborted, if an Abort came first and the executor had not acted on
// it yet), and Release is called. The executor calls it on its own
// goroutine, for live tasks that are not running. A task may be queued, or
// about to be: a waker on another goroutine may have set SCHEDULED and not
// yet pushed it. That entry is then stale, and Run ignores it.
func (t *Task) Shutdown() {
	if !t.transitionToAborted(shutdown) && t.Completed() {
		return
	}
	t.cancel(t.abortError())
}

func (t *Task) abortError() error {
	if t.state.Load()&shutdown != 0 {
		return ErrShutdown
	}
	return ErrAborted
}

// cancel cancels the future and completes the task with err. A panic in
// the future's Cancel is recovered: the task still completes, with err.
func (t *Task) cancel(err error) {
	defer func() {
		recover()
		t.complete(err)
	}()
	t.body().Cancel()
}

// complete records err (nil for success) in the join slot, marks the task
// complete, wakes its JoinHandle and releases the task from its executor.
// The output must be stored before.
func (t *Task) complete(err error) {
	t.finishJoin(err)
	if t.sched != nil {
		t.sched.Release(t)
	}
}
