// Package lock is the async counterpart of package sync: locks and the
// other primitives that tasks (and plain goroutines) use to share state,
// where a task that must wait gives its goroutine back to the executor
// instead of blocking it.
//
// Mutex and RwLock guard shared data; Semaphore bounds how many may do
// something at once. Notify, Barrier and OnceCell coordinate tasks without
// guarding data. Each is correct on both executors of package executor and
// from plain goroutines, which use the *Blocking methods and share the
// same line of waiters as the tasks.
//
// # Start
//
// The zero Mutex is unlocked. A task awaits Lock and calls Unlock:
//
//	var mu lock.Mutex
//	hits := map[string]int{}
//
//	count := func(page string) async.Future[struct{}] {
//		return async.Do(func(co *async.Co) {
//			async.Await(co, mu.Lock())
//			defer mu.Unlock()
//			hits[page]++
//		})
//	}
//
// A Semaphore bounds concurrency, here to ten fetches at a time:
//
//	sem := lock.NewSemaphore(10)
//	if err := async.Await(co, sem.Acquire(1)); err != nil {
//		return err // the semaphore was closed
//	}
//	defer sem.Release(1)
//	fetch(co, url)
//
// A goroutine calls mu.LockBlocking() or sem.AcquireBlocking(1) instead.
//
// # Fairness
//
// Every primitive serves its waiters in the order they arrived. Unlock
// with waiters hands the lock directly to the oldest: the lock never looks
// free in between, so a newcomer (a Lock, a TryLock) cannot barge in, and
// the woken task always finds the lock its own. Permits released to a
// Semaphore go to the oldest waiter, which collects them until it has as
// many as it asked for, so a large request is never overtaken by smaller
// ones. An RwLock keeps readers and writers in one line: a reader that
// arrives while a writer waits queues behind it, so readers cannot starve
// a writer, and when a writer leaves, the readers at the front of the line
// are admitted together.
//
// A place in line is taken when Lock, RLock or Acquire is called, not at
// the future's first poll: if the lock (or the permits) is free and nobody
// waits, the call takes it at once and its future is ready at the first
// poll; otherwise the future is queued. So such a future must be awaited or
// cancelled, never dropped: it may hold the lock already.
//
// # Notify, Barrier and OnceCell
//
// A Notify signals an event that carries no data, with tokio's rules:
// NotifyOne wakes the oldest waiting Notified future or, if none waits,
// stores one permit (never more) that the next Notified takes at once;
// NotifyWaiters wakes every future made before the call, even one not yet
// polled, and stores nothing. The pattern that loses no wakeup: make the
// future, look at the condition, then cancel the future or await it
// (f.WaitBlocking() on a goroutine).
//
// A Barrier of n releases each round once n parties wait, and tells
// exactly one of them, the one that completed the round, that it is the
// leader.
//
// A OnceCell holds a value set once. GetOrInit runs the first caller's
// initialisation inside that caller's own future (no goroutine or task is
// started), while later callers wait in line without running theirs; if
// the initialising future is cancelled, the next in line runs its own.
// GetOrTryInit does the same with an initialisation that can fail: a
// failure leaves the cell empty and passes the turn on.
//
// Unlike Lock and Acquire, these three take their place at the future's
// first poll. Each keeps its waiters in one mutex-guarded FIFO of nodes
// built into the futures; the wakers of many waiters (NotifyWaiters, a
// completed round, a stored value) are called 32 at a time with the mutex
// released, never under it. Notified and BarrierWait futures go back to
// their primitive when ready or cancelled, so waiting in a loop allocates
// nothing; a set OnceCell hands every caller the same ready future.
//
// # Unlock rather than guards
//
// tokio returns a guard that unlocks when it is dropped, and an owned guard
// for holding a lock across awaits. Go has no destructors, so a guard would
// only be one more thing to release. Here, as with sync.Mutex, the lock is
// not tied to its locker: a task may hold it across awaits, another task or
// goroutine may unlock it, and defer mu.Unlock() in a coroutine runs on
// every path, cancellation included. That is this package's answer to
// tokio's owned guards.
//
// # How data flows
//
// The three are one fair counting semaphore underneath, as in tokio: a
// Mutex has one permit, an RwLock a great many, of which a reader takes one
// and a writer all. Its state is one atomic word: the permits taken, and a
// bit that says someone waits. When nobody waits, Lock (or RLock, Acquire of
// one permit) is one compare-and-swap that takes the permit, and returns a
// future that is the primitive itself seen through another type, ready at
// its first poll; Unlock is one compare-and-swap that gives it back. An
// uncontended Lock, poll and Unlock costs about one and a half times
// sync.Mutex's Lock and Unlock.
//
// When the permits are not free, or someone already waits, the caller takes
// the slow path, under an internal mutex: it queues a waiter at the back of
// an intrusive FIFO list, and sets the waiting bit, which sends every later
// arrival and every release to the slow path too. A release gives the freed
// permits to the waiters at the front, in order, and takes the wakers of
// those it completed out of the list; it calls them after unlocking the
// internal mutex, never under it, so a waker that runs its task at once or
// re-enters the primitive cannot deadlock. The woken task's next poll finds
// the lock granted to it.
//
// # Allocation
//
// A waiting future is a node of that list. Each primitive keeps the nodes
// of finished futures (up to a bound) and reuses them for the next
// waiters: the async.Future contract says nothing touches a future after
// its Poll returned true or after its Cancel, so the node can go back to
// the primitive at that moment. A free list under the internal mutex,
// which the slow path holds anyway, rather than a sync.Pool, which
// collections empty (and the race detector at random): the steady state,
// contended or not, allocates nothing. A future must therefore not be used
// after it completed or was cancelled; a Poll that finds its node idle
// panics.
//
// # Giving way
//
// A future of this package takes a unit of the task's cooperative budget
// (see async.Context.Proceed) when it is ready, so that the next operation
// of a task that always finds its locks free gives way. A Lock, RLock or
// Acquire does not give way itself: the call took the lock (or its place
// in line) already, and a task that yielded holding a lock would make
// every other task wait for it, and turn a stream of uncontended locks
// into a convoy of hand-offs. Notify, Barrier and OnceCell futures, which
// hold nothing until they are ready, give way before looking. TryLock,
// TryRLock and TryAcquire take no Context, so no budget.
//
// # Cancellation safety
//
// A future lost in a Select, timed out (timer.Timeout) or in an aborted
// task is cancelled; cancelling never leaves a lock or a permit with
// nobody. Timeout polls its future before its timer, so a lock granted
// before the timeout fires is taken, not thrown away. Each row has a test
// that cancels the three ways, on both executors.
//
//	operation               a cancelled one gives up             it keeps                          test
//	---------------------   ----------------------------------   -------------------------------   --------------------------------------
//	Mutex.Lock, queued      its place in line                    nothing; the waiters behind it    TestCancelSafetyMutexQueued
//	                                                             move up in order
//	Mutex.Lock, handed      the lock: handed to the next         nothing                           TestCancelSafetyMutexHandedOff
//	the lock                waiter, or unlocked
//	RwLock.RLock, queued    its place in line                    nothing                           TestCancelSafetyRwLockReadQueued
//	RwLock.RLock, granted   its read lock (the last reader out   nothing                           TestCancelSafetyRwLockReadGranted
//	                        hands the lock to a writer)
//	RwLock.Lock, queued     its place, and the read permits it   nothing; readers behind it are    TestCancelSafetyRwLockWriteQueued
//	                        collected as readers left            admitted at once
//	RwLock.Lock, handed     the write lock: to the next          nothing                           TestCancelSafetyRwLockWriteHandedOff
//	the lock                waiters, or unlocked
//	Semaphore.Acquire,      its place, and every permit it       nothing; the permits go to the    TestCancelSafetySemaphorePartial
//	partly granted          collected                            next waiters, or back as free
//	Semaphore.Acquire,      all n permits                        nothing                           TestCancelSafetySemaphoreGranted
//	fully granted
//	Notify.Notified,        its place in line: a later           nothing                           TestCancelSafetyNotifyTimeout
//	queued                  NotifyOne goes to the next waiter                                      TestCancelSafetyNotifySelect
//	                        or becomes the permit
//	Notify.Notified,        the notification: passed to the      nothing                           TestCancelSafetyNotifyGrantedPassesOn
//	chosen by NotifyOne     next waiter, or stored as the                                          TestCancelSafetyNotifyGrantedBecomesPermit
//	                        permit                                                                 TestCancelSafetyNotifyAbort
//	Notify.Notified,        nothing to pass on: every waiter     nothing                           TestCancelSafetyNotifyReleasedKeepsNothing
//	released by             got it
//	NotifyWaiters
//	Barrier.Wait, before    its arrival: the round still needs   nothing                           TestCancelSafetyBarrierBeforeTrip
//	its round completes     n live parties                                                         (and ...Select, ...Timeout, ...Abort)
//	Barrier.Wait, after     nothing (the others were released)   nothing; it does not count        TestCancelSafetyBarrierAfterTrip
//	its round completed                                          towards the next round
//	OnceCell.GetOrInit or   its initialisation (cancelled) and   nothing; the cell stays empty     TestCancelSafetyOnceCellHandOn
//	GetOrTryInit,           its turn: the next in line runs                                        (and ...Select, ...Timeout, ...Abort)
//	initialising            its own
//	OnceCell.GetOrInit or   its place in line                    nothing                           TestCancelSafetyOnceCellWaiterLeaves
//	Wait, waiting
package lock
