package executor

import (
	"context"
	"errors"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/asyncgo/async/poll"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/task"
)

// worker is one of a MultiThread executor's goroutines and its queues.
// What other goroutines touch (the queue's ends, lifo, awake, the parking
// fields) and what only the worker writes on every poll (its Context,
// counters) are kept on separate cache lines, so that a wake does not
// invalidate the line the worker is polling with.
type worker struct {
	ex    *MultiThread
	index int
	cx    *task.Context // spawns go to this worker's queue; points at ownCx
	ownCx task.Context
	_     [64]byte

	local localQueue
	// lifo holds the task woken last while this worker is awake; it runs
	// next (see MultiThread.Schedule). Any goroutine may fill it.
	lifo atomic.Pointer[task.Task]
	// awake is set while the worker runs tasks, and cleared before it
	// empties lifo and parks.
	awake atomic.Bool

	// Parking: a parked worker waits on unparked, or turns the reactor
	// (inReactor set). notified is set by the notify that took it off the
	// idle list: it wakes up counted as searching.
	unparked  chan struct{}
	inReactor atomic.Bool
	notified  atomic.Bool

	_ [64]byte

	// Only the worker's goroutine touches these.
	tick      uint32
	searching bool // counted in ex.searching
	seed      uint32
	counts    WorkerMetrics
	busySince time.Time

	stats statsCell // counts, published for Metrics
}

func newWorker(ex *MultiThread, i int) *worker {
	w := &worker{ex: ex, index: i, unparked: make(chan struct{}, 1), seed: uint32(i)*2654435761 + 1}
	w.ownCx = *task.NewContext((*workerSpawner)(w), ex.reactor)
	w.cx = &w.ownCx
	w.cx.SetWorker(uint32(i))
	w.cx.SetPool(ex.pool)
	return w
}

// workerSpawner is a worker as the task.Spawner of its polls.
type workerSpawner worker

// Spawn takes a task spawned by a task this worker polls into its queue.
func (s *workerSpawner) Spawn(t *task.Task) {
	w := (*worker)(s)
	t.Bind(w.ex)
	w.ex.live.add(t)
	w.counts.Spawns++
	w.push(t)
}

// push queues t on the worker's own queue and lets an idle worker know
// there is work to steal.
func (w *worker) push(t *task.Task) {
	w.local.push(t, &w.ex.inject)
	w.ex.notify()
}

// run is the worker's loop.
func (w *worker) run() {
	defer w.ex.wg.Done()
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("async.worker", strconv.Itoa(w.index))))
	w.busySince = time.Now()
	for !w.ex.stopping.Load() {
		t := w.next()
		if t == nil {
			t = w.steal()
		}
		if t != nil {
			w.runTask(t)
			continue
		}
		w.park()
	}
	w.awake.Store(false)
	w.counts.Busy += time.Since(w.busySince)
	w.publish()
}

// next returns the next task of the worker's own: every EventInterval
// ticks the inject queue's first, so that wakes from outside are never
// starved by a worker whose tasks keep each other busy, and the reactor
// gets a look; otherwise the LIFO slot, the local queue, then the inject
// queue.
func (w *worker) next() *task.Task {
	w.tick++
	if w.tick%EventInterval == 0 {
		w.maintain()
		if t := w.ex.inject.pop(); t != nil {
			return t
		}
	}
	if t := w.lifo.Swap(nil); t != nil {
		return t
	}
	if t := w.local.pop(); t != nil {
		return t
	}
	return w.ex.inject.pop()
}

// maintain is the worker's periodic chore: publish its counters, and turn
// the reactor without blocking if no one else is turning it, so that I/O
// and timers are seen while every worker is busy.
func (w *worker) maintain() {
	w.publish()
	if w.ex.driver.TryLock() {
		w.turn(0)
		w.ex.driver.Unlock()
	}
}

// runTask runs t, then the tasks its poll put in the LIFO slot, at most
// maxLIFOPolls of them in a row.
func (w *worker) runTask(t *task.Task) {
	if w.searching {
		w.stopSearching()
	}
	w.poll(t)
	for n := 0; ; n++ {
		t = w.lifo.Swap(nil)
		if t == nil {
			return
		}
		if n == maxLIFOPolls {
			w.push(t)
			return
		}
		w.counts.LIFOHits++
		w.poll(t)
	}
}

func (w *worker) poll(t *task.Task) {
	w.counts.Polls++
	if t.Run(w.cx) {
		w.local.push(t, &w.ex.inject) // a yield: behind the others
	}
}

// steal looks for work in the other workers' queues and in the inject
// queue, as one of at most half the workers searching at once.
func (w *worker) steal() *task.Task {
	ex := w.ex
	n := len(ex.workers)
	if n == 1 {
		return nil
	}
	if !w.searching {
		if 2*int(ex.searching.Load()) >= n {
			return nil
		}
		ex.searching.Add(1)
		w.searching = true
	}
	start := int(w.random() % uint32(n))
	for i := range n {
		v := ex.workers[(start+i)%n]
		if v == w {
			continue
		}
		if t := v.local.stealInto(&w.local); t != nil {
			w.counts.Steals++
			return t
		}
	}
	return ex.inject.pop()
}

// stopSearching is called by a searching worker that found work. If it
// was the last one searching, it wakes another to search in its place:
// where there was one task there may be more (tokio's rule, which keeps
// wake-ups few but none lost).
func (w *worker) stopSearching() {
	w.searching = false
	if w.ex.searching.Add(-1) == 0 {
		w.ex.notify()
	}
}

func (w *worker) random() uint32 {
	// xorshift32
	x := w.seed
	x ^= x << 13
	x ^= x >> 17
	x ^= x << 5
	w.seed = x
	return x
}

// park puts the worker to sleep until there is work. It turns the reactor
// if no other worker is turning it (with a paused clock, only once every
// worker is idle: the clock jumps then), and waits on its channel
// otherwise.
func (w *worker) park() {
	ex := w.ex
	if w.searching {
		w.searching = false
		ex.searching.Add(-1)
	}
	w.awake.Store(false)
	// A wake may have filled the slot before it saw awake cleared.
	if t := w.lifo.Swap(nil); t != nil {
		w.awake.Store(true)
		w.local.push(t, &ex.inject)
		return
	}
	w.counts.Busy += time.Since(w.busySince)
	w.publish()
	allIdle := ex.goIdle(w)
	// Look once more now that wakes can see us idle: a task queued before
	// that would otherwise wait for the next one.
	if ex.hasWork() || ex.stopping.Load() {
		w.wake()
		return
	}
	w.counts.Parks++
	if (!ex.paused || allIdle) && ex.driver.TryLock() {
		w.inReactor.Store(true)
		if !w.notified.Load() && !ex.stopping.Load() {
			w.turn(poll.Forever)
		}
		w.inReactor.Store(false)
		ex.driver.Unlock()
		select {
		case <-w.unparked: // a token left by a notify that woke the reactor
		default:
		}
	} else {
		<-w.unparked
	}
	w.wake()
}

// wake brings the worker back from park: off the idle list, and counted as
// searching if a notify woke it.
func (w *worker) wake() {
	if !w.ex.leaveIdle(w) {
		// A notify took us off the list and counted us as searching.
		w.searching = true
	}
	w.notified.Store(false)
	w.awake.Store(true)
	w.busySince = time.Now()
	// Tasks the turn queued here are more than this worker may keep to
	// itself: let an idle one steal.
	if w.local.len() > 1 {
		w.ex.notify()
	}
}

// unpark wakes the worker from park, wherever it waits.
func (w *worker) unpark() {
	select {
	case w.unparked <- struct{}{}:
	default:
	}
	if w.inReactor.Load() {
		w.ex.reactor.Wake()
	}
}

// turn turns the reactor on behalf of the worker, which queues the tasks
// it wakes on its own queue. An error stops the BlockOn running.
func (w *worker) turn(maxWait time.Duration) {
	w.counts.Turns++
	n, err := w.ex.reactor.TurnFor(maxWait, (*turner)(w))
	w.counts.Events += uint64(n)
	if err != nil && !errors.Is(err, reactor.ErrReactorClosed) {
		w.ex.fail(err)
	}
}

// turner is a worker as the reactor's reactor.Parker.
type turner worker

// Idle implements reactor.IdleParker: with a paused clock the turn jumps
// the clock only if every worker is still parked and no task is queued.
func (p *turner) Idle() bool {
	ex := p.ex
	return int(ex.numIdle.Load()) == len(ex.workers) && !ex.hasWork() && !ex.stopping.Load()
}

// Awake is called when the turn's wait is over.
func (p *turner) Awake() { p.inReactor.Store(false) }

// WakeFromTurn queues the executor's tasks on the turning worker's queue
// directly, without Schedule.
func (p *turner) WakeFromTurn(wk reactor.Waker) {
	w := (*worker)(p)
	if t, ok := wk.(*task.Task); ok {
		if t.WakeBy(w.ex) {
			w.local.push(t, &w.ex.inject)
		}
		return
	}
	wk.Wake()
}
