package testfut

import (
	"sync/atomic"

	"github.com/asyncgo/async"
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
func NewContext(w async.Waker) *async.Context {
	cx := async.NewContext(nil, nil)
	cx.SetWaker(w)
	return cx
}
