package testfut

import (
	"sync/atomic"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/task"
)

// Waker is an async.Waker that counts its wakes. The zero value is ready
// to use; use it by pointer. It is safe from any goroutine.
type Waker struct {
	wakes atomic.Int64
}

// Wake counts one wake.
func (w *Waker) Wake() { w.wakes.Add(1) }

// Wakes returns how many times Wake was called.
func (w *Waker) Wakes() int { return int(w.wakes.Load()) }

// NewContext returns a Context with waker w and no executor or reactor,
// for polling futures that need neither by hand.
func NewContext(w async.Waker) *async.Context { return ReactorContext(w, nil) }

// ReactorContext returns a Context with waker w and reactor r (which may
// be nil) and no executor, for polling leaf futures by hand. Call
// ResetBudget before each poll, as an executor would.
func ReactorContext(w async.Waker, r *reactor.Reactor) *async.Context {
	cx := task.NewContext(nil, r)
	cx.SetWaker(w)
	return (*async.Context)(cx)
}

// ResetBudget gives the next poll with cx a full budget, as an executor
// does before every poll.
func ResetBudget(cx *async.Context) { (*task.Context)(cx).ResetBudget() }
