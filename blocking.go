package async

import (
	"sync"
)

// SpawnBlocking runs fn on the blocking pool of the executor polling cx and
// returns the handle of its result. Code that must block (file I/O, cgo, a
// library with blocking calls) belongs there: called in a task, it would
// hold up every task of its worker. The pool is bounded (see package
// executor); a call beyond the bound waits for a pool goroutine.
//
// fn runs to its end even if the handle is aborted, since Go cannot stop a
// goroutine; its result is then dropped. A panic in fn becomes the
// handle's *PanicError. SpawnBlocking panics if cx belongs to no executor;
// an executor without a pool (one written outside this module that sets
// none) runs fn on a goroutine of its own.
//
//	h := async.SpawnBlocking(cx, func() []byte { b, _ := os.ReadFile(name); return b })
func SpawnBlocking[T any](cx *Context, fn func() T) JoinHandle[T] {
	return Spawn[T](cx, &blockingFuture[T]{fn: fn})
}

// blockingFuture hands fn to the pool at its first poll and is ready with
// its result.
type blockingFuture[T any] struct {
	fn func() T
	st *blockingState[T] // nil until the first poll
}

// blockingState is what the future and the pool's goroutine share.
type blockingState[T any] struct {
	mu       sync.Mutex
	waker    Waker // the latest poll's; nil once woken or cancelled
	finished bool
	v        T
	panicked any // what fn panicked with, re-panicked by Poll
}

func (f *blockingFuture[T]) Poll(cx *Context) (T, bool) {
	if f.st == nil {
		// The waker is stored before the goroutine runs, so one that
		// finishes at once still finds it.
		st := &blockingState[T]{waker: cx.Waker()}
		f.st = st
		fn := f.fn
		f.fn = nil
		if pool := cx.task().Pool(); pool != nil {
			pool.Go(func() { st.run(fn) })
		} else {
			go st.run(fn) // an executor without a pool
		}
		var zero T
		return zero, false
	}
	st := f.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.finished {
		st.waker = cx.Waker()
		var zero T
		return zero, false
	}
	if st.panicked != nil {
		panic(st.panicked)
	}
	return st.v, true
}

// Cancel drops the waker: fn runs on, and wakes nobody.
func (f *blockingFuture[T]) Cancel() {
	if f.st != nil {
		f.st.mu.Lock()
		f.st.waker = nil
		f.st.mu.Unlock()
	}
}

// run calls fn on a pool goroutine, and wakes the task outside the lock.
func (st *blockingState[T]) run(fn func() T) {
	var v T
	var panicked any
	func() {
		defer func() {
			if r := recover(); r != nil {
				panicked = asPanicError(r)
			}
		}()
		v = fn()
	}()
	st.mu.Lock()
	st.v, st.panicked, st.finished = v, panicked, true
	w := st.waker
	st.waker = nil
	st.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}
