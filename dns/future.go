package dns

import (
	"context"
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/task"
)

// blockingFuture runs a blocking function on the executor's blocking pool
// (a goroutine of its own when polled without an executor) and is ready
// with its result. It starts on the first poll, so a future that is never
// polled costs nothing; Cancel cancels the function's context.
type blockingFuture[T any] struct {
	fn     func(ctx context.Context) (T, error)
	st     *blockingState[T] // nil until the first poll
	cancel context.CancelFunc
}

// blockingState is what the future and its goroutine share.
type blockingState[T any] struct {
	mu       sync.Mutex
	waker    async.Waker     // the latest poll's waker; nil once woken or cancelled
	finished bool            // the goroutine stored res
	res      async.Result[T] // set once, before finished
}

func newBlockingFuture[T any](fn func(ctx context.Context) (T, error)) *blockingFuture[T] {
	return &blockingFuture[T]{fn: fn}
}

// Poll starts the goroutine on the first call; later calls report its
// result, or store the new waker.
func (f *blockingFuture[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	if f.st == nil {
		f.start(cx.Waker(), (*task.Context)(cx).Pool())
		return async.Result[T]{}, false
	}
	st := f.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.finished {
		return st.res, true
	}
	// The goroutine wakes whatever waker is here when it finishes, so a
	// finish between two polls wakes the latest one.
	st.waker = cx.Waker()
	return async.Result[T]{}, false
}

// start stores the waker before the function runs, so one that finishes at
// once (before Poll even returns) still finds it.
func (f *blockingFuture[T]) start(w async.Waker, pool task.Pool) {
	ctx, cancel := context.WithCancel(context.Background())
	st := &blockingState[T]{waker: w}
	f.st, f.cancel = st, cancel
	fn := f.fn
	f.fn = nil
	if pool == nil {
		go st.run(ctx, cancel, fn)
		return
	}
	pool.Go(func() { st.run(ctx, cancel, fn) })
}

// run calls fn on its goroutine. It wakes outside the lock: a waker may do
// anything.
func (st *blockingState[T]) run(ctx context.Context, cancel context.CancelFunc, fn func(context.Context) (T, error)) {
	v, err := fn(ctx)
	cancel() // release the context's resources
	st.mu.Lock()
	st.res, st.finished = async.Result[T]{Value: v, Err: err}, true
	w := st.waker
	st.waker = nil
	st.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// Cancel drops the stored waker, so the goroutine wakes nobody, and then
// cancels the lookup's context, so it returns soon. In that order: a
// goroutine that saw the cancel first could wake the waker still stored.
func (f *blockingFuture[T]) Cancel() {
	if f.st == nil {
		return
	}
	f.st.mu.Lock()
	f.st.waker = nil
	f.st.mu.Unlock()
	f.cancel()
}
