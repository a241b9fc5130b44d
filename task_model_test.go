package async

// Exhaustive interleaving tests of the task state word (task_state.go) and
// the executor protocol around it, in the spirit of tokio's loom.
//
// Go has no way to stop a goroutine between two atomic operations, so the
// model runs every actor on the test's goroutine and lets an explorer pick
// which actor takes its next step. A step is one atomic operation of the
// real code (each transitionTo* method is one compare-and-swap loop, so one
// step) or one plain action (a push, a pop, a poll, a store of the output).
// The explorer (internal/model, shared with the queue's and oneshot's
// models) tries every choice at every step, depth first, and checks the
// invariants after each.
//
// The actors are the executor (pop, run the task's protocol step by step,
// reschedule or complete it; at any moment between tasks it may shut down
// and cancel what is live), a waker on another goroutine
// (transitionToScheduled, then the push it was told to do), an aborter
// (JoinHandle.Abort: transitionToAborted, then its push) and a joiner (a
// task awaiting the JoinHandle, polled again only when woken). Executor
// shutdown is part of the executor actor, since it runs on the executor's
// goroutine. The steps call the real Task methods on a real Task made by
// NewTask over a scripted future; the glue between them (what Task.run,
// Task.Shutdown and Task.complete do with the answers) is written out move
// by move here, and TestTaskModelMatchesRun checks it against Task.Run and
// Task.Shutdown themselves.

import (
	"errors"
	"fmt"
	"github.com/asyncgo/async/internal/model"
	"strings"
	"testing"
)

// --- The modelled task ---

// modelOutput is what the scripted future is ready with.
const modelOutput = 42

// pollOutcome is what a poll of the scripted future does; the explorer
// chooses it.
type pollOutcome uint8

const (
	pollReady    pollOutcome = iota // ready with modelOutput
	pollPending                     // pending; the waker actor plays the event it waits for
	pollWakeSelf                    // wakes its own task, then pending (a yield)
)

// scriptFuture does on each poll what the executor's move chose, and
// counts what was done to it.
type scriptFuture struct {
	next      pollOutcome // what the coming poll does
	polls     int8
	pendings  int8 // polls that returned pending
	selfWakes int8
	cancels   int8
	ready     bool
	misuse    string // the first breach of the Future contract
}

func (f *scriptFuture) Poll(cx *Context) (int, bool) {
	f.polls++
	switch {
	case f.ready:
		f.misused("polled after it was ready")
	case f.cancels > 0:
		f.misused("polled after it was cancelled")
	}
	switch f.next {
	case pollReady:
		f.ready = true
		return modelOutput, true
	case pollWakeSelf:
		f.selfWakes++
		cx.Waker().Wake()
	}
	f.pendings++
	return 0, false
}

func (f *scriptFuture) Cancel() {
	f.cancels++
	switch {
	case f.ready:
		f.misused("cancelled after it was ready")
	case f.cancels > 1:
		f.misused("cancelled twice")
	}
}

func (f *scriptFuture) misused(what string) {
	if f.misuse == "" {
		f.misuse = "the future was " + what
	}
}

// taskModelConfig says which actors take part and how far the future goes.
type taskModelConfig struct {
	wakes    int8 // wakes by the waker actor on another goroutine (0: no waker)
	abort    bool // the aborter actor takes part
	join     bool // the joiner actor takes part
	spurious int8 // polls of the handle the joiner may make without a wake
	shutdown bool // the executor may shut down whenever it is between tasks
	pending  int8 // polls that may return pending
	selfWake int8 // of those, how many may wake the task first

	// noStaleRule makes the executor run a task it pops complete, instead of
	// dropping it as a stale wake from a shutdown.
	noStaleRule bool
	// noRewake models complete as it was before the fix of a lost
	// JoinHandle wakeup: without its second look at the join slot after
	// COMPLETED (see TestTaskModelJoinHandleRewake).
	noRewake bool
	// coarse makes each executor move a whole Task.Run or Task.Shutdown of
	// the real code, instead of one step of it.
	coarse bool
}

// The executor's program counter: the step it takes next.
type exPC uint8

const (
	exIdle         exPC = iota // between tasks: pop the task, or shut down
	exCheck                    // popped: drop it if it is complete (a stale wake)
	exRunning                  // transitionToRunning
	exPoll                     // poll the future
	exToIdle                   // transitionToIdle, after a pending poll
	exPush                     // queue the task again: it was woken while polled
	exCancel                   // cancel the future (Task.cancel's step)
	exStore                    // store the output (Task.step)
	exSwap                     // put the final join slot in (Task.complete)
	exComplete                 // transitionToCompleted
	exWakeJoin                 // wake the JoinHandle waker the swap displaced
	exRewake                   // wake a waker the handle stored after the swap
	exDrain                    // shutting down: pop a queued task, or go to the live ones
	exShutAbort                // Task.Shutdown: transitionToAborted(SHUTDOWN)
	exDone                     // shut down; a later pop (Close, another BlockOn) is stale
	exRun                      // coarse: Task.Run
	exShutdownCall             // coarse: Task.Shutdown
)

// The executor's phase: where it goes once done with the task.
type exPhase uint8

const (
	phaseRun    exPhase = iota // running tasks
	phaseDrain                 // shutdownTasks: cancelling the queued tasks
	phaseLive                  // shutdownTasks: cancelling the live tasks
	phaseClosed                // after shutdownTasks
)

// exState is the executor actor.
type exState struct {
	pc      exPC
	phase   exPhase
	live    bool // the task is in the executor's live list
	holds   bool // the executor has the task in hand (popped, running, cancelling)
	running bool // between transitionToRunning and the end of the poll
	err     slotKind
	final   slotKind // the join slot complete swaps in
	prev    slotKind // the join slot the swap displaced
	stale   int8     // stale tasks dropped

	// shutCancel: shutdown is cancelling the task (Task.Shutdown reports
	// ErrShutdown unless an abort came first, which it then reports).
	shutCancel bool
}

// The waker, aborter and joiner actors.
type (
	abortPC uint8
	joinPC  uint8
)

const (
	abortReady abortPC = iota // about to call transitionToAborted
	abortPush                 // told to push
	abortDone
)

const (
	joinFirst   joinPC = iota // about to poll the handle for the first time
	joinWaiting               // polled, pending: polls again once woken
	joinDone                  // has the result
)

// slotKind names a value of Task.join, or an error, for keys.
type slotKind uint8

const (
	slotNil slotKind = iota
	slotWaker
	slotAborted
	slotShutdown
	slotOther
)

func kindOfSlot(s *joinSlot) slotKind {
	switch {
	case s == nil:
		return slotNil
	case s.err != nil:
		return kindOfErr(s.err)
	case s.waker != nil:
		return slotWaker
	}
	return slotOther
}

func kindOfErr(err error) slotKind {
	switch err {
	case nil:
		return slotNil
	case ErrAborted:
		return slotAborted
	case ErrShutdown:
		return slotShutdown
	}
	return slotOther
}

// taskModel is the state of the actors and the model's bookkeeping: all of
// a world's state but what lives in the real task and future.
type taskModel struct {
	queue     int8 // copies of the task in the run queue
	ex        exState
	wakesLeft int8
	wakePush  bool // the waker must push: transitionToScheduled said so
	abort     abortPC
	join      joinPC
	joinWoken bool        // the joiner's waker was called since its last poll
	spurious  int8        // spurious polls of the handle made
	got       Result[int] // what the joiner's Poll returned ready with

	// pendingWake: a wake happened since the last poll began, so another
	// poll (or completion) is owed.
	pendingWake bool
}

// taskKey is a world's whole state.
type taskKey struct {
	m      taskModel
	fut    scriptFuture
	state  uint64
	slot   slotKind
	output int
	future bool // the task still holds its future
	queued bool // something was pushed onto the queue t is bound to
}

// taskWorld is one run of the task model.
type taskWorld struct {
	cfg *taskModelConfig
	t   *Task
	tt  *task[int]
	h   JoinHandle[int]
	fut *scriptFuture
	q   *Queue   // t's queue: Task.Wake must never push onto it here (see check)
	cx  *Context // the executor's
	jcx *Context // the joiner's, with joinWaker

	cancelErr error     // the error the executor cancels with
	finalSlot *joinSlot // the join slot complete swaps in
	prev      *joinSlot // the join slot the swap displaced
	m         taskModel // copied into the key whole
	endings   map[taskEnding]bool
	list      []taskMove // the moves last listed
	names     []string
}

// joinWaker is the joiner's waker.
type joinWaker struct{ w *taskWorld }

func (j joinWaker) Wake() { j.w.m.joinWoken = true }

func newTaskWorld(cfg *taskModelConfig) *taskWorld {
	fut := &scriptFuture{}
	t, h := NewTask[int](fut)
	w := &taskWorld{cfg: cfg, t: t, tt: h.t, h: h, fut: fut}
	w.q = NewQueue(func() {})
	t.Bind(w.q)
	w.cx = NewContext(nil, nil)
	w.jcx = NewContext(nil, nil)
	w.jcx.SetWaker(joinWaker{w})
	// The executor has taken the task (Spawn): it is live and queued.
	w.m.queue = 1
	w.m.ex.live = true
	w.m.wakesLeft = cfg.wakes
	if !cfg.abort {
		w.m.abort = abortDone
	}
	if !cfg.join {
		w.m.join = joinDone
	}
	return w
}

// taskMove is one move of one actor.
type taskMove uint8

const (
	mvPop taskMove = iota
	mvShutdown
	mvCheck
	mvRunning
	mvPollReady
	mvPollPending
	mvPollWakeSelf
	mvToIdle
	mvPush
	mvCancel
	mvStore
	mvSwap
	mvComplete
	mvWakeJoin
	mvRewake
	mvDrain
	mvShutAbort
	mvRunReady
	mvRunPending
	mvRunWakeSelf
	mvRunCancel
	mvShutdownCall
	mvWake
	mvWakePush
	mvAbort
	mvAbortPush
	mvJoinPoll
	mvJoinSpurious
)

var taskMoveNames = [...]string{
	mvPop:          "executor: pop",
	mvShutdown:     "executor: shut down (BlockOn's future is ready)",
	mvCheck:        "executor: drop the task if complete",
	mvRunning:      "executor: transitionToRunning",
	mvPollReady:    "executor: poll → ready",
	mvPollPending:  "executor: poll → pending",
	mvPollWakeSelf: "executor: poll → wakes itself, pending",
	mvToIdle:       "executor: transitionToIdle",
	mvPush:         "executor: push (woken while polled)",
	mvCancel:       "executor: cancel the future",
	mvStore:        "executor: store the output",
	mvSwap:         "executor: swap the join slot",
	mvComplete:     "executor: transitionToCompleted",
	mvWakeJoin:     "executor: wake the JoinHandle",
	mvRewake:       "executor: wake a JoinHandle that came after the swap",
	mvDrain:        "executor shutdown: pop a queued task, or go to the live ones",
	mvShutAbort:    "executor shutdown: transitionToAborted(SHUTDOWN)",
	mvRunReady:     "executor: Task.Run, poll → ready",
	mvRunPending:   "executor: Task.Run, poll → pending",
	mvRunWakeSelf:  "executor: Task.Run, poll → wakes itself, pending",
	mvRunCancel:    "executor: Task.Run (aborted: cancels)",
	mvShutdownCall: "executor shutdown: Task.Shutdown",
	mvWake:         "waker: transitionToScheduled",
	mvWakePush:     "waker: push",
	mvAbort:        "aborter: transitionToAborted",
	mvAbortPush:    "aborter: push",
	mvJoinPoll:     "joiner: JoinHandle.Poll",
	mvJoinSpurious: "joiner: JoinHandle.Poll, not woken (spurious)",
}

func (w *taskWorld) Moves() []string {
	w.list = w.list[:0]
	add := func(ms ...taskMove) { w.list = append(w.list, ms...) }
	m, ex, f := &w.m, &w.m.ex, w.fut
	canPend := f.pendings < w.cfg.pending
	canWakeSelf := canPend && f.selfWakes < w.cfg.selfWake
	switch ex.pc {
	case exIdle:
		if m.queue > 0 {
			add(mvPop)
		}
		if w.cfg.shutdown {
			add(mvShutdown)
		}
	case exCheck:
		add(mvCheck)
	case exRunning:
		add(mvRunning)
	case exPoll:
		add(mvPollReady)
		if canPend {
			add(mvPollPending)
		}
		if canWakeSelf {
			add(mvPollWakeSelf)
		}
	case exToIdle:
		add(mvToIdle)
	case exPush:
		add(mvPush)
	case exCancel:
		add(mvCancel)
	case exStore:
		add(mvStore)
	case exSwap:
		add(mvSwap)
	case exComplete:
		add(mvComplete)
	case exWakeJoin:
		add(mvWakeJoin)
	case exRewake:
		add(mvRewake)
	case exDrain:
		add(mvDrain)
	case exShutAbort:
		add(mvShutAbort)
	case exDone:
		if m.queue > 0 {
			add(mvPop)
		}
	case exRun:
		// Run reads the state first: an aborted task is cancelled, not
		// polled, so what the poll would do does not matter.
		if w.t.state.Load()&aborted != 0 {
			add(mvRunCancel)
			break
		}
		add(mvRunReady)
		if canPend {
			add(mvRunPending)
		}
		if canWakeSelf {
			add(mvRunWakeSelf)
		}
	case exShutdownCall:
		add(mvShutdownCall)
	}
	if m.wakePush {
		add(mvWakePush)
	} else if m.wakesLeft > 0 {
		add(mvWake)
	}
	switch m.abort {
	case abortReady:
		add(mvAbort)
	case abortPush:
		add(mvAbortPush)
	}
	switch {
	case m.join == joinFirst || m.join == joinWaiting && m.joinWoken:
		add(mvJoinPoll)
	case m.join == joinWaiting && m.spurious < w.cfg.spurious:
		add(mvJoinSpurious)
	}
	w.names = w.names[:0]
	for _, mv := range w.list {
		w.names = append(w.names, taskMoveNames[mv])
	}
	return w.names
}

func (w *taskWorld) Take(i int) error {
	if err := w.do(w.list[i]); err != nil {
		return err
	}
	return w.check()
}

func (w *taskWorld) do(mv taskMove) error {
	m, ex, t := &w.m, &w.m.ex, w.t
	switch mv {
	// The executor.
	case mvPop:
		m.queue--
		ex.holds = true
		ex.pc = exCheck
		if w.cfg.noStaleRule {
			ex.pc = exRunning
		}
	case mvShutdown:
		ex.phase, ex.pc = phaseDrain, exDrain
	case mvCheck:
		// The rule: a task found complete when popped is a stale wake from
		// a shutdown, dropped without running.
		if t.Completed() {
			ex.stale++
			ex.holds = false
			w.afterTask()
			return nil
		}
		switch {
		case ex.phase == phaseClosed:
			return errors.New("a task popped after shutdown is not complete: it outlived the shutdown")
		case ex.phase == phaseDrain && w.cfg.coarse:
			ex.pc = exShutdownCall
		case ex.phase == phaseDrain:
			ex.pc = exShutAbort
		case w.cfg.coarse:
			ex.pc = exRun
		default:
			ex.pc = exRunning
		}
	case mvRunning:
		cancel := t.transitionToRunning()
		ex.running = true
		m.pendingWake = false // this poll sees every event woken for so far
		if cancel {
			w.cancelWith(t.abortError())
		} else {
			ex.pc = exPoll
		}
	case mvPollReady, mvPollPending, mvPollWakeSelf:
		if w.tt.future == nil {
			return errors.New("polling a task that has released its future")
		}
		w.fut.next = outcomeOf(mv)
		w.cx.waker, w.cx.budget = t, Budget // as Task.Run sets them
		if _, ok := w.tt.future.Poll(w.cx); ok {
			ex.pc = exStore
			break
		}
		if mv == mvPollWakeSelf {
			m.pendingWake = true // woken after this poll began
		}
		ex.pc = exToIdle
	case mvStore:
		// Task.step: release the future and store the output, unless
		// detached; complete then publishes it.
		w.tt.future = nil
		if t.state.Load()&detached == 0 {
			w.tt.output = modelOutput
		}
		w.finalSlot, ex.final = nil, slotNil
		ex.pc = exSwap
	case mvToIdle:
		// Task.run: a poll that returned pending on a task completed
		// meanwhile would be Done; nothing but the executor completes it.
		if t.state.Load()&completed != 0 {
			return errors.New("the task completed while the executor was polling it")
		}
		act := t.transitionToIdle()
		ex.running = false
		switch act {
		case actionReschedule:
			ex.holds = false
			ex.pc = exPush
		case actionCancel:
			w.cancelWith(t.abortError())
		default:
			ex.holds = false
			w.afterTask()
		}
	case mvPush:
		if err := w.push("executor"); err != nil {
			return err
		}
		w.afterTask()
	case mvCancel:
		// Task.cancel: step(cx, true) releases the future and cancels it.
		t.body.step(w.cx, true)
		w.finalSlot = failed(w.cancelErr)
		ex.final = kindOfSlot(w.finalSlot)
		ex.pc = exSwap
	case mvSwap:
		w.prev = t.join.Swap(w.finalSlot)
		ex.prev = kindOfSlot(w.prev)
		ex.pc = exComplete
	case mvComplete:
		t.transitionToCompleted()
		ex.running = false
		switch {
		case w.prev != nil && w.prev.waker != nil:
			ex.pc = exWakeJoin
		case !w.cfg.noRewake:
			ex.pc = exRewake
		default:
			return w.taskDone()
		}
	case mvWakeJoin:
		w.prev.waker.Wake()
		if !w.cfg.noRewake {
			ex.pc = exRewake
			break
		}
		return w.taskDone()
	case mvRewake:
		if cur := t.join.Load(); cur != nil && cur.waker != nil {
			cur.waker.Wake()
		}
		return w.taskDone()
	case mvDrain:
		// shutdownTasks pops what is queued, then turns to the live list.
		switch {
		case m.queue > 0:
			m.queue--
			ex.holds = true
			ex.pc = exCheck
			if w.cfg.noStaleRule {
				ex.pc = exShutAbort
			}
		case ex.live:
			ex.phase = phaseLive
			ex.holds = true
			ex.pc = exShutAbort
			if w.cfg.coarse {
				ex.pc = exShutdownCall
			}
		default:
			ex.phase, ex.pc = phaseClosed, exDone
		}
	case mvShutAbort:
		// Task.Shutdown: request the cancellation; a complete task is left
		// alone, any other cancelled (the push transitionToAborted asks for
		// is not needed: the executor cancels it here and now).
		if !t.transitionToAborted(shutdown) && t.state.Load()&completed != 0 {
			return w.taskDone()
		}
		ex.shutCancel = true
		w.cancelWith(t.abortError())

	// The executor, a whole call of the real code at a time.
	case mvRunReady, mvRunPending, mvRunWakeSelf, mvRunCancel:
		w.fut.next = outcomeOf(mv)
		polls := w.fut.polls
		r := t.Run(w.cx)
		m.pendingWake = mv == mvRunWakeSelf && w.fut.polls > polls
		switch r {
		case Reschedule:
			ex.holds = false
			ex.pc = exPush
		case Done:
			return w.taskDone()
		default:
			ex.holds = false
			w.afterTask()
		}
	case mvShutdownCall:
		ex.shutCancel = !t.Completed()
		t.Shutdown(w.cx)
		return w.taskDone()

	// The waker: Task.Wake, one step at a time.
	case mvWake:
		m.wakesLeft--
		m.wakePush = t.transitionToScheduled()
		m.pendingWake = true
	case mvWakePush:
		m.wakePush = false
		return w.push("waker")

	// The aborter: JoinHandle.Abort, one step at a time.
	case mvAbort:
		m.abort = abortDone
		if t.transitionToAborted(0) {
			m.abort = abortPush
		}
	case mvAbortPush:
		m.abort = abortDone
		return w.push("aborter")

	// The joiner: a task awaiting the JoinHandle.
	case mvJoinPoll, mvJoinSpurious:
		if mv == mvJoinSpurious {
			m.spurious++
		}
		m.joinWoken = false
		r, ok := w.h.Poll(w.jcx)
		if !ok {
			m.join = joinWaiting
			return nil
		}
		m.join, m.got = joinDone, r
		if want := w.expected(); r != want {
			return fmt.Errorf("the JoinHandle is ready with %v, want %v", r, want)
		}
		if r.Err == nil && t.state.Load()&completed == 0 {
			return errors.New("the JoinHandle took the output before COMPLETED was set")
		}
	}
	return nil
}

// outcomeOf is what a poll move makes the future do.
func outcomeOf(mv taskMove) pollOutcome {
	switch mv {
	case mvPollPending, mvRunPending:
		return pollPending
	case mvPollWakeSelf, mvRunWakeSelf:
		return pollWakeSelf
	}
	return pollReady
}

// cancelWith sends the executor down Task.cancel's steps with err.
func (w *taskWorld) cancelWith(err error) {
	w.cancelErr = err
	w.m.ex.err = kindOfErr(err)
	w.m.ex.pc = exCancel
}

// push puts the task on the modelled run queue.
func (w *taskWorld) push(who string) error {
	if w.m.queue > 0 {
		return fmt.Errorf("%s pushes the task while it is queued: it would be in the queue twice", who)
	}
	w.m.queue++
	return nil
}

// taskDone is the executor's end of a task that Run reported Done or that
// Shutdown cancelled: it leaves the live list.
func (w *taskWorld) taskDone() error {
	ex := &w.m.ex
	if !ex.live {
		return errors.New("TaskList.Remove of a task that is not in the live list")
	}
	ex.live, ex.holds = false, false
	w.afterTask()
	return nil
}

// afterTask moves the executor on to what its phase does next.
func (w *taskWorld) afterTask() {
	ex := &w.m.ex
	switch ex.phase {
	case phaseRun:
		ex.pc = exIdle
	case phaseDrain:
		ex.pc = exDrain
	default:
		ex.phase, ex.pc = phaseClosed, exDone
	}
}

// expected is the result the JoinHandle must give once the task is
// complete (or its failure is known).
func (w *taskWorld) expected() Result[int] {
	switch {
	case w.fut.ready:
		return Ok(modelOutput)
	case w.t.state.Load()&shutdown != 0:
		// SHUTDOWN is set only with ABORTED and only if no Abort came
		// first: an Abort's request wins, as Abort promises.
		return Err[int](ErrShutdown)
	}
	return Err[int](ErrAborted)
}

// check verifies the invariants of the state after every move.
func (w *taskWorld) check() error {
	s := w.t.state.Load()
	m, ex := &w.m, &w.m.ex
	switch {
	case w.fut.misuse != "":
		return errors.New(w.fut.misuse)
	case !w.q.Empty():
		return errors.New("Task.Wake pushed the task while the executor polled it")
	case s&completed != 0 && s&(scheduled|running) != 0:
		return fmt.Errorf("state %s: COMPLETED with SCHEDULED or RUNNING", stateString(s))
	case (s&running != 0) != ex.running:
		return fmt.Errorf("state %s, but the executor polling the task is %v", stateString(s), ex.running)
	}
	if s&completed != 0 {
		// Complete: the future is gone, exactly one of ready or cancelled,
		// and the handle reads the outcome (the output is published).
		switch {
		case w.tt.future != nil:
			return errors.New("complete, but the task holds its future")
		case w.fut.ready == (w.fut.cancels > 0):
			return fmt.Errorf("complete with the future ready=%v and cancelled %d times", w.fut.ready, w.fut.cancels)
		}
		if r, want := w.h.result(), w.expected(); r != want {
			return fmt.Errorf("complete: the JoinHandle would read %v, want %v", r, want)
		}
		if m.join == joinDone && w.cfg.join && m.got != w.h.result() {
			return fmt.Errorf("the JoinHandle gave %v, and now says %v", m.got, w.h.result())
		}
		return nil
	}
	// Not complete: exactly one party is to queue or run the task while
	// SCHEDULED is set, and nobody while it is clear. A shutdown that
	// cancels a live task while a waker is about to push it is the one
	// exception: that push is then a stale wake.
	pushers := m.queue + b2i(m.wakePush) + b2i(m.abort == abortPush) + b2i(ex.pc == exPush)
	owners := pushers + b2i(ex.holds)
	switch {
	case owners > 1 && !(ex.phase == phaseLive && ex.holds):
		return fmt.Errorf("state %s: %d parties would queue or run the task", stateString(s), owners)
	case s&scheduled != 0 && owners == 0:
		return fmt.Errorf("state %s, but nobody will queue or run the task: it is lost", stateString(s))
	case s&scheduled == 0 && pushers > 0:
		return fmt.Errorf("state %s, but the task is queued or about to be", stateString(s))
	}
	return nil
}

func b2i(b bool) int8 {
	if b {
		return 1
	}
	return 0
}

// final verifies the invariants of a state in which no actor can move.
func (w *taskWorld) Final() error {
	if w.endings != nil {
		w.endings[w.ending()] = true
	}
	s := w.t.state.Load()
	m, ex := &w.m, &w.m.ex
	complete := s&completed != 0
	switch {
	case !complete && s != 0:
		return fmt.Errorf("ends in state %s: neither complete nor idle, and nobody will run it", stateString(s))
	case !complete && m.pendingWake:
		return errors.New("woken after its last poll began, and never polled again: a lost wake")
	case ex.phase != phaseRun && !complete:
		return errors.New("the executor shut down and the task is not complete")
	case complete && ex.live:
		return errors.New("complete but still in the executor's live list")
	case m.join == joinWaiting && !m.joinWoken && complete:
		return errors.New("the task is complete but the JoinHandle's waker was never woken: a lost wakeup")
	}
	return nil
}

func (w *taskWorld) Key() taskKey {
	fut := *w.fut
	fut.next = pollReady // the last poll's choice is done with
	return taskKey{
		m:      w.m,
		fut:    fut,
		state:  w.t.state.Load(),
		slot:   kindOfSlot(w.t.join.Load()),
		output: w.tt.output,
		future: w.tt.future != nil,
		queued: !w.q.Empty(),
	}
}

// taskEnding is how a run ended, in terms that the step-by-step executor
// and the one made of whole Task.Run and Task.Shutdown calls share.
type taskEnding struct {
	state     uint64
	slot      slotKind
	output    int
	fut       scriptFuture
	live      bool
	stale     int8
	join      joinPC
	joinWoken bool
	got       Result[int]
}

func (w *taskWorld) ending() taskEnding {
	m := &w.m
	f := *w.fut
	f.next = 0 // what a cancelled task's last move chose does not matter
	return taskEnding{
		state: w.t.state.Load(), slot: kindOfSlot(w.t.join.Load()), output: w.tt.output,
		fut: f, live: m.ex.live, stale: m.ex.stale, join: m.join, joinWoken: m.joinWoken, got: m.got,
	}
}

// exploreTask explores cfg and logs what it covered. If endings is not nil,
// it gets the ending of every run.
func exploreTask(t *testing.T, cfg taskModelConfig, memo bool, endings map[taskEnding]bool) (model.Stats, error) {
	t.Helper()
	st, err := model.Explore(func() model.World[taskKey] {
		w := newTaskWorld(&cfg)
		w.endings = endings
		return w
	}, memo)
	t.Logf("%+v: %v", cfg, st)
	return st, err
}

// taskModelCase is one exploration.
type taskModelCase struct {
	name string
	cfg  taskModelConfig
}

// taskModelCases are the explorations TestTaskModel makes: the executor,
// with shutdown or without, and two or all three of the other actors. The
// future may return pending three times, up to twice (thrice with no
// waker) after waking itself; the waker wakes up to three times. Under
// -short the bounds are one lower.
func taskModelCases(short bool) []taskModelCase {
	n := int8(3)
	if short {
		n = 2
	}
	cases := []taskModelCase{
		{"waker+aborter", taskModelConfig{wakes: n, abort: true, pending: n, selfWake: n - 1}},
		{"waker+joiner", taskModelConfig{wakes: n, join: true, spurious: 1, pending: n, selfWake: n - 1}},
		{"aborter+joiner", taskModelConfig{abort: true, join: true, spurious: 1, pending: n, selfWake: n}},
		{"waker+aborter+joiner", taskModelConfig{wakes: n - 1, abort: true, join: true, spurious: 1, pending: n, selfWake: n - 1}},
	}
	for _, c := range cases[:len(cases):len(cases)] {
		c.name += "/shutdown"
		c.cfg.shutdown = true
		cases = append(cases, c)
	}
	return cases
}

// TestTaskModel explores every interleaving of the executor with a waker,
// an aborter and a task awaiting the JoinHandle, and checks after every
// step that the task is never polled after it completed, never in the
// queue twice, never lost (SCHEDULED always has exactly one party that
// will queue or run the task, and an idle task has none), that the handle
// reads the outcome as soon as COMPLETED is set and never another; and at
// the end of every run that the task is complete or idle with no wake owed
// (a wake after the last poll began must lead to another poll), that
// shutdown completed it, and that a handle left waiting was woken.
func TestTaskModel(t *testing.T) {
	for _, c := range taskModelCases(testing.Short()) {
		t.Run(c.name, func(t *testing.T) {
			if _, err := exploreTask(t, c.cfg, true, nil); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestTaskModelJoinHandleRewake shows why Task.complete takes a second
// look at the join slot after it sets COMPLETED, a bug this model found. A
// task that completes with its output swaps nil into the join slot, then
// sets COMPLETED, then wakes the waker the swap displaced. A handle polled
// for the first time between the swap and COMPLETED (from another
// goroutine: awaited on another executor, say) sees no COMPLETED and an
// empty slot, stores its waker with a CAS that succeeds, sees no COMPLETED
// again, and returns pending. Without the second look, complete wakes
// nobody and the awaiting task hangs. A failure is not affected: its slot
// is non-nil, and the handle returns it without waiting for COMPLETED.
func TestTaskModelJoinHandleRewake(t *testing.T) {
	cfg := taskModelConfig{join: true, noRewake: true}
	_, err := exploreTask(t, cfg, true, nil)
	if err == nil || !strings.Contains(err.Error(), "JoinHandle's waker was never woken") {
		t.Fatalf("without the second look, the model should lose the JoinHandle's wakeup; got %v", err)
	}
	t.Logf("without the second look:\n%v", err)
	cfg.noRewake, cfg.spurious, cfg.pending = false, 2, 2
	if _, err := exploreTask(t, cfg, true, nil); err != nil {
		t.Fatalf("with it: %v", err)
	}
}

// TestTaskModelStaleWakeRule shows why an executor drops a task that it
// pops complete. Executor shutdown cancels a live task whose SCHEDULED bit
// a waker on another goroutine has just set; that waker then pushes a
// COMPLETED task. Whoever pops it next (Close, or a later BlockOn) must
// drop it: running it would panic in transitionToRunning.
func TestTaskModelStaleWakeRule(t *testing.T) {
	cfg := taskModelConfig{wakes: 1, shutdown: true, pending: 1, noStaleRule: true}
	_, err := exploreTask(t, cfg, true, nil)
	if err == nil || !strings.Contains(err.Error(), "running a task in state COMPLETED") {
		t.Fatalf("without the rule, want a panic of transitionToRunning on a complete task; got %v", err)
	}
	t.Logf("without the rule:\n%v", err)
	cfg.noStaleRule = false
	if _, err := exploreTask(t, cfg, true, nil); err != nil {
		t.Fatalf("with the rule: %v", err)
	}
}

// TestTaskModelMatchesRun checks the model's executor, written out step by
// step, against the real Task.Run and Task.Shutdown: every way a run ends
// when each executor move is a whole call of the real code (the other
// actors moving only between calls) must be a way it ends step by step.
func TestTaskModelMatchesRun(t *testing.T) {
	for _, c := range taskModelCases(true) {
		t.Run(c.name, func(t *testing.T) {
			steps, calls := map[taskEnding]bool{}, map[taskEnding]bool{}
			if _, err := exploreTask(t, c.cfg, true, steps); err != nil {
				t.Fatal(err)
			}
			c.cfg.coarse = true
			if _, err := exploreTask(t, c.cfg, true, calls); err != nil {
				t.Fatal(err)
			}
			for e := range calls {
				if !steps[e] {
					t.Errorf("Task.Run and Task.Shutdown can end a run as the model cannot: %+v", e)
				}
			}
			t.Logf("%d endings step by step, %d with whole calls", len(steps), len(calls))
		})
	}
}

// TestTaskModelKeysAreWhole runs small explorations without the memo, every
// interleaving to its end, and checks that they count as many as with it:
// the keys hold the whole state, so the memo loses nothing.
func TestTaskModelKeysAreWhole(t *testing.T) {
	for _, cfg := range []taskModelConfig{
		{wakes: 1, abort: true, shutdown: true, pending: 1, selfWake: 1},
		{wakes: 1, join: true, spurious: 1, pending: 1},
	} {
		memo, err := exploreTask(t, cfg, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		all, err := exploreTask(t, cfg, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if memo.Interleavings != all.Interleavings || memo.States != all.States {
			t.Errorf("with the memo %v; without %v", memo, all)
		}
	}
}
