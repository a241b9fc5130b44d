package group

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/task"
)

// Set is a set of tasks whose results are collected in the order the
// tasks finish: tokio's JoinSet. Spawn starts a task in the set, Next
// awaits the next one to finish, AbortAll aborts those running, and Close
// or Shutdown ends the set, aborting what is left.
//
// The zero value is an empty set ready to use, as with sync.WaitGroup, so
// a Set can be a field of the server or worker that owns it; it must not
// be copied after first use.
//
// Spawn, SpawnOn, AbortAll, Close and Len are safe for concurrent use from
// any task or goroutine. Next, Wait and Shutdown each return a future
// embedded in the set and reused by every call: one task (or goroutine,
// with the Blocking forms) at a time may await each of them, but the
// three may wait at once, a task reaping with Next while another shuts
// the set down.
type Set[T any] struct {
	c        core[T]
	next     NextFuture[T]
	wait     WaitFuture[T]
	shutdown ShutdownFuture[T]
	blocker  *blocker // NextBlocking's, made on first use
}

// Spawn starts f as a task on the executor polling cx, in the set. The
// task's result (f's value, or why it has none) is reported by Next. On a
// closed set the task is aborted at once: f is cancelled without being
// polled, and Next reports async.ErrAborted.
//
// Spawn allocates the task, as async.Spawn does; the set's record of it is
// reused from tasks already reported. It panics if cx belongs to no
// executor, or if f is nil.
func (s *Set[T]) Spawn(cx *async.Context, f async.Future[T]) {
	checkSpawn(cx, f)
	async.Spawn[struct{}](cx, s.c.add(f, false))
}

// SpawnOn starts f as a task on ex from any goroutine, in the set: the way
// for a plain goroutine to fill a set. On a closed executor the task is
// cancelled at once and Next reports async.ErrShutdown.
func (s *Set[T]) SpawnOn(ex executor.Executor, f async.Future[T]) {
	checkSpawn(nil, f)
	executor.Spawn[struct{}](ex, s.c.add(f, false))
}

// Next returns a future of the result of the next task to finish, in the
// order they finish: its value, or its error if it failed (a
// *async.PanicError, async.ErrAborted, async.ErrShutdown). Once every task
// spawned has been reported, the error is ErrEmpty.
//
// The future is part of the set and reused by every call, so Next
// allocates nothing: await each Next before the next. A cancelled Next
// takes nothing; a task that finished meanwhile waits for the next Next.
func (s *Set[T]) Next() *NextFuture[T] {
	s.next.c = &s.c
	return &s.next
}

// NextBlocking is Next for a plain goroutine: it blocks until a task
// finishes and returns its result, or ErrEmpty. Never call it from inside
// a future's Poll: it would block the executor, and with it the tasks it
// waits for. One goroutine at a time may call it.
func (s *Set[T]) NextBlocking() (T, error) {
	if s.blocker == nil {
		s.blocker = newBlocker()
	}
	b := s.blocker
	for {
		v, err, done := s.c.next(&b.w, b.wake)
		if done {
			return v, err
		}
		b.wake.Wait()
	}
}

// Len returns the number of tasks spawned and not yet reported by Next,
// Wait or Shutdown: those running and those finished.
func (s *Set[T]) Len() int { return s.c.len() }

// AbortAll aborts every task running in the set: each one's future is
// cancelled (releasing what it holds) before it is polled again, or after
// the poll in progress. The tasks stay in the set: Next reports each, with
// async.ErrAborted, or with its value if it finished first. Tasks spawned
// later run as usual.
func (s *Set[T]) AbortAll() { s.c.abortAll() }

// Close aborts every task running in the set, as AbortAll does, and every
// task spawned into it from now on. It does not wait: the results stay
// for Next, or for Wait to drop. Closing twice does nothing more.
func (s *Set[T]) Close() { s.c.close() }

// Wait returns a future that awaits every task of the set and drops its
// result; it is ready once the set is empty, with the first error of a
// task that failed (it panicked, was aborted or shut down; nil if none
// did). Values are dropped, the error values of a Set[error] included: to
// see them, use Next. The set goes on taking spawns; Wait waits for those
// too.
//
// The future is part of the set and reset by every call: await each Wait
// before the next. A cancelled Wait leaves the tasks running; the results
// it dropped are gone.
func (s *Set[T]) Wait() *WaitFuture[T] {
	s.wait.c, s.wait.err = &s.c, nil
	return &s.wait
}

// WaitBlocking is Wait for a plain goroutine: it blocks until the set is
// empty. Never call it from inside a future's Poll.
func (s *Set[T]) WaitBlocking() error { return waitBlocking(&s.c) }

// Shutdown returns a future that closes the set (see Close) at its first
// poll and then awaits the end of every task, dropping the results: the
// way for a server to abort its connection tasks and know that their
// futures' Cancel has released what they held (their sockets, say). The
// set stays closed.
//
// The future is part of the set and reset by every call. A cancelled
// Shutdown still closed the set if it was polled; the tasks' results wait
// for Next or the next Shutdown.
func (s *Set[T]) Shutdown() *ShutdownFuture[T] {
	s.shutdown.c, s.shutdown.closed = &s.c, false
	return &s.shutdown
}

// checkSpawn panics, before the set counts a task, if the task cannot be
// spawned: async.Spawn would panic after.
func checkSpawn[T any](cx *async.Context, f async.Future[T]) {
	if f == nil {
		panic("group: Spawn of a nil future")
	}
	if cx != nil && (*task.Context)(cx).Spawner() == nil {
		panic("group: Spawn with a Context that belongs to no executor")
	}
}

// waitBlocking blocks until c is empty, dropping its results, and returns
// the first failure.
func waitBlocking[T any](c *core[T]) error {
	b := newBlocker()
	var first error
	for !c.drain(&b.w, b.wake, &first) {
		b.wake.Wait()
	}
	return first
}

// NextFuture is the future of Set.Next. It is embedded in its Set.
type NextFuture[T any] struct {
	c       *core[T]
	w       waiter
	waiting bool // w is queued in the set; the owner's
}

// Poll takes the result of the oldest finished task, or stores the task's
// waker for the next task to finish. It takes a unit of the task's
// cooperative budget first.
func (f *NextFuture[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return async.Result[T]{}, false
	}
	v, err, done := f.c.next(&f.w, cx.Waker())
	f.waiting = !done
	if !done {
		return async.Result[T]{}, false
	}
	return async.Result[T]{Value: v, Err: err}, true
}

// Cancel releases the stored waker. No result is lost: a task that
// finished meanwhile is reported by the next Next.
func (f *NextFuture[T]) Cancel() {
	if f.waiting {
		f.waiting = false
		f.c.leave(&f.w)
	}
}

// WaitFuture is the future of Set.Wait and Group.Wait. It is embedded in
// its Set or Group.
type WaitFuture[T any] struct {
	c       *core[T]
	w       waiter
	waiting bool  // w is queued; the owner's
	err     error // the first failure dropped so far
}

// Poll drops the results of the tasks finished, and is ready once no task
// is left, with the first failure. It takes a unit of the task's
// cooperative budget first.
func (f *WaitFuture[T]) Poll(cx *async.Context) (error, bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return nil, false
	}
	done := f.c.drain(&f.w, cx.Waker(), &f.err)
	f.waiting = !done
	if !done {
		return nil, false
	}
	return f.err, true
}

// Cancel releases the stored waker; the tasks run on.
func (f *WaitFuture[T]) Cancel() {
	if f.waiting {
		f.waiting = false
		f.c.leave(&f.w)
	}
}

// ShutdownFuture is the future of Set.Shutdown. It is embedded in its Set.
type ShutdownFuture[T any] struct {
	c       *core[T]
	w       waiter
	waiting bool  // w is queued; the owner's
	closed  bool  // the first poll closed the set
	err     error // what drain records; dropped
}

// Poll closes the set at the first poll, drops the results of the tasks
// finished, and is ready once no task is left. It takes a unit of the
// task's cooperative budget first.
func (f *ShutdownFuture[T]) Poll(cx *async.Context) (struct{}, bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return struct{}{}, false
	}
	if !f.closed {
		f.closed = true
		f.c.close()
	}
	done := f.c.drain(&f.w, cx.Waker(), &f.err)
	f.waiting = !done
	return struct{}{}, done
}

// Cancel releases the stored waker. The set stays closed and its tasks
// aborted; their results wait for Next.
func (f *ShutdownFuture[T]) Cancel() {
	if f.waiting {
		f.waiting = false
		f.c.leave(&f.w)
	}
}
