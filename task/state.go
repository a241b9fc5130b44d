package task

import (
	"fmt"
	"strings"
)

// The state word of a task. Every transition is one compare-and-swap loop
// in a named method below that returns what its caller must do next.
//
//	bit  5         4          3         2           1         0
//	   +---------+----------+---------+-----------+---------+-----------+
//	   | SHUTDOWN| DETACHED | ABORTED | COMPLETED | RUNNING | SCHEDULED |
//	   +---------+----------+---------+-----------+---------+-----------+
//
//	SCHEDULED  the task is in a run queue, or is about to be put in one by
//	           whoever set the bit. Set by Wake while idle (the waker then
//	           pushes it) or while running (the executor re-queues it when
//	           the poll returns). Never set together with COMPLETED;
//	           but a shutdown can complete a task whose waker has set
//	           the bit and not yet pushed it, and that push then queues a
//	           complete task, which the executor drops when it pops it.
//	RUNNING    an executor is polling the future. Only the executor that
//	           popped the task sets and clears it.
//	COMPLETED  the future is finished: ready, cancelled or panicked. The
//	           output or the failure is stored and never changes again.
//	ABORTED    cancellation was requested (JoinHandle.Abort or shutdown).
//	           The executor cancels the future instead of polling it.
//	DETACHED   nobody will take the output; it is dropped at completion.
//	SHUTDOWN   with ABORTED: the cancellation came from the executor
//	           shutting down, so the handle reports ErrShutdown.
//
// Bits 32 to 63 hold the number of the worker that last ran the task (see
// Task.Worker), written by transitionToRunning with the rest of the word;
// no transition depends on them.
const (
	scheduled uint64 = 1 << iota
	running
	completed
	aborted
	detached
	shutdown

	workerShift = 32
	flagsMask   = 1<<workerShift - 1
)

// stateString names the bits of s, for panics and tests.
func stateString(s uint64) string {
	var names []string
	for i, name := range []string{"SCHEDULED", "RUNNING", "COMPLETED", "ABORTED", "DETACHED", "SHUTDOWN"} {
		if s&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "IDLE"
	}
	return strings.Join(names, "|")
}

// transitionToScheduled is Wake's step. It reports whether the caller must
// push the task onto its queue: true only when the task was idle. A running
// task is marked so that its executor re-queues it after the poll.
func (t *Task) transitionToScheduled() (push bool) {
	for {
		s := t.state.Load()
		if s&(scheduled|completed) != 0 {
			return false
		}
		next := s | scheduled
		if t.state.CompareAndSwap(s, next) {
			return s&running == 0
		}
	}
}

// transitionToRunning is the executor's step before a poll by worker. It
// clears SCHEDULED, sets RUNNING and records the worker, and reports
// whether the task was aborted and must be cancelled instead of polled.
func (t *Task) transitionToRunning(worker uint32) (cancel bool) {
	for {
		s := t.state.Load()
		if s&(scheduled|running|completed) != scheduled {
			panic(fmt.Sprintf("async: running a task in state %s", stateString(s&flagsMask)))
		}
		next := (s&^scheduled|running)&flagsMask | uint64(worker)<<workerShift
		if t.state.CompareAndSwap(s, next) {
			return s&aborted != 0
		}
	}
}

// runAction is what the executor must do with a task after a poll.
type runAction uint8

const (
	// actionIdle: the task waits for a waker; nothing to do.
	actionIdle runAction = iota
	// actionReschedule: the task was woken during its poll; queue it.
	actionReschedule
	// actionCancel: the task was aborted during its poll; cancel it now.
	actionCancel
)

// transitionToIdle is the executor's step after a poll that returned
// pending. It clears RUNNING and says what the executor must do next.
func (t *Task) transitionToIdle() runAction {
	for {
		s := t.state.Load()
		next := s &^ running
		if t.state.CompareAndSwap(s, next) {
			switch {
			case s&aborted != 0:
				return actionCancel
			case s&scheduled != 0:
				return actionReschedule
			}
			return actionIdle
		}
	}
}

// transitionToCompleted marks the future finished. The output or failure
// must be stored before it: the state's atomic store publishes them to the
// JoinHandle, which reads them after it sees COMPLETED.
func (t *Task) transitionToCompleted() {
	for {
		s := t.state.Load()
		if t.state.CompareAndSwap(s, (s|completed)&^(running|scheduled)) {
			return
		}
	}
}

// transitionToAborted requests cancellation. It reports whether the caller
// must push the task so that its executor sees the request: true only when
// the task was idle (a queued or running task is seen anyway).
func (t *Task) transitionToAborted(flags uint64) (push bool) {
	for {
		s := t.state.Load()
		if s&(completed|aborted) != 0 {
			return false
		}
		next := s | aborted | flags | scheduled
		if t.state.CompareAndSwap(s, next) {
			return s&(scheduled|running) == 0
		}
	}
}
