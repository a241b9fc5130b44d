package executor

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/poll"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/task"
)

// CurrentThread is an executor that runs all its tasks on the goroutine
// that calls BlockOn. It is safe to spawn onto and to wake its tasks from
// any goroutine.
type CurrentThread struct {
	reactor   *reactor.Reactor
	ownsIO    bool          // the executor created the reactor and closes it
	turnsIO   bool          // the executor turns the reactor when idle
	ioStopped chan struct{} // closed when the reactor goroutine exits

	queue    *task.Queue // wakes from anywhere
	local    ring        // runnable tasks; executor goroutine only
	live     task.List
	cx       *task.Context // the executor's, for its polls
	remoteCx *task.Context // spawns from other goroutines; read-only
	unpark   chan struct{} // parks on this when it does not turn the reactor

	mainWoken atomic.Bool           // the BlockOn future's waker was called
	ioErr     atomic.Pointer[error] // a failed turn of the reactor goroutine

	life
	spawned []*task.Task // spawned from other goroutines; guarded by life.mu

	stats Stats // executor goroutine only
	pool  *blockingPool
}

// Stats counts what an executor did, for tests and tuning.
type Stats struct {
	Polls  uint64 // task polls
	Parks  uint64 // times it slept for lack of work
	Turns  uint64 // reactor turns
	Spawns uint64 // tasks taken in
	Live   int    // tasks taken in and not yet complete
}

// NewCurrentThread returns an executor with its own reactor.
func NewCurrentThread(opts ...Option) (*CurrentThread, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.paused && (c.reactorRoutine || c.shared != nil) {
		// A paused clock jumps to the next timer when every task is idle,
		// and only the executor knows when that is: it must turn the
		// reactor itself.
		return nil, errors.New("executor: WithPausedClock needs the executor to turn its own reactor; it cannot be combined with WithReactorGoroutine or WithSharedReactor")
	}
	ex := &CurrentThread{unpark: make(chan struct{}, 1)}
	switch {
	case c.shared != nil:
		ex.reactor = c.shared
	default:
		clock := reactor.NewClock()
		if c.paused {
			clock = reactor.NewPausedClock()
		}
		r, err := reactor.New(clock)
		if err != nil {
			return nil, fmt.Errorf("executor: %w", err)
		}
		ex.reactor, ex.ownsIO = r, true
		ex.turnsIO = !c.reactorRoutine
	}
	wake := func() { ex.reactor.Wake() }
	if !ex.turnsIO {
		wake = ex.signal
	}
	ex.queue = task.NewQueue(wake)
	ex.pool = newBlockingPool(c)
	ex.cx = task.NewContext((*spawner)(ex), ex.reactor)
	ex.cx.SetPool(ex.pool)
	ex.remoteCx = task.NewContext((*remoteSpawner)(ex), ex.reactor)
	ex.remoteCx.SetPool(ex.pool)
	if ex.ownsIO && !ex.turnsIO {
		ex.ioStopped = make(chan struct{})
		go ex.runReactor()
	}
	return ex, nil
}

// Reactor returns the executor's reactor.
func (ex *CurrentThread) Reactor() *reactor.Reactor { return ex.reactor }

// OnExecutor reports whether the calling goroutine is polling a future
// (task.Polling): a task's, a coroutine's body, or BlockOn's future, of
// this executor or any other. Waiting there for the runtime would stall an
// executor. It takes about a microsecond.
func (ex *CurrentThread) OnExecutor() bool { return task.Polling() }

// Stats returns the executor's counters. Call it from the goroutine that
// runs BlockOn, or after BlockOn returned.
func (ex *CurrentThread) Stats() Stats {
	s := ex.stats
	s.Live = ex.live.Len()
	return s
}

// Schedule implements task.Scheduler: a task of ours was woken, from any
// goroutine.
func (ex *CurrentThread) Schedule(t *task.Task) { ex.queue.Push(t) }

// Release implements task.Scheduler: a task of ours completed, on the
// executor's goroutine.
func (ex *CurrentThread) Release(t *task.Task) { ex.live.Remove(t) }

// spawner is the executor as the task.Spawner of its own polls.
type spawner CurrentThread

// Spawn takes a task spawned from inside a future the executor polls.
func (s *spawner) Spawn(t *task.Task) {
	ex := (*CurrentThread)(s)
	t.Bind(ex)
	ex.live.Add(t)
	ex.local.push(t)
	ex.stats.Spawns++
}

// remoteSpawner is the executor as the task.Spawner of Spawn, from any
// goroutine.
type remoteSpawner CurrentThread

// Spawn takes a task spawned from outside the executor. A closed
// executor shuts it down at once.
func (s *remoteSpawner) Spawn(t *task.Task) {
	ex := (*CurrentThread)(s)
	ex.admit(t, func() {
		t.Bind(ex)
		ex.spawned = append(ex.spawned, t)
	})
	ex.queue.Notify()
}

// blockOnCurrent is BlockOn on a CurrentThread executor: the calling
// goroutine runs the loop, and polls f itself.
func blockOnCurrent[T any](ex *CurrentThread, f async.Future[T]) (v T, err error) {
	done, err := ex.enter()
	if err != nil {
		return v, err
	}
	defer ex.leave(done)
	defer ex.shutdownTasks()
	main := mainFuture[T]{f: f}
	if err = ex.run(&main); err != nil && !main.done {
		// The loop stopped without the value (the reactor failed): f must
		// still release what it holds.
		f.Cancel()
	}
	return main.v, err
}

// mainFuture adapts the future given to BlockOn to the loop, which polls it
// without knowing its type.
type mainFuture[T any] struct {
	f    async.Future[T]
	v    T
	done bool // f returned its value, or panicked and was cancelled

	cx    *async.Context // of the poll in progress
	ready bool           // that poll's answer
	err   error          // its panic
}

// poll polls f once through task.Enter, so that code f calls can tell
// that it runs inside a poll (task.Polling), as in a task.
func (m *mainFuture[T]) poll(cx *async.Context) (done bool, err error) {
	m.cx = cx
	task.Enter(m)
	m.cx = nil
	return m.ready, m.err
}

// PollBody implements task.Poller.
func (m *mainFuture[T]) PollBody() {
	m.ready, m.err = false, nil
	defer func() {
		if r := recover(); r != nil {
			m.err = panicError(r)
			m.ready, m.done = true, true
			m.f.Cancel()
		}
	}()
	v, ok := m.f.Poll(m.cx)
	if ok {
		m.v, m.done = v, true
	}
	m.ready = ok
}

type mainPoller interface {
	poll(cx *async.Context) (done bool, err error)
}

// mainWaker is the waker of the future given to BlockOn.
type mainWaker struct{ ex *CurrentThread }

func (w mainWaker) Wake() {
	w.ex.mainWoken.Store(true)
	w.ex.queue.Notify()
}

// run is the executor's loop.
func (ex *CurrentThread) run(main mainPoller) error {
	ex.mainWoken.Store(true)
	sinceTurn := 0 // polls since the reactor was last turned
	for {
		if ex.ioErr.Load() != nil {
			return ex.takeIOErr() // Shutdown, or the reactor goroutine failed
		}
		polled := 0
		if ex.mainWoken.Swap(false) {
			ex.cx.SetWaker(mainWaker{ex})
			ex.cx.ResetBudget()
			if done, err := main.poll((*async.Context)(ex.cx)); done {
				return err
			}
			polled++
		}
		polled += ex.runTasks()
		sinceTurn += polled
		var err error
		switch {
		case sinceTurn >= EventInterval && ex.turnsIO:
			// Look at the event queue even when there is always work, so
			// that a task (or the main future) that keeps waking itself
			// cannot starve I/O and timers. Another goroutine turns a
			// reactor the executor does not own.
			sinceTurn = 0
			err = ex.turn(0)
		case ex.mainWoken.Load():
			continue
		case polled == 0:
			sinceTurn = 0
			err = ex.park()
		}
		if err != nil {
			return err
		}
	}
}

// runTasks runs up to EventInterval ready tasks and reports how many ran.
func (ex *CurrentThread) runTasks() int {
	// Queue the tasks woken from elsewhere behind the local ones at every
	// tick, so a task that keeps rescheduling itself cannot keep them out.
	ex.adopt()
	ex.drainQueue()
	n := 0
	for n < EventInterval {
		t := ex.next()
		if t == nil {
			break
		}
		n++
		ex.stats.Polls++
		if t.Run(ex.cx) {
			ex.local.push(t)
		}
	}
	return n
}

// next returns the oldest ready task: from the local ring, refilled from
// the shared queue when it runs dry.
func (ex *CurrentThread) next() *task.Task {
	t := ex.local.pop()
	if t == nil {
		ex.drainQueue()
		t = ex.local.pop()
	}
	return t
}

// drainQueue moves the tasks woken from anywhere into the local ring.
func (ex *CurrentThread) drainQueue() {
	for t := ex.queue.Pop(); t != nil; t = ex.queue.Pop() {
		ex.local.push(t)
	}
}

// adopt takes in the tasks spawned from other goroutines.
func (ex *CurrentThread) adopt() {
	ex.mu.Lock()
	spawned := ex.spawned
	ex.spawned = nil
	ex.mu.Unlock()
	for _, t := range spawned {
		ex.live.Add(t)
		ex.local.push(t)
		ex.stats.Spawns++
	}
}

// park sleeps until there is work: in the reactor if the executor turns it,
// else on the unpark channel.
func (ex *CurrentThread) park() error {
	if !ex.queue.Park() {
		return nil
	}
	// Check what Park cannot see: the main waker, remote spawns and the
	// reactor goroutine's errors set their flag, then Notify; we set
	// parked, then look at their flags.
	if ex.mainWoken.Load() || ex.hasSpawned() || ex.ioErr.Load() != nil {
		ex.queue.Unpark()
		return ex.takeIOErr()
	}
	ex.stats.Parks++
	var err error
	if ex.turnsIO {
		err = ex.turn(poll.Forever)
	} else {
		<-ex.unpark
		err = ex.takeIOErr()
	}
	ex.queue.Unpark()
	return err
}

func (ex *CurrentThread) turn(maxWait time.Duration) error {
	ex.stats.Turns++
	_, err := ex.reactor.TurnFor(maxWait, (*parker)(ex))
	return err
}

// parker is the executor as the reactor's reactor.Parker, while the
// executor turns it on its own goroutine.
type parker CurrentThread

// Awake marks the executor awake as soon as its wait is over.
func (p *parker) Awake() { p.queue.Unpark() }

// WakeFromTurn queues the executor's own tasks straight onto its local
// ring: the turn runs on the executor's goroutine, so the shared queue's
// synchronization, meant for wakes from other goroutines, is not needed.
func (p *parker) WakeFromTurn(w reactor.Waker) {
	if t, ok := w.(*task.Task); ok {
		if t.WakeBy((*CurrentThread)(p)) {
			p.local.push(t)
		}
		return
	}
	w.Wake()
}

func (ex *CurrentThread) hasSpawned() bool {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	return len(ex.spawned) > 0
}

// signal wakes an executor parked on its channel.
func (ex *CurrentThread) signal() {
	select {
	case ex.unpark <- struct{}{}:
	default:
	}
}

// runReactor turns the reactor on its own goroutine until it is closed:
// the book's shape. A turn's error is the executor's to report: runReactor
// hands it over and wakes the executor. It stops at an error of the event
// queue, and goes on after a waker's panic, which leaves the reactor sound.
func (ex *CurrentThread) runReactor() {
	defer close(ex.ioStopped)
	for {
		_, err := ex.reactor.Turn(poll.Forever)
		if err == nil {
			continue
		}
		if errors.Is(err, reactor.ErrReactorClosed) {
			return
		}
		ex.ioErr.CompareAndSwap(nil, &err)
		ex.queue.Notify() // after the flag: see park
		var wp *reactor.WakerPanicError
		if !errors.As(err, &wp) {
			return
		}
	}
}

// takeIOErr returns the error that the reactor goroutine handed over, if any.
func (ex *CurrentThread) takeIOErr() error {
	if p := ex.ioErr.Swap(nil); p != nil {
		return *p
	}
	return nil
}

// shutdownTasks cancels every live task: the queued ones as they are
// popped, the idle ones directly. Cancelling a task can wake another (a
// deferred tx.Close() wakes its receiver), which puts that one in a queue,
// so the loop takes from the queues first and from the live list only
// when they are empty, until both are. Shutdown releases the task, which
// takes it off the live list. A wake from another goroutine can still push
// a task after its shutdown completed it; Shutdown (and Run) of a complete
// task does nothing.
func (ex *CurrentThread) shutdownTasks() {
	for {
		ex.adopt()
		t := ex.next()
		if t == nil {
			if t = ex.live.First(); t == nil {
				return
			}
		}
		t.Shutdown()
	}
}

// Shutdown stops the executor from any goroutine, gracefully: it takes no
// new task (a spawn's handle reports async.ErrShutdown), stops a BlockOn
// in progress after the poll it is in (the BlockOn returns
// async.ErrShutdown), cancels every task still alive, so that their
// futures release their sockets, timers and channel slots, waits until ctx
// is done for the blocking pool's calls to return, and closes the reactor
// (if the executor made it). It returns ctx's error if it gave up waiting:
// for the BlockOn, whose poll never returned (the executor is then left
// as it is), or for blocking calls (they are left running, since Go cannot
// stop them, and the reactor is closed all the same). It returns ErrClosed
// if the executor was closed already.
func (ex *CurrentThread) Shutdown(ctx context.Context) error {
	stop := func() {
		err := async.ErrShutdown
		ex.ioErr.CompareAndSwap(nil, &err)
		ex.queue.Notify()
	}
	return shutdown(ctx, &ex.life, stop, ex.shutdownTasks, ex.pool, ex.closeIO)
}

// closeIO closes the reactor if the executor made it, and waits for the
// reactor goroutine if it has one.
func (ex *CurrentThread) closeIO() error {
	if !ex.ownsIO {
		return nil
	}
	err := ex.reactor.Close()
	if ex.ioStopped != nil {
		<-ex.ioStopped
	}
	return err
}

// Close cancels the tasks that are still alive and releases the reactor (if
// the executor created it). It must not be called during BlockOn.
func (ex *CurrentThread) Close() error {
	return closeNow(&ex.life, ex.shutdownTasks, ex.pool, ex.closeIO)
}

// panicError is the error of the future given to BlockOn when it panicked
// with v: v itself if it is a *async.PanicError already (a coroutine
// re-panics its own, whose stack is deeper than ours).
func panicError(v any) *async.PanicError {
	if pe, ok := v.(*async.PanicError); ok {
		return pe
	}
	return &async.PanicError{Value: v, Stack: debug.Stack()}
}
