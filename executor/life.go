package executor

import (
	"context"
	"errors"
	"sync"

	"github.com/asyncgo/async/task"
)

// life is what both executors keep of their own life, under one lock:
// whether they are closed, and the BlockOn in progress.
type life struct {
	mu        sync.Mutex
	closed    bool
	blockDone chan struct{} // closed when the BlockOn in progress returns
}

// beginBlockOn records a BlockOn starting, unless the executor is closed,
// and returns the channel endBlockOn closes, which Shutdown waits on.
func (l *life) beginBlockOn() (chan struct{}, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, false
	}
	l.blockDone = make(chan struct{})
	return l.blockDone, true
}

func (l *life) endBlockOn(done chan struct{}) {
	l.mu.Lock()
	l.blockDone = nil
	l.mu.Unlock()
	close(done)
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
