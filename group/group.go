package group

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
)

// Group is a group of tasks that fail together, with the semantics of
// Go's errgroup on tasks: Spawn starts a task whose future returns an
// error, and Wait awaits them all and returns the first error. The first
// task to fail (a non-nil error, a panic as a *async.PanicError, its
// executor's shutdown) aborts every other task of the group, so their
// futures' Cancel releases what they hold, and every task spawned after
// it; Wait still waits until all of them have ended.
//
// The zero value is an empty group ready to use; it must not be copied
// after first use. Spawn, SpawnOn, Close and Len are safe for concurrent
// use from any task or goroutine. Wait returns a future embedded in the
// group: one task at a time may await it.
//
// There is no limit on the tasks running at once (errgroup's SetLimit):
// Spawn never waits. Take a permit of a semaphore before Spawn, and give
// it back when the task ends, to bound them.
type Group struct {
	c    core[error]
	wait WaitFuture[error]
}

// Spawn starts f as a task on the executor polling cx, in the group. If
// the group has failed (or was closed), the task is aborted at once: f is
// cancelled without being polled. It panics if cx belongs to no executor,
// or if f is nil.
func (g *Group) Spawn(cx *async.Context, f async.Future[error]) {
	checkSpawn(cx, f)
	async.Spawn[struct{}](cx, g.c.add(f, true))
}

// SpawnOn starts f as a task on ex from any goroutine, in the group. On a
// closed executor the task is cancelled at once and fails the group with
// async.ErrShutdown.
func (g *Group) SpawnOn(ex executor.Executor, f async.Future[error]) {
	checkSpawn(nil, f)
	executor.Spawn[struct{}](ex, g.c.add(f, true))
}

// Wait returns a future that is ready once every task of the group has
// ended, with the first error (nil if every task succeeded, or none was
// spawned). The future is part of the group and reused by every call:
// await each Wait before the next. A cancelled Wait leaves the group
// running.
func (g *Group) Wait() *WaitFuture[error] {
	g.wait.c, g.wait.err = &g.c, nil
	return &g.wait
}

// WaitBlocking is Wait for a plain goroutine: it blocks until every task
// has ended and returns the first error. Never call it from inside a
// future's Poll.
func (g *Group) WaitBlocking() error { return waitBlocking(&g.c) }

// Close fails the group as an error would: it aborts every task running
// and every task spawned from now on. Wait then reports async.ErrAborted,
// unless a task had failed first or every task had already succeeded.
func (g *Group) Close() {
	g.c.mu.Lock()
	g.c.discard = true
	g.c.mu.Unlock()
	g.c.close()
}

// Len returns the number of tasks running.
func (g *Group) Len() int { return g.c.len() }
