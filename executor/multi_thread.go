package executor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/task"
)

// maxLIFOPolls is how many tasks in a row a worker takes from its LIFO
// slot before it goes back to its queue, so that two tasks waking each
// other cannot keep the rest waiting (tokio's limit is the same).
const maxLIFOPolls = 3

// MultiThread is an executor that runs tasks on several worker goroutines,
// which steal work from each other (tokio's multi-thread runtime). The
// workers share one reactor: an idle worker turns it while the others park.
// It is safe to spawn onto and to wake its tasks from any goroutine.
//
// Workers run while a BlockOn runs; between BlockOns the executor holds
// the tasks spawned onto it and runs them at the next.
type MultiThread struct {
	reactor *reactor.Reactor
	paused  bool // the clock moves only when every worker is idle

	workers  []*worker
	inject   injectQueue
	live     liveSet
	remoteCx *task.Context // spawns from other goroutines; read-only

	// driver is held by the worker turning the reactor: one at a time.
	driver sync.Mutex

	// idle holds the parked workers. numIdle and searching are read
	// without the lock by the wakes that decide whether to unpark one.
	idleMu    sync.Mutex
	idle      []*worker // guarded by idleMu
	numIdle   atomic.Int32
	searching atomic.Int32 // workers looking for work to steal

	stopping atomic.Bool           // the workers must return
	ioErr    atomic.Pointer[error] // a failed turn, for BlockOn to report
	failed   chan struct{}         // wakes BlockOn when ioErr is set
	wg       sync.WaitGroup        // the workers of the BlockOn running

	pool *blockingPool

	life
}

// NewMultiThread returns a multi-thread executor with its own reactor.
// Its workers are WithWorkers' number, or runtime.GOMAXPROCS(0).
// WithReactorGoroutine and WithSharedReactor do not apply to it: its idle
// workers turn its reactor.
func NewMultiThread(opts ...Option) (*MultiThread, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.reactorRoutine || c.shared != nil {
		return nil, errors.New("executor: a MultiThread executor turns its own reactor; WithReactorGoroutine and WithSharedReactor apply only to CurrentThread")
	}
	n := c.workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	clock := reactor.NewClock()
	if c.paused {
		clock = reactor.NewPausedClock()
	}
	r, err := reactor.New(clock)
	if err != nil {
		return nil, fmt.Errorf("executor: %w", err)
	}
	ex := &MultiThread{reactor: r, paused: c.paused, failed: make(chan struct{}, 1), pool: newBlockingPool(c)}
	ex.remoteCx = task.NewContext((*remoteSpawnerMT)(ex), r)
	ex.remoteCx.SetPool(ex.pool)
	ex.workers = make([]*worker, n)
	for i := range ex.workers {
		ex.workers[i] = newWorker(ex, i)
	}
	return ex, nil
}

// Reactor returns the executor's reactor.
func (ex *MultiThread) Reactor() *reactor.Reactor { return ex.reactor }

// Workers returns the number of worker goroutines.
func (ex *MultiThread) Workers() int { return len(ex.workers) }

// OnExecutor reports whether the calling goroutine is polling a future
// (task.Polling): a task's or a coroutine's body, of this executor or any
// other. Waiting there for the runtime would stall a worker. It takes
// about a microsecond.
func (ex *MultiThread) OnExecutor() bool { return task.Polling() }

// Schedule implements task.Scheduler: a task of ours was woken, from any
// goroutine. If the worker that ran it last is awake, the task goes to
// that worker's LIFO slot, to run as soon as the worker's current poll
// ends, where its memory is still in the cache: that is the case of a task
// woken by the task running next to it (a message sent, a lock released).
// Otherwise it goes to the inject queue, and an idle worker is woken to
// take it.
func (ex *MultiThread) Schedule(t *task.Task) {
	w := ex.workers[t.Worker()]
	if !w.awake.Load() {
		ex.inject.push(t)
		ex.notify()
		return
	}
	if prev := w.lifo.Swap(t); prev != nil {
		ex.inject.push(prev)
		ex.notify()
	}
	// The worker clears awake and then empties its slot before it parks;
	// we filled the slot and now look at awake. If it is still awake, it
	// will see the task; if not, take the task back, unless it did.
	if !w.awake.Load() {
		if t := w.lifo.Swap(nil); t != nil {
			ex.inject.push(t)
			ex.notify()
		}
	}
}

// Release implements task.Scheduler: a task of ours completed.
func (ex *MultiThread) Release(t *task.Task) { ex.live.remove(t) }

// remoteSpawnerMT is the executor as the task.Spawner of Spawn, from any
// goroutine.
type remoteSpawnerMT MultiThread

// Spawn takes a task spawned from outside the workers into the inject
// queue. A closed executor shuts it down at once.
func (s *remoteSpawnerMT) Spawn(t *task.Task) {
	ex := (*MultiThread)(s)
	admitted := false
	ex.admit(t, func() {
		t.Bind(ex)
		ex.live.add(t)
		admitted = true
	})
	if admitted {
		ex.inject.push(t)
		ex.notify()
	}
}

// notify wakes a parked worker to look for work, unless one is looking
// already (it will find the work, and wake another when it does: see
// worker.stopSearching) or none is parked.
func (ex *MultiThread) notify() {
	if ex.searching.Load() != 0 || ex.numIdle.Load() == 0 {
		return
	}
	ex.idleMu.Lock()
	if ex.searching.Load() != 0 || len(ex.idle) == 0 {
		ex.idleMu.Unlock()
		return
	}
	w := ex.idle[len(ex.idle)-1]
	ex.idle = ex.idle[:len(ex.idle)-1]
	ex.numIdle.Add(-1)
	ex.searching.Add(1)
	w.notified.Store(true) // it wakes up searching
	ex.idleMu.Unlock()
	w.unpark()
}

// goIdle puts w on the idle list and reports whether every worker is on it
// now: with a paused clock, only the last worker to park turns the reactor
// (see worker.park).
func (ex *MultiThread) goIdle(w *worker) (allIdle bool) {
	ex.idleMu.Lock()
	ex.idle = append(ex.idle, w)
	n := ex.numIdle.Add(1)
	ex.idleMu.Unlock()
	return int(n) == len(ex.workers)
}

// leaveIdle takes w off the idle list if it is still on it, and reports
// whether it was: false means a notify took it off and counted it as
// searching.
func (ex *MultiThread) leaveIdle(w *worker) bool {
	ex.idleMu.Lock()
	defer ex.idleMu.Unlock()
	for i, v := range ex.idle {
		if v == w {
			last := len(ex.idle) - 1
			ex.idle[i] = ex.idle[last]
			ex.idle = ex.idle[:last]
			ex.numIdle.Add(-1)
			return true
		}
	}
	return false
}

// hasWork reports whether there is a task a parking worker could take: in
// the inject queue or in some worker's queue. Another worker's LIFO slot
// does not count: it cannot be stolen, and that worker, awake, runs it.
func (ex *MultiThread) hasWork() bool {
	if !ex.inject.empty() {
		return true
	}
	for _, w := range ex.workers {
		if w.local.len() > 0 {
			return true
		}
	}
	return false
}

// start starts the workers for a BlockOn.
func (ex *MultiThread) start() {
	ex.stopping.Store(false)
	for _, w := range ex.workers {
		w.awake.Store(true)
		ex.wg.Add(1)
		go w.run()
	}
}

// stop makes the workers return and waits for them.
func (ex *MultiThread) stop() {
	ex.stopping.Store(true)
	for _, w := range ex.workers {
		w.unpark()
	}
	ex.wg.Wait()
	ex.idleMu.Lock()
	ex.idle = ex.idle[:0]
	ex.numIdle.Store(0)
	ex.searching.Store(0)
	ex.idleMu.Unlock()
}

// fail records a turn's error for BlockOn and wakes it.
func (ex *MultiThread) fail(err error) {
	if ex.ioErr.CompareAndSwap(nil, &err) {
		select {
		case ex.failed <- struct{}{}:
		default:
		}
	}
}

// blockOnMulti is BlockOn on a MultiThread executor: it spawns f as a
// task, runs the workers until that task completes (or a turn fails, or
// Shutdown is called), stops them, cancels what is left, and returns f's
// result.
func blockOnMulti[T any](ex *MultiThread, f async.Future[T]) (v T, err error) {
	done, err := ex.enter()
	if err != nil {
		return v, err
	}
	defer ex.leave(done)
	h := async.Spawn((*async.Context)(ex.remoteCx), f)
	wake := make(chanWaker, 1)
	wcx := task.NewContext(nil, nil)
	wcx.SetWaker(mainDoneWaker{ex, wake})
	ex.start()
	var res async.Result[T]
	for {
		r, ok := h.Poll((*async.Context)(wcx))
		if ok {
			res = r
			break
		}
		select {
		case <-wake:
			continue
		case <-ex.failed:
		}
		err = *ex.ioErr.Swap(nil)
		break
	}
	ex.stop()
	ex.shutdownTasks()
	if err != nil {
		return v, err
	}
	return res.Value, res.Err
}

// mainDoneWaker is the waker of the handle of BlockOn's future, called when
// that task completes. It stops the workers at once: the tasks still alive
// are to be cancelled, not run on (and a paused clock must not jump for
// them), and it wakes the goroutine waiting in BlockOn.
type mainDoneWaker struct {
	ex   *MultiThread
	wake chanWaker
}

func (w mainDoneWaker) Wake() {
	w.ex.stopping.Store(true)
	w.wake.Wake()
}

// chanWaker wakes a goroutine blocked on it; a wake before it blocks is
// kept.
type chanWaker chan struct{}

func (w chanWaker) Wake() {
	select {
	case w <- struct{}{}:
	default:
	}
}

// shutdownTasks cancels every live task, once the workers have stopped:
// the queued ones as they are taken, then the idle ones, until none is
// left (a cancellation can wake another task; see CurrentThread's).
func (ex *MultiThread) shutdownTasks() {
	for {
		t := ex.takeAny()
		if t == nil {
			if t = ex.live.first(); t == nil {
				return
			}
		}
		t.Shutdown()
	}
}

// takeAny takes a queued task from anywhere, with the workers stopped.
func (ex *MultiThread) takeAny() *task.Task {
	for _, w := range ex.workers {
		if t := w.lifo.Swap(nil); t != nil {
			return t
		}
		if t := w.local.pop(); t != nil {
			return t
		}
	}
	return ex.inject.pop()
}

// Shutdown stops the executor from any goroutine, gracefully: it takes no
// new task (a spawn's handle reports async.ErrShutdown), lets each worker
// finish the poll it is in and stops the workers (a BlockOn in progress
// returns async.ErrShutdown), cancels every task still alive, so that
// their futures release their sockets, timers and channel slots, waits
// until ctx is done for the blocking pool's calls to return, and closes
// the reactor. It returns ctx's error if it gave up waiting: for the
// BlockOn, a worker's poll never returning (the executor is then left as
// it is), or for blocking calls (they are left running, since Go cannot
// stop them, and the reactor is closed all the same). It returns ErrClosed
// if the executor was closed already.
func (ex *MultiThread) Shutdown(ctx context.Context) error {
	stop := func() { ex.fail(async.ErrShutdown) }
	return shutdown(ctx, &ex.life, stop, ex.shutdownTasks, ex.pool, ex.reactor.Close)
}

// Close cancels the tasks that are still alive and closes the reactor. It
// returns ErrBusy, and does nothing, while a BlockOn runs.
func (ex *MultiThread) Close() error {
	return closeNow(&ex.life, ex.shutdownTasks, ex.pool, ex.reactor.Close)
}
