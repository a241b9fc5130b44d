package lock

import "github.com/asyncgo/async"

// Mutex is a fair mutual exclusion lock for tasks and goroutines. The zero
// value is an unlocked mutex. A Mutex must not be copied after first use.
//
// Lock returns a future that is ready once the lock is held; a task awaits
// it instead of blocking its goroutine. Unlock releases the lock. Like a
// sync.Mutex, a Mutex is not tied to a task or goroutine: one may lock it
// and another unlock it, and a task may hold it across awaits. That is
// this package's answer to tokio's owned guards, which Go has no use for:
// without destructors a guard would be one more thing to release.
//
// Callers are served in order: Unlock with waiters hands the lock to the
// oldest directly (it stays locked throughout, so nobody barges in), and
// TryLock fails while anyone waits.
type Mutex struct {
	s sem // one permit
}

// Lock returns a future that is ready once the caller holds the lock.
//
// The caller's place in line is taken now, not at the first poll: if the
// mutex is unlocked and nobody waits, Lock takes it at once (one atomic
// compare-and-swap), and otherwise the future is queued. So the future
// must be awaited or cancelled, never dropped. Cancelling it, even after
// the lock was handed to it, passes the lock on to the next waiter (or
// unlocks the mutex), so a cancelled Lock never keeps the lock.
//
// The future must not be used after it was ready or cancelled: its memory
// is reused.
func (m *Mutex) Lock() async.Future[struct{}] {
	if m.s.state.CompareAndSwap(0, one) {
		return (*mutexHeld)(m)
	}
	return m.lockSlow()
}

func (m *Mutex) lockSlow() async.Future[struct{}] {
	nd, j := m.s.join(1, 1, false, false)
	if j == joinedAcquired {
		return (*mutexHeld)(m)
	}
	return (*lockFuture)(nd)
}

// TryLock locks the mutex if it is unlocked and nobody waits, without
// waiting, and reports whether it did.
func (m *Mutex) TryLock() bool { return m.s.state.CompareAndSwap(0, one) }

// LockBlocking locks the mutex, blocking the calling goroutine until it is
// its turn (in the same line as the tasks'). Never call it from inside a
// future's Poll: it would block the executor, and with it, perhaps, the
// task that holds the lock.
func (m *Mutex) LockBlocking() {
	if m.s.state.CompareAndSwap(0, one) {
		return
	}
	if nd, j := m.s.join(1, 1, false, true); j == joinedQueued {
		nd.wait()
	}
}

// Unlock unlocks the mutex, or hands it to the oldest waiter. Any task or
// goroutine may unlock it, not only the one that locked it. Unlock of an
// unlocked Mutex panics.
func (m *Mutex) Unlock() {
	if !m.s.state.CompareAndSwap(one, 0) {
		m.s.release(1, 1, checkUnlock)
	}
}

// mutexHeld is a Lock that took the lock at once. It is the Mutex itself,
// seen as a future, so it costs no allocation and no field.
type mutexHeld Mutex

// Poll is ready: the lock is held. It takes a unit of the task's budget
// but does not give way for it (see the package doc).
func (f *mutexHeld) Poll(cx *async.Context) (struct{}, bool) {
	cx.Proceed() // see "Giving way" in the package doc: never while holding
	return struct{}{}, true
}

// Cancel unlocks the mutex, or hands it to the oldest waiter.
func (f *mutexHeld) Cancel() { (*Mutex)(f).Unlock() }

// lockFuture is a Lock, RLock or RwLock.Lock that waits in line (a node).
type lockFuture node

// Poll is ready once the lock is granted. Then it takes a unit of the
// task's budget, but does not give way for it (see the package doc).
func (f *lockFuture) Poll(cx *async.Context) (struct{}, bool) {
	_, done := (*node)(f).poll(cx.Waker())
	if done {
		cx.Proceed()
	}
	return struct{}{}, done
}

// Cancel leaves the line; if the lock was already granted, it passes it on.
func (f *lockFuture) Cancel() { (*node)(f).cancel() }
