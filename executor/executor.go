package executor

import (
	"context"
	"errors"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/task"
)

// EventInterval is how many tasks the executor runs between two looks at
// the event queue when tasks are always ready. 61, as in tokio and Go's
// scheduler: a prime, so it does not fall into step with periodic work.
const EventInterval = 61

// ErrClosed is returned by an executor that was closed.
var ErrClosed = errors.New("executor: closed")

// ErrNested is returned by BlockOn (and Run) called from inside a future an
// executor polls: it would block that executor's goroutine, or worker,
// until the nested one finished, and deadlock if the nested future waited
// for the outer executor. Await the future instead, or Spawn it.
var ErrNested = errors.New("executor: BlockOn called from inside a future an executor polls; await the future or spawn it instead")

// ErrBusy is returned by BlockOn when another BlockOn is running on the
// same executor.
var ErrBusy = errors.New("executor: BlockOn already running")

// Option configures an executor.
type Option func(*config)

type config struct {
	paused         bool
	reactorRoutine bool
	shared         *reactor.Reactor
	workers        int
	multi          bool

	blockingMax       int
	blockingKeepAlive time.Duration
}

// WithPausedClock makes the executor's clock stand still until every task
// is idle, and then jump to the next timer's deadline (tokio's
// start_paused): tests of timeouts and intervals run at once and always the
// same way.
func WithPausedClock() Option { return func(c *config) { c.paused = true } }

// WithReactorGoroutine runs the reactor on a goroutine of its own, which
// wakes the executor through wakers, as the book's chapter 8 does. By
// default the executor turns the reactor itself when it is idle, which
// saves a goroutine switch per event.
func WithReactorGoroutine() Option { return func(c *config) { c.reactorRoutine = true } }

// WithSharedReactor makes the executor use r, which the caller turns on a
// goroutine of its own (see reactor.Reactor.Turn) and closes. Several
// executors may share one reactor this way.
func WithSharedReactor(r *reactor.Reactor) Option { return func(c *config) { c.shared = r } }

// WithWorkers makes Run use a MultiThread executor with n workers (n <= 0:
// runtime.GOMAXPROCS(0)), and sets NewMultiThread's number of workers.
func WithWorkers(n int) Option {
	return func(c *config) {
		c.workers = n
		c.multi = true
	}
}

// Executor is one of this package's executors: a *CurrentThread or a
// *MultiThread. BlockOn, Spawn and the bridge package take either.
type Executor interface {
	// Reactor returns the executor's reactor.
	Reactor() *reactor.Reactor
	// OnExecutor reports whether the calling goroutine polls the
	// executor's tasks.
	OnExecutor() bool
	// Close cancels the tasks still alive and releases the executor. It
	// fails with ErrBusy while a BlockOn runs.
	Close() error
	// Shutdown stops the executor from any goroutine, a BlockOn in
	// progress included, waiting for blocking calls until ctx is done.
	Shutdown(ctx context.Context) error

	remote() *task.Context
}

func (ex *CurrentThread) remote() *task.Context { return ex.remoteCx }
func (ex *MultiThread) remote() *task.Context   { return ex.remoteCx }

// Spawn starts f as a task on ex from any goroutine and returns its handle.
// The task runs when a BlockOn runs the executor. Spawning onto a closed
// executor returns a handle whose result is async.ErrShutdown.
func Spawn[T any](ex Executor, f async.Future[T]) async.JoinHandle[T] {
	return async.Spawn((*async.Context)(ex.remote()), f)
}

// BlockOn runs the executor until f is ready, and returns f's value. On a
// CurrentThread the calling goroutine runs every task, f included; on a
// MultiThread the workers run them, f as one more task, while the calling
// goroutine waits. Tasks spawned meanwhile run too; those still alive when
// f is ready are cancelled. The error is ErrClosed or ErrBusy if the
// executor cannot run, ErrNested if BlockOn was called from inside a
// future an executor polls, a *async.PanicError if f panicked, or an error of
// the reactor: a *reactor.WakerPanicError if a waker the reactor called
// panicked (see there). The executor may run BlockOn again after any of
// them.
func BlockOn[T any](ex Executor, f async.Future[T]) (T, error) {
	if task.Polling() {
		var zero T
		return zero, ErrNested
	}
	switch ex := ex.(type) {
	case *CurrentThread:
		return blockOnCurrent(ex, f)
	case *MultiThread:
		return blockOnMulti(ex, f)
	}
	panic("executor: BlockOn of an unknown executor")
}

// Run creates an executor, runs f on it, and closes it. The executor is a
// CurrentThread, or a MultiThread given WithWorkers.
func Run[T any](f async.Future[T], opts ...Option) (T, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	var ex Executor
	var err error
	if c.multi {
		ex, err = NewMultiThread(opts...)
	} else {
		ex, err = NewCurrentThread(opts...)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := BlockOn(ex, f)
	return v, errors.Join(err, ex.Close())
}
