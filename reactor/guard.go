package reactor

import (
	"fmt"
	"runtime/debug"
)

// WakerPanicError is the error of a turn in which a waker panicked.
//
// A Waker must not panic: the reactor calls it on the goroutine that turns
// it, which belongs to no task that could take the blame. So the turn
// recovers the panic, goes on delivering every other wakeup of its events
// and timers (nothing else is lost), and then returns this error for the
// first waker that panicked. The task behind that waker will never be
// woken, so an executor treats the error as fatal to the run: BlockOn
// returns it, after cancelling the future it was given and every task, as
// it does when any turn fails. The executor and the reactor stay usable.
type WakerPanicError struct {
	Value any    // what the waker panicked with
	Stack []byte // the turning goroutine's stack where it panicked
}

// Error says that a waker panicked, and with what.
func (e *WakerPanicError) Error() string {
	return fmt.Sprintf("reactor: a waker panicked: %v", e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *WakerPanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// wakeGuard is the Parker that a turn hands to its wakeups. It passes each
// waker on to the executor's Parker (or calls it, if no executor turns
// the reactor) and recovers a panic, so one faulty waker cannot stop the
// turn's other wakeups. One lives in the Reactor, used under turnMu, so
// guarding costs no allocation.
type wakeGuard struct {
	p     Parker           // the executor turning the reactor, or nil
	fault *WakerPanicError // the first waker that panicked in this turn
}

// Awake is never called: a turn tells the executor's Parker itself.
func (g *wakeGuard) Awake() {}

// WakeFromTurn wakes w through the executor's Parker, recovering a panic.
func (g *wakeGuard) WakeFromTurn(w Waker) {
	defer g.recover()
	if g.p != nil {
		g.p.WakeFromTurn(w)
		return
	}
	w.Wake()
}

func (g *wakeGuard) recover() {
	if v := recover(); v != nil && g.fault == nil {
		g.fault = &WakerPanicError{Value: v, Stack: debug.Stack()}
	}
}

// begin readies the guard for a turn on behalf of p.
func (g *wakeGuard) begin(p Parker) Parker {
	g.p, g.fault = p, nil
	return g
}

// end returns the turn's fault, if any, and forgets the executor's Parker.
func (g *wakeGuard) end() error {
	fault := g.fault
	g.p, g.fault = nil, nil
	if fault != nil {
		return fault
	}
	return nil
}
