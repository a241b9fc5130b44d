package task

import "github.com/asyncgo/async/reactor"

// Spawner takes in tasks spawned from inside a poll: async.Spawn hands
// the new task to the Spawner of the Context it was called with. It is
// called on the goroutine polling, which is the executor's.
type Spawner interface {
	Spawn(t *Task)
}

// Context is what a future is polled with. Package async declares its
// Context on this type, with the methods a future uses; these are the ones
// an executor uses to make and reuse one. Convert between the two with
// (*async.Context)(cx) and (*task.Context)(cx).
type Context struct {
	waker   Waker
	spawner Spawner
	reactor *reactor.Reactor
	budget  int    // see Proceed
	worker  uint32 // recorded in the tasks Run polls; see Task.Worker
	pool    Pool   // runs blocking functions; nil outside an executor
}

// Pool is a runtime's blocking pool: it runs functions that block (file
// I/O, cgo, a blocking library) on goroutines of their own, so that they
// never hold up a goroutine that polls tasks. async.SpawnBlocking reaches
// it through the Context.
type Pool interface {
	// Go runs fn on a goroutine of the pool, now or as soon as one is
	// free. It does not wait for fn.
	Go(fn func())
}

// Budget is how many operations a task may perform in one poll before the
// resources it uses make it yield (tokio's cooperative budget). It stops a
// task whose sockets or channels are always ready from starving the others.
const Budget = 128

// NewContext returns a Context for an executor that takes spawns with s
// and drives r, with a full budget and a waker that does nothing. Either
// may be nil (a Context for polling pure futures by hand). Executors make
// one and reuse it for every poll; Run sets its waker.
func NewContext(s Spawner, r *reactor.Reactor) *Context {
	return &Context{waker: noopWaker{}, spawner: s, reactor: r, budget: Budget}
}

// Pool returns the blocking pool of the runtime; nil for a Context made
// without one.
func (cx *Context) Pool() Pool { return cx.pool }

// SetPool sets the blocking pool that async.SpawnBlocking uses.
func (cx *Context) SetPool(p Pool) { cx.pool = p }

// SetWorker sets the number Run records in every task it polls with cx
// (Task.Worker): a multi-thread executor gives each worker's Context the
// worker's index. It is 0 by default.
func (cx *Context) SetWorker(n uint32) { cx.worker = n }

// Waker returns the waker of the task being polled.
func (cx *Context) Waker() Waker { return cx.waker }

// SetWaker replaces the waker, for a future polled outside a task (the
// future given to BlockOn) or a child polled with a waker of its own.
func (cx *Context) SetWaker(w Waker) { cx.waker = w }

// Spawner returns where tasks spawned in this poll go; nil outside an
// executor.
func (cx *Context) Spawner() Spawner { return cx.spawner }

// Reactor returns the I/O driver and timers of the runtime; nil for a
// Context made without one.
func (cx *Context) Reactor() *reactor.Reactor { return cx.reactor }

// Proceed takes one unit of the budget and reports whether the caller may
// go on (see async.Context.Proceed).
func (cx *Context) Proceed() bool {
	if cx.budget <= 0 {
		return false
	}
	cx.budget--
	return true
}

// Remaining returns what is left of the budget.
func (cx *Context) Remaining() int { return cx.budget }

// SetRemaining sets what is left of the budget: a combinator hands back
// the budget a child spent.
func (cx *Context) SetRemaining(n int) { cx.budget = n }

// ResetBudget gives the next poll a full budget. Run does it; an executor
// does it before polling a future that is not a task.
func (cx *Context) ResetBudget() { cx.budget = Budget }

// noopWaker is a Waker that does nothing.
type noopWaker struct{}

func (noopWaker) Wake() {}
