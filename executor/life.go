package executor

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async/task"
)

// life is what both executors keep of their own life: whether a BlockOn
// is running, and, under one lock, whether they are closed and the channel
// the BlockOn in progress closes when it returns.
type life struct {
	running   atomic.Bool
	mu        sync.Mutex
	closed    bool
	blockDone chan struct{}
}

// enter starts a BlockOn: it fails with ErrBusy if one is running, and
// with ErrClosed if the executor is closed. It returns the channel leave
// closes, which Shutdown waits on.
func (l *life) enter() (chan struct{}, error) {
	if !l.running.CompareAndSwap(false, true) {
		return nil, ErrBusy
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		l.running.Store(false)
		return nil, ErrClosed
	}
	l.blockDone = make(chan struct{})
	return l.blockDone, nil
}

// leave ends the BlockOn that enter started.
func (l *life) leave(done chan struct{}) {
	l.mu.Lock()
	l.blockDone = nil
	l.mu.Unlock()
	close(done)
	l.running.Store(false)
}

// close marks the executor closed and returns the channel of the BlockOn
// in progress, if any. It reports false if the executor was closed.
func (l *life) close() (blockDone chan struct{}, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, false
	}
	l.closed = true
	return l.blockDone, true
}

// admit runs take, under the lock, unless the executor is closed; then it
// shuts t down instead. Spawns from other goroutines go through it, so
// that none slips in after a Close has cancelled what was there.
func (l *life) admit(t *task.Task, take func()) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		t.Shutdown()
		return
	}
	take()
	l.mu.Unlock()
}

// closeNow is Close for either executor: unless a BlockOn runs (ErrBusy)
// or the executor was closed (ErrClosed), it cancels the tasks with
// shutdownTasks, waits for the blocking pool's calls, and closes the
// reactor with closeIO.
func closeNow(l *life, shutdownTasks func(), pool *blockingPool, closeIO func() error) error {
	if l.running.Load() {
		return ErrBusy
	}
	if _, ok := l.close(); !ok {
		return ErrClosed
	}
	shutdownTasks()
	pool.close()
	return closeIO()
}

// shutdown is Shutdown for either executor: it closes l, ends the BlockOn
// in progress with stopBlockOn and waits for it (which cancels the tasks),
// or cancels them itself with shutdownTasks, then closes the blocking pool
// (waiting until ctx is done) and the reactor with closeIO.
func shutdown(ctx context.Context, l *life, stopBlockOn, shutdownTasks func(), pool *blockingPool, closeIO func() error) error {
	done, ok := l.close()
	if !ok {
		return ErrClosed
	}
	if done != nil {
		stopBlockOn()
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	} else {
		shutdownTasks()
	}
	return errors.Join(closePool(ctx, pool), closeIO())
}
