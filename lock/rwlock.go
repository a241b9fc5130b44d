package lock

import "github.com/asyncgo/async"

// maxReaders is an RwLock's capacity: a reader takes one permit, a writer
// all of them. More readers than this at once make RLock wait, as if a
// writer held the lock.
const maxReaders = 1 << 30

// RwLock is a fair reader/writer lock for tasks and goroutines: any number
// of readers, or one writer. The zero value is an unlocked RwLock. An
// RwLock must not be copied after first use.
//
// It is fair, in one line for readers and writers: a reader that arrives
// while a writer waits queues behind that writer, so a stream of readers
// cannot starve a writer; when the lock comes free, the readers at the
// front of the line are admitted together, up to the next writer. A
// writer at the front collects the lock as the readers ahead of it leave.
//
// As with Mutex, any task or goroutine may unlock, and a task may hold a
// lock across awaits.
type RwLock struct {
	s sem // maxReaders permits
}

// RLock returns a future that is ready once the caller holds a read lock.
// As with Mutex.Lock, the caller's place in line is taken now: the read
// lock is taken at once if no writer holds the lock and nobody waits, and
// otherwise the future is queued. Cancelling it gives the read lock back,
// or leaves the line. The future must not be used after it was ready or
// cancelled.
func (rw *RwLock) RLock() async.Future[struct{}] {
	if rw.s.tryAcquire(1, maxReaders) {
		return (*readHeld)(rw)
	}
	return rw.rlockSlow()
}

func (rw *RwLock) rlockSlow() async.Future[struct{}] {
	nd, j := rw.s.join(1, maxReaders, false, false)
	if j == joinedAcquired {
		return (*readHeld)(rw)
	}
	return (*lockFuture)(nd)
}

// Lock returns a future that is ready once the caller holds the write
// lock. As with Mutex.Lock, the caller's place in line is taken now.
// Cancelling it, even after the lock was handed to it, passes the lock on.
// The future must not be used after it was ready or cancelled.
func (rw *RwLock) Lock() async.Future[struct{}] {
	if rw.s.state.CompareAndSwap(0, maxReaders<<shift) {
		return (*writeHeld)(rw)
	}
	return rw.lockSlow()
}

func (rw *RwLock) lockSlow() async.Future[struct{}] {
	nd, j := rw.s.join(maxReaders, maxReaders, false, false)
	if j == joinedAcquired {
		return (*writeHeld)(rw)
	}
	return (*lockFuture)(nd)
}

// TryRLock takes a read lock if no writer holds the lock and nobody waits,
// without waiting, and reports whether it did.
func (rw *RwLock) TryRLock() bool { return rw.s.tryAcquire(1, maxReaders) }

// TryLock takes the write lock if the lock is free and nobody waits,
// without waiting, and reports whether it did.
func (rw *RwLock) TryLock() bool { return rw.s.state.CompareAndSwap(0, maxReaders<<shift) }

// RLockBlocking takes a read lock, blocking the calling goroutine until it
// is its turn. Never call it from inside a future's Poll.
func (rw *RwLock) RLockBlocking() {
	if rw.s.tryAcquire(1, maxReaders) {
		return
	}
	if nd, j := rw.s.join(1, maxReaders, false, true); j == joinedQueued {
		nd.wait()
	}
}

// LockBlocking takes the write lock, blocking the calling goroutine until
// it is its turn. Never call it from inside a future's Poll.
func (rw *RwLock) LockBlocking() {
	if rw.s.state.CompareAndSwap(0, maxReaders<<shift) {
		return
	}
	if nd, j := rw.s.join(maxReaders, maxReaders, false, true); j == joinedQueued {
		nd.wait()
	}
}

// RUnlock gives back one read lock; the last reader to leave hands the
// lock to the writer waiting at the front, if any. It panics if the lock
// is not held for reading.
func (rw *RwLock) RUnlock() {
	for {
		st := rw.s.state.Load()
		if st&queuedBit != 0 || st>>shift < 1 || st>>shift >= maxReaders {
			rw.s.release(1, maxReaders, checkRUnlock)
			return
		}
		if rw.s.state.CompareAndSwap(st, st-one) {
			return
		}
	}
}

// Unlock gives back the write lock: the readers at the front of the line,
// or the writer there, get it. It panics if the lock is not held for
// writing.
func (rw *RwLock) Unlock() {
	if !rw.s.state.CompareAndSwap(maxReaders<<shift, 0) {
		rw.s.release(maxReaders, maxReaders, checkWUnlock)
	}
}

// readHeld is an RLock that took its read lock at once: the RwLock itself,
// seen as a future, so it costs no allocation and no field.
type readHeld RwLock

// Poll is ready: the read lock is held. It takes a unit of the task's
// budget but does not give way for it (see the package doc).
func (f *readHeld) Poll(cx *async.Context) (struct{}, bool) {
	cx.Proceed() // see "Giving way" in the package doc: never while holding
	return struct{}{}, true
}

// Cancel gives the read lock back.
func (f *readHeld) Cancel() { (*RwLock)(f).RUnlock() }

// writeHeld is a Lock that took the write lock at once: the RwLock itself,
// seen as a future.
type writeHeld RwLock

// Poll is ready: the write lock is held. It takes a unit of the task's
// budget but does not give way for it (see the package doc).
func (f *writeHeld) Poll(cx *async.Context) (struct{}, bool) {
	cx.Proceed() // see "Giving way" in the package doc: never while holding
	return struct{}{}, true
}

// Cancel gives the write lock back.
func (f *writeHeld) Cancel() { (*RwLock)(f).Unlock() }
