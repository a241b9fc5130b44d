package task

// Exhaustive interleaving tests of the task state word (state.go), the
// join slot (join.go) and the executor protocol around them (task.go), in
// the spirit of tokio's loom.
//
// Go has no way to stop a goroutine between two atomic operations, so the
// model runs every actor on the test's goroutine and lets an explorer pick
// which actor takes its next step. A step is one atomic operation of the
// real code (each transitionTo* method is one compare-and-swap loop, so one
// step) or one plain action (a push, a pop, a call of the Body or of the
// Scheduler). The explorer (internal/model, shared with the queue's and
// oneshot's models) tries every choice at every step, depth first, and
// checks the invariants after each.
//
// The actors are the executor (pop, run the task's protocol step by step,
// requeue or complete it; at any moment between tasks it may shut down
// and cancel what is live), a waker on another goroutine
// (transitionToScheduled, then the Schedule it was told to make), an
// aborter (Task.Abort: transitionToAborted, then its Schedule) and a
// joiner (a task awaiting the JoinHandle, that is PollJoin, polled again
// only when woken). Executor shutdown is part of the executor actor, since
// it runs on the executor's goroutine. The steps call the real Task
// methods on a real Task whose Body is scripted (scriptTask), bound to a
// Scheduler of the model's (modelScheduler): Schedule puts the task on the
// modelled run queue, Release takes it off the modelled live list. The
// glue between the steps (what Task.Run, Task.Shutdown, Task.cancel,
// Task.complete and finishJoin do with the answers) is written out move by
// move here, and TestTaskModelMatchesRun checks it against Task.Run and
// Task.Shutdown themselves.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/asyncgo/async/internal/model"
)

// --- The modelled task ---

// modelOutput is what the scripted future is ready with.
const modelOutput = 42

// errModelPanic is the failure a poll of the scripted body may finish
// with: what async's task cell reports when its future panics.
var errModelPanic = errors.New("model: the future panicked")

// pollOutcome is what a poll of the scripted body does; the explorer
// chooses it.
type pollOutcome uint8

const (
	pollReady    pollOutcome = iota // ready with modelOutput
	pollPending                     // pending; the waker actor plays the event it waits for
	pollWakeSelf                    // wakes its own task, then pending (a yield)
	pollFail                        // the future panics: the body cancels it and reports errModelPanic
)

// scriptBody is what the scripted Body did and does next: plain values, so
// that it can go into a key whole.
type scriptBody struct {
	next      pollOutcome // what the coming poll does
	polls     int8
	pendings  int8 // polls that returned pending
	selfWakes int8
	cancels   int8 // calls of the future's Cancel, by the header or by a failed poll
	ready     bool // a poll reported done with the output
	failed    bool // a poll reported done with errModelPanic
	output    int  // the output, as async's cell stores it
	misuse    string
}

// scriptTask is a task with a scripted Body, laid out as async's cell
// is: the header, then the body's state.
type scriptTask struct {
	Task
	b scriptBody
}

// Poll implements Body: it does what the executor's move chose, and
// checks that the header keeps the Body's contract.
func (c *scriptTask) Poll(cx *Context) (done bool, err error) {
	b := &c.b
	b.polls++
	switch {
	case b.ready || b.failed:
		b.misused("polled after a poll reported it done")
	case b.cancels > 0:
		b.misused("polled after it was cancelled")
	}
	switch b.next {
	case pollReady:
		b.ready = true
		if !c.Detached() { // as async's cell does
			b.output = modelOutput
		}
		return true, nil
	case pollFail:
		// async's cell recovers the panic and cancels the future itself.
		b.failed = true
		b.cancels++
		return true, errModelPanic
	case pollWakeSelf:
		b.selfWakes++
		cx.Waker().Wake()
	}
	b.pendings++
	return false, nil
}

// Cancel implements Body.
func (c *scriptTask) Cancel() {
	b := &c.b
	b.cancels++
	switch {
	case b.ready || b.failed:
		b.misused("cancelled after a poll reported it done")
	case b.cancels > 1:
		b.misused("cancelled twice")
	}
}

func (b *scriptBody) misused(what string) {
	if b.misuse == "" {
		b.misuse = "the Body was " + what
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
	fail     bool // a poll may finish with a failure (the future panicked)

	// noStaleRule models Run without its first look at the state: it runs
	// a task it is given complete, instead of ignoring it as a stale wake
	// from a shutdown (see TestTaskModelStaleWakeRule).
	noStaleRule bool
	// noRewake models finishJoin as it was before the fix of a lost
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
	exCheck                    // popped: Task.Run ignores it if it is complete (a stale wake)
	exRunning                  // transitionToRunning
	exPoll                     // poll the Body (it stores the output if ready)
	exToIdle                   // transitionToIdle, after a pending poll
	exPush                     // queue the task again: Run reported requeue
	exCancel                   // cancel the Body (Task.cancel's step)
	exSwap                     // put the final join slot in (finishJoin)
	exComplete                 // transitionToCompleted
	exWakeJoin                 // wake the JoinHandle waker the swap displaced
	exRewake                   // wake a waker the handle stored after the swap
	exRelease                  // Scheduler.Release (Task.complete)
	exDrain                    // shutting down: pop a queued task, or go to the live ones
	exShutAbort                // Task.Shutdown: transitionToAborted(SHUTDOWN)
	exDone                     // shut down; a later pop (another BlockOn) is stale
	exRun                      // coarse: Task.Run
	exShutdownCall             // coarse: Task.Shutdown
)

// The executor's phase: where it goes once done with the task.
type exPhase uint8

const (
	phaseRun    exPhase = iota // running tasks
	phaseDrain                 // shutdownTasks: cancelling the queued tasks
	phaseLive                  // shutdownTasks: cancelling a live task, the queue empty
	phaseClosed                // after shutdownTasks: the queue and the live list were empty
)

// exState is the executor actor.
type exState struct {
	pc      exPC
	phase   exPhase
	live    bool // the task is in the executor's live list (Release takes it out)
	holds   bool // the executor has the task in hand (popped, running, cancelling)
	running bool // between transitionToRunning and the end of the poll
	err     slotKind
	final   slotKind // the join slot finishJoin swaps in
	prev    slotKind // the join slot the swap displaced
	stale   int8     // stale tasks Run or Shutdown found complete and left alone

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
	abortPush                 // told to push: about to call Schedule
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

// joinResult is what the JoinHandle gives: async.JoinHandle.Poll's Result,
// made of PollJoin's error and the body's output.
type joinResult struct {
	Value int
	Err   error
}

// taskModel is the state of the actors and the model's bookkeeping: all of
// a world's state but what lives in the real task and body.
type taskModel struct {
	queue     int8 // copies of the task in the run queue
	ex        exState
	releases  int8 // calls of Scheduler.Release
	wakesLeft int8
	wakePush  bool // the waker must push: transitionToScheduled said so
	abort     abortPC
	join      joinPC
	joinWoken bool       // the joiner's waker was called since its last poll
	spurious  int8       // spurious polls of the handle made
	got       joinResult // what the joiner's poll returned ready with

	// pendingWake: a wake happened since the last poll began, so another
	// poll (or completion) is owed.
	pendingWake bool
}

// taskKey is a world's whole state.
type taskKey struct {
	m     taskModel
	body  scriptBody
	state uint64
	slot  slotKind
}

// taskWorld is one run of the task model.
type taskWorld struct {
	cfg *taskModelConfig
	c   *scriptTask
	t   *Task
	cx  *Context // the executor's

	cancelErr error     // the error the executor cancels with
	finalSlot *joinSlot // the join slot finishJoin swaps in
	prev      *joinSlot // the join slot the swap displaced
	m         taskModel // copied into the key whole
	endings   map[taskEnding]bool
	list      []taskMove // the moves last listed
	names     []string

	// pusher is the actor whose move calls Schedule now ("" if none
	// should): Schedule at any other time is the real code pushing on its
	// own, which the model does not expect.
	pusher string
	// inExecutor: the executor's move is calling into the real code, the
	// only place Release may come from.
	inExecutor bool
	// schedErr is the first breach the Scheduler saw, reported after the
	// move that made it.
	schedErr error
}

// joinWaker is the joiner's waker.
type joinWaker struct{ w *taskWorld }

func (j joinWaker) Wake() { j.w.m.joinWoken = true }

// modelScheduler is the Scheduler the task is bound to: the model's run
// queue and live list.
type modelScheduler struct{ w *taskWorld }

// Schedule is the push of a waker or an aborter that was told to push.
func (s modelScheduler) Schedule(t *Task) {
	w := s.w
	switch {
	case t != w.t:
		w.schedFail(errors.New("Schedule of a task that is not the model's"))
	case w.pusher == "":
		w.schedFail(fmt.Errorf("Schedule called where no push is due (state %s): Wake, Run or Shutdown pushed on its own",
			stateString(t.state.Load())))
	default:
		w.schedFail(w.push(w.pusher))
	}
}

// Release is the executor forgetting the task: it leaves the live list.
// It must come once, from Run or Shutdown, after COMPLETED.
func (s modelScheduler) Release(t *Task) {
	w := s.w
	w.m.releases++
	switch {
	case t != w.t:
		w.schedFail(errors.New("Release of a task that is not the model's"))
	case !w.inExecutor:
		w.schedFail(errors.New("Release called outside the executor's Run or Shutdown"))
	case !t.Completed():
		w.schedFail(fmt.Errorf("Release of a task that is not complete (state %s)", stateString(t.state.Load())))
	case w.m.releases > 1:
		w.schedFail(fmt.Errorf("Release called %d times", w.m.releases))
	case !w.m.ex.live:
		w.schedFail(errors.New("Release of a task that is not in the live list"))
	}
	w.m.ex.live = false
}

func (w *taskWorld) schedFail(err error) {
	if w.schedErr == nil {
		w.schedErr = err
	}
}

func newTaskWorld(cfg *taskModelConfig) *taskWorld {
	c := &scriptTask{}
	c.Init(c)
	w := &taskWorld{cfg: cfg, c: c, t: &c.Task}
	w.t.Bind(modelScheduler{w})
	w.cx = NewContext(nil, nil)
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
	mvPollFail
	mvToIdle
	mvPush
	mvCancel
	mvSwap
	mvComplete
	mvWakeJoin
	mvRewake
	mvRelease
	mvDrain
	mvShutAbort
	mvRunReady
	mvRunPending
	mvRunWakeSelf
	mvRunFail
	mvRunCancel
	mvRunStale
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
	mvCheck:        "executor: Task.Run ignores the task if complete",
	mvRunning:      "executor: transitionToRunning",
	mvPollReady:    "executor: poll → ready",
	mvPollPending:  "executor: poll → pending",
	mvPollWakeSelf: "executor: poll → wakes itself, pending",
	mvPollFail:     "executor: poll → fails (panicked)",
	mvToIdle:       "executor: transitionToIdle",
	mvPush:         "executor: push (Run reported requeue)",
	mvCancel:       "executor: cancel the Body",
	mvSwap:         "executor: swap the join slot",
	mvComplete:     "executor: transitionToCompleted",
	mvWakeJoin:     "executor: wake the JoinHandle",
	mvRewake:       "executor: wake a JoinHandle that came after the swap",
	mvRelease:      "executor: Scheduler.Release",
	mvDrain:        "executor shutdown: pop a queued task, or go to the live ones",
	mvShutAbort:    "executor shutdown: transitionToAborted(SHUTDOWN)",
	mvRunReady:     "executor: Task.Run, poll → ready",
	mvRunPending:   "executor: Task.Run, poll → pending",
	mvRunWakeSelf:  "executor: Task.Run, poll → wakes itself, pending",
	mvRunFail:      "executor: Task.Run, poll → fails (panicked)",
	mvRunCancel:    "executor: Task.Run (aborted: cancels)",
	mvRunStale:     "executor: Task.Run (complete: a stale wake)",
	mvShutdownCall: "executor shutdown: Task.Shutdown",
	mvWake:         "waker: transitionToScheduled",
	mvWakePush:     "waker: Schedule",
	mvAbort:        "aborter: transitionToAborted",
	mvAbortPush:    "aborter: Schedule",
	mvJoinPoll:     "joiner: PollJoin",
	mvJoinSpurious: "joiner: PollJoin, not woken (spurious)",
}

func (w *taskWorld) Moves() []string {
	w.list = w.list[:0]
	add := func(ms ...taskMove) { w.list = append(w.list, ms...) }
	m, ex, b := &w.m, &w.m.ex, &w.c.b
	canPend := b.pendings < w.cfg.pending
	canWakeSelf := canPend && b.selfWakes < w.cfg.selfWake
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
		if w.cfg.fail {
			add(mvPollFail)
		}
	case exToIdle:
		add(mvToIdle)
	case exPush:
		add(mvPush)
	case exCancel:
		add(mvCancel)
	case exSwap:
		add(mvSwap)
	case exComplete:
		add(mvComplete)
	case exWakeJoin:
		add(mvWakeJoin)
	case exRewake:
		add(mvRewake)
	case exRelease:
		add(mvRelease)
	case exDrain:
		add(mvDrain)
	case exShutAbort:
		add(mvShutAbort)
	case exDone:
		if m.queue > 0 {
			add(mvPop)
		}
	case exRun:
		// Run reads the state first: a complete task is left alone and an
		// aborted one is cancelled, not polled, so what the poll would do
		// does not matter.
		s := w.t.state.Load()
		switch {
		case s&completed != 0:
			add(mvRunStale)
		case s&aborted != 0:
			add(mvRunCancel)
		default:
			add(mvRunReady)
			if canPend {
				add(mvRunPending)
			}
			if canWakeSelf {
				add(mvRunWakeSelf)
			}
			if w.cfg.fail {
				add(mvRunFail)
			}
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
	if w.schedErr != nil {
		return w.schedErr
	}
	return w.check()
}

func (w *taskWorld) do(mv taskMove) error {
	m, ex, t := &w.m, &w.m.ex, w.t
	switch mv {
	// The executor.
	case mvPop:
		if ex.phase == phaseClosed && !t.Completed() {
			return errors.New("a task popped after shutdown is not complete: it outlived the shutdown")
		}
		m.queue--
		ex.holds = true
		switch {
		case w.cfg.coarse:
			ex.pc = exRun
		case w.cfg.noStaleRule:
			ex.pc = exRunning
		default:
			ex.pc = exCheck
		}
	case mvShutdown:
		ex.phase, ex.pc = phaseDrain, exDrain
	case mvCheck:
		// Task.Run's rule: a task found complete is a stale wake from a
		// shutdown, left alone.
		if t.Completed() {
			ex.stale++
			ex.holds = false
			w.afterTask()
			return nil
		}
		ex.pc = exRunning
	case mvRunning:
		cancel := t.transitionToRunning(0)
		ex.running = true
		m.pendingWake = false // this poll sees every event woken for so far
		if cancel {
			w.cancelWith(t.abortError())
		} else {
			ex.pc = exPoll
		}
	case mvPollReady, mvPollPending, mvPollWakeSelf, mvPollFail:
		w.c.b.next = outcomeOf(mv)
		w.cx.waker, w.cx.budget = t, Budget // as Task.Run sets them
		done, err := t.body().Poll(w.cx)
		if done {
			// Task.run: complete(err), the output stored by the Body.
			w.finishWith(err)
			break
		}
		if mv == mvPollWakeSelf {
			m.pendingWake = true // woken after this poll began
		}
		ex.pc = exToIdle
	case mvToIdle:
		// Nothing but the executor completes a task it is polling.
		if t.state.Load()&completed != 0 {
			return errors.New("the task completed while the executor was polling it")
		}
		act := t.transitionToIdle()
		ex.running = false
		switch act {
		case actionReschedule:
			// Run reports requeue: the executor queues the task itself.
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
		// Task.cancel: the Body cancels the future, then complete(err).
		t.body().Cancel()
		w.finishWith(w.cancelErr)
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
		default:
			w.afterWakeJoin()
		}
	case mvWakeJoin:
		w.prev.waker.Wake()
		w.afterWakeJoin()
	case mvRewake:
		if cur := t.join.Load(); cur != nil && cur.waker != nil {
			cur.waker.Wake()
		}
		ex.pc = exRelease
	case mvRelease:
		// Task.complete: the Scheduler forgets the task.
		w.inExecutor = true
		t.sched.Release(t)
		w.inExecutor = false
		ex.holds = false
		w.afterTask()
	case mvDrain:
		// shutdownTasks pops what is queued and shuts it down, then turns
		// to the live list.
		switch {
		case m.queue > 0:
			m.queue--
			ex.holds = true
			ex.pc = exShutAbort
			if w.cfg.coarse {
				ex.pc = exShutdownCall
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
		// Task.Shutdown: request the cancellation; a complete task (a stale
		// entry of the queue) is left alone, any other cancelled (the push
		// transitionToAborted asks for is not needed: the executor cancels
		// it here and now).
		if !t.transitionToAborted(shutdown) && t.state.Load()&completed != 0 {
			ex.stale++
			ex.holds = false
			w.afterTask()
			return nil
		}
		ex.shutCancel = true
		w.cancelWith(t.abortError())

	// The executor, a whole call of the real code at a time.
	case mvRunReady, mvRunPending, mvRunWakeSelf, mvRunFail, mvRunCancel, mvRunStale:
		w.c.b.next = outcomeOf(mv)
		polls := w.c.b.polls
		w.inExecutor = true
		requeue := t.Run(w.cx)
		w.inExecutor = false
		if w.cx.waker != nil {
			return errors.New("Task.Run left a waker in the executor's Context")
		}
		if mv == mvRunStale {
			ex.stale++
			if requeue || w.c.b.polls != polls {
				return errors.New("Task.Run ran a complete task")
			}
		} else {
			m.pendingWake = mv == mvRunWakeSelf && w.c.b.polls > polls
		}
		ex.holds = false
		if requeue {
			ex.pc = exPush
		} else {
			w.afterTask()
		}
	case mvShutdownCall:
		if t.Completed() {
			ex.stale++
		} else {
			ex.shutCancel = true
		}
		w.inExecutor = true
		t.Shutdown()
		w.inExecutor = false
		ex.holds = false
		w.afterTask()

	// The waker: Task.Wake, one step at a time.
	case mvWake:
		m.wakesLeft--
		m.wakePush = t.transitionToScheduled()
		m.pendingWake = true
	case mvWakePush:
		m.wakePush = false
		w.pusher = "waker"
		t.sched.Schedule(t)
		w.pusher = ""

	// The aborter: Task.Abort, one step at a time.
	case mvAbort:
		m.abort = abortDone
		if t.transitionToAborted(0) {
			m.abort = abortPush
		}
	case mvAbortPush:
		m.abort = abortDone
		w.pusher = "aborter"
		t.sched.Schedule(t)
		w.pusher = ""

	// The joiner: a task awaiting the JoinHandle, whose Poll is PollJoin
	// and then, on success, the output the Body stored.
	case mvJoinPoll, mvJoinSpurious:
		if mv == mvJoinSpurious {
			m.spurious++
		}
		m.joinWoken = false
		done, err := t.PollJoin(joinWaker{w})
		if !done {
			m.join = joinWaiting
			return nil
		}
		r := joinResult{Err: err}
		if err == nil {
			if t.state.Load()&completed == 0 {
				return errors.New("the JoinHandle took the output before COMPLETED was set")
			}
			r.Value = w.c.b.output
		}
		m.join, m.got = joinDone, r
		if want := w.expected(); r != want {
			return fmt.Errorf("the JoinHandle is ready with %+v, want %+v", r, want)
		}
	}
	return nil
}

// outcomeOf is what a poll move makes the Body do.
func outcomeOf(mv taskMove) pollOutcome {
	switch mv {
	case mvPollPending, mvRunPending:
		return pollPending
	case mvPollWakeSelf, mvRunWakeSelf:
		return pollWakeSelf
	case mvPollFail, mvRunFail:
		return pollFail
	}
	return pollReady
}

// cancelWith sends the executor down Task.cancel's steps with err.
func (w *taskWorld) cancelWith(err error) {
	w.cancelErr = err
	w.m.ex.err = kindOfErr(err)
	w.m.ex.pc = exCancel
}

// finishWith sends the executor down Task.complete's steps with err:
// finishJoin, then Release.
func (w *taskWorld) finishWith(err error) {
	w.finalSlot = nil
	if err != nil {
		w.finalSlot = failed(err)
	}
	w.m.ex.final = kindOfSlot(w.finalSlot)
	w.m.ex.pc = exSwap
}

// afterWakeJoin is where finishJoin goes once the displaced waker is
// woken: its second look at the slot for a success, then Release.
func (w *taskWorld) afterWakeJoin() {
	if w.finalSlot == nil && !w.cfg.noRewake {
		w.m.ex.pc = exRewake
		return
	}
	w.m.ex.pc = exRelease
}

// push puts the task on the modelled run queue.
func (w *taskWorld) push(who string) error {
	if w.m.queue > 0 {
		return fmt.Errorf("%s pushes the task while it is queued: it would be in the queue twice", who)
	}
	w.m.queue++
	return nil
}

// afterTask moves the executor on to what its phase does next. Shutdown
// goes round shutdownTasks' loop: once it has shut a task down, it looks
// at the queue again, where a waker may have pushed the task meanwhile (a
// stale entry, which Shutdown then leaves alone).
func (w *taskWorld) afterTask() {
	ex := &w.m.ex
	switch ex.phase {
	case phaseRun:
		ex.pc = exIdle
	case phaseDrain, phaseLive:
		ex.phase, ex.pc = phaseDrain, exDrain
	default:
		ex.phase, ex.pc = phaseClosed, exDone
	}
}

// result is what the JoinHandle reads now from a complete task: its
// failure, or the Body's output.
func (w *taskWorld) result() joinResult {
	if err := w.t.Failure(); err != nil {
		return joinResult{Err: err}
	}
	return joinResult{Value: w.c.b.output}
}

// expected is the result the JoinHandle must give once the task is
// complete (or its failure is known).
func (w *taskWorld) expected() joinResult {
	switch {
	case w.c.b.ready:
		return joinResult{Value: modelOutput}
	case w.c.b.failed:
		return joinResult{Err: errModelPanic}
	case w.t.state.Load()&shutdown != 0:
		// SHUTDOWN is set only with ABORTED and only if no Abort came
		// first: an Abort's request wins, as Abort promises.
		return joinResult{Err: ErrShutdown}
	}
	return joinResult{Err: ErrAborted}
}

// check verifies the invariants of the state after every move.
func (w *taskWorld) check() error {
	s := w.t.state.Load()
	m, ex, b := &w.m, &w.m.ex, &w.c.b
	switch {
	case b.misuse != "":
		return errors.New(b.misuse)
	case s&completed != 0 && s&(scheduled|running) != 0:
		return fmt.Errorf("state %s: COMPLETED with SCHEDULED or RUNNING", stateString(s))
	case (s&running != 0) != ex.running:
		return fmt.Errorf("state %s, but the executor polling the task is %v", stateString(s), ex.running)
	}
	if s&completed != 0 {
		// Complete: the future is done with, exactly one of ready, failed
		// or cancelled; the handle reads the outcome (the output is
		// published); the executor releases the task before it moves on.
		if n := b2i(b.ready) + b2i(b.failed) + b2i(b.cancels > 0 && !b.failed); n != 1 {
			return fmt.Errorf("complete with the future ready=%v, failed=%v and cancelled %d times", b.ready, b.failed, b.cancels)
		}
		if r, want := w.result(), w.expected(); r != want {
			return fmt.Errorf("complete: the JoinHandle would read %+v, want %+v", r, want)
		}
		if m.join == joinDone && w.cfg.join && m.got != w.result() {
			return fmt.Errorf("the JoinHandle gave %+v, and now says %+v", m.got, w.result())
		}
		if m.releases == 0 && ex.pc != exWakeJoin && ex.pc != exRewake && ex.pc != exRelease {
			return errors.New("complete, and the executor moved on without calling Release")
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

// Final verifies the invariants of a state in which no actor can move.
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
	case complete && m.releases != 1:
		return fmt.Errorf("complete, and Release was called %d times, not once", m.releases)
	case complete && ex.live:
		return errors.New("complete but still in the executor's live list")
	case m.join == joinWaiting && !m.joinWoken && complete:
		return errors.New("the task is complete but the JoinHandle's waker was never woken: a lost wakeup")
	}
	return nil
}

func (w *taskWorld) Key() taskKey {
	b := w.c.b
	b.next = pollReady // the last poll's choice is done with
	return taskKey{
		m:     w.m,
		body:  b,
		state: w.t.state.Load(),
		slot:  kindOfSlot(w.t.join.Load()),
	}
}

// taskEnding is how a run ended, in terms that the step-by-step executor
// and the one made of whole Task.Run and Task.Shutdown calls share.
type taskEnding struct {
	state     uint64
	slot      slotKind
	body      scriptBody
	live      bool
	releases  int8
	stale     int8
	join      joinPC
	joinWoken bool
	got       joinResult
}

func (w *taskWorld) ending() taskEnding {
	m := &w.m
	b := w.c.b
	b.next = 0 // what a cancelled task's last move chose does not matter
	return taskEnding{
		state: w.t.state.Load(), slot: kindOfSlot(w.t.join.Load()), body: b,
		live: m.ex.live, releases: m.releases, stale: m.ex.stale,
		join: m.join, joinWoken: m.joinWoken, got: m.got,
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
// waker) after waking itself; the waker wakes up to three times. With all
// three actors, it may also panic (the Body reports a failure). Under
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
		{"waker+aborter+joiner+fail", taskModelConfig{wakes: n - 1, abort: true, join: true, spurious: 1, pending: n, selfWake: n - 1, fail: true}},
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
// step that the Body is never polled or cancelled after it is done, that
// the task is never in the queue twice, never lost (SCHEDULED always has
// exactly one party that will queue or run the task, and an idle task has
// none), that the real code calls Schedule only where the model's waker or
// aborter was told to push, and Release once, from Run or Shutdown, after
// COMPLETED and before the executor moves on, that the handle reads the
// outcome as soon as COMPLETED is set and never another; and at the end of
// every run that the task is complete or idle with no wake owed (a wake
// after the last poll began must lead to another poll), that shutdown
// completed it, that it was released, and that a handle left waiting was
// woken.
func TestTaskModel(t *testing.T) {
	for _, c := range taskModelCases(testing.Short()) {
		t.Run(c.name, func(t *testing.T) {
			if _, err := exploreTask(t, c.cfg, true, nil); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestTaskModelJoinHandleRewake shows why finishJoin takes a second look
// at the join slot after it sets COMPLETED, a bug this model found. A task
// that completes with its output swaps nil into the join slot, then sets
// COMPLETED, then wakes the waker the swap displaced. A handle polled for
// the first time between the swap and COMPLETED (from another goroutine:
// awaited on another executor, say) sees no COMPLETED and an empty slot,
// stores its waker with a CAS that succeeds, sees no COMPLETED again, and
// returns pending. Without the second look, finishJoin wakes nobody and
// the awaiting task hangs. A failure is not affected: its slot is non-nil,
// and the handle returns it without waiting for COMPLETED.
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

// TestTaskModelStaleWakeRule shows why Task.Run ignores a task it finds
// complete. Executor shutdown cancels a live task whose SCHEDULED bit a
// waker on another goroutine has just set; that waker then pushes (calls
// Schedule for) a COMPLETED task. Whoever pops it next (a later BlockOn)
// must leave it alone: running it would panic in transitionToRunning.
// (Shutdown, which Close calls on what it pops, leaves a complete task
// alone by itself.)
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
		{abort: true, join: true, shutdown: true, pending: 1, fail: true},
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
