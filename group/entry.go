package group

import (
	"runtime/debug"
	"sync/atomic"

	"github.com/asyncgo/async"
)

// place is where an entry stands. It is guarded by the core's mutex.
type place uint8

const (
	// unused: on the free list, or just made.
	unused place = iota
	// running: spawned and not finished; in the core's live list.
	running
	// aborting: spawned, not finished, and asked to abort; in the core's
	// aborting list.
	aborting
	// finished: its result waits on the core's ready queue for Next.
	finished
)

// entry is one task of a set or group: the future the task polls in place
// of the caller's, which it wraps. Whatever ends the caller's future (it is
// ready, it panics, the set aborts it, or the executor shuts down and
// cancels the task) ends in finish, which hands the result to the core: so
// the core learns of every finished task in the order they finish, without
// looking at the ones still running.
//
// Entries are reused (see core.recycle). A task touches its entry only
// until finish, which is the last thing it does with it.
type entry[T any] struct {
	c *core[T] // immutable

	// f is the caller's future. The task's polls and its Cancel use it,
	// one at a time; the core sets it when the entry is handed out.
	f async.Future[T]
	// started is set by the task's first pending poll, which stores the
	// task's waker; the task's own.
	started bool
	// abort asks the task to cancel f at its next poll instead of
	// polling it. Set with the core's mutex held, read without it.
	abort atomic.Bool

	// Guarded by the core's mutex:
	prev, next *entry[T]   // links in the live or aborting list; next also in the ready queue and the free list
	where      place       //
	waker      async.Waker // the task's, stored by its first pending poll, for an abort to wake it
	value      T           // f's value, once finished
	err        error       // why there is no value, once finished
}

// Poll polls the caller's future, or cancels it if the set asked for an
// abort. Its own value is nothing: the task's output is the entry's value,
// which the core keeps.
func (e *entry[T]) Poll(cx *async.Context) (struct{}, bool) {
	if e.abort.Load() {
		e.abortNow()
		return struct{}{}, true
	}
	v, ok, perr := e.poll(cx)
	var zero T
	switch {
	case perr != nil:
		// As the task itself does (see async.Spawn), a future that
		// panicked is cancelled, and the task lives on as an error.
		cancel(e.f)
		e.c.finish(e, zero, perr)
		return struct{}{}, true
	case ok:
		e.c.finish(e, v, nil)
		return struct{}{}, true
	}
	if !e.started {
		// The first pending poll stores the waker that an abort wakes (a
		// task that finishes at its first poll never needs it). The flag is
		// set, and the waker read, under the lock that start takes: an
		// abort that came first found no waker, so look at the flag again.
		e.started = true
		e.c.start(e, cx.Waker())
		if e.abort.Load() {
			e.abortNow()
			return struct{}{}, true
		}
	}
	return struct{}{}, false
}

// abortNow cancels the caller's future, at the set's request, and
// finishes the task with async.ErrAborted.
func (e *entry[T]) abortNow() {
	var zero T
	cancel(e.f)
	e.c.finish(e, zero, async.ErrAborted)
}

// poll polls f once, recovering a panic as a *async.PanicError.
func (e *entry[T]) poll(cx *async.Context) (v T, ok bool, perr error) {
	defer func() {
		if r := recover(); r != nil {
			perr = panicError(r)
		}
	}()
	v, ok = e.f.Poll(cx)
	return v, ok, nil
}

// Cancel is called when the executor cancels the task: it shut down, or
// the task was spawned onto a closed one. The set never aborts the task
// through its JoinHandle, so that is the only way here; the result is
// async.ErrShutdown, or async.ErrAborted if the set had asked for an abort
// that the executor's shutdown overtook.
func (e *entry[T]) Cancel() {
	err := async.ErrShutdown
	if e.abort.Load() {
		err = async.ErrAborted
	}
	cancel(e.f)
	var zero T
	e.c.finish(e, zero, err)
}

// cancel cancels f, recovering a panic in its Cancel: the task still
// finishes, with the error it had (the task machinery does the same).
func cancel[T any](f async.Future[T]) {
	defer func() { recover() }()
	f.Cancel()
}

// panicError wraps a recovered panic value with the stack where it was
// recovered, as the task machinery does, unless it is a *async.PanicError
// already: a coroutine (async.Go) re-panics its own, with the coroutine's
// stack, deeper than ours.
func panicError(r any) *async.PanicError {
	if pe, ok := r.(*async.PanicError); ok {
		return pe
	}
	return &async.PanicError{Value: r, Stack: debug.Stack()}
}
