package lock

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
	"github.com/asyncgo/async/internal/waitq"
)

// This file holds the semaphore every primitive of the package is built on
// (sem), and the Semaphore that exports it. A Mutex is a sem of one
// permit, an RwLock a sem of maxReaders permits of which a reader takes one
// and a writer all, as in tokio.

// The state word of a sem, an int64:
//
//	bits 63..2  taken: permits held or granted (signed)
//	bit  1      closedBit: closed; acquires fail (Semaphore only)
//	bit  0      queuedBit: the list of waiters is not empty
//
// A primitive has a capacity cap, a constant it passes to every call: 1
// for a Mutex, maxReaders for an RwLock, so that the zero state is an
// unlocked lock with nothing taken; the free permits are cap-taken. A
// Semaphore has cap 0 and starts at taken = -permits: its free permits
// are -taken, and releasing more than was taken simply adds permits.
// taken sits above the flags as a signed number, so adding or removing
// n<<shift never touches the flags.
//
// queuedBit is set exactly while someone waits, and while it is set every
// change of the word is made under mu: each fast path (one CAS, with no
// lock) checks it first and takes the slow path, under mu, when it is
// set. That is what makes the fast paths safe: a permit released by a
// fast path can never miss a waiter, and an arrival can never pass one.
const (
	queuedBit = 1 << 0
	closedBit = 1 << 1
	shift     = 2
	one       = 1 << shift // one permit, in the state word
)

// MaxPermits is the most permits a Semaphore may have free, and the most
// one Acquire may ask for.
const MaxPermits = math.MaxInt >> 3

// maxSpare bounds the finished waiters a primitive keeps for reuse (see
// sem.spare): enough for bursts of a thousand waiters to allocate nothing
// once seen, while a primitive that once had a million waiters keeps only
// this many (about 100 KB) instead of all of them.
const maxSpare = 1024

// sem is a fair counting semaphore: waiters are served strictly in the
// order they arrived, each taking the permits it wants as they come free.
// The zero value has nothing taken and no waiters.
type sem struct {
	state atomic.Int64 // see the layout above

	// mu guards the list, the spare nodes and every waiter in the list,
	// and serialises every change of state while queuedBit is set. No
	// waker is ever called with mu held: the wakers of granted waiters are
	// copied into a waitq.Batch and called after unlocking, so a waker that
	// runs its task inline or re-enters the primitive cannot deadlock.
	mu      sync.Mutex
	waiters waitList
	// spare holds finished nodes for the next waiter, linked through
	// nextSpare; nspare counts them, up to maxSpare.
	spare  *node
	nspare int
}

// node is a waiter in a sem's list, and the future (or the blocking call)
// that owns it. A future that must wait is a node: Lock and Acquire take
// one from the primitive's spare list, and the node goes back there when
// its future is done (its Poll returned true, or it was cancelled). The
// Future contract makes that safe: after Poll returned true, or after
// Cancel, nobody touches the future again. So waiting allocates nothing
// once a primitive has seen as many waiters at once as it now has.
//
// A free list and not a sync.Pool: the spares are taken and given back
// under mu, which the slow path holds anyway, and a primitive keeps them
// whatever the garbage collector does (a Pool is emptied by collections,
// and at random under the race detector), so the steady state allocates
// nothing, measurably.
type node struct {
	waiter               // guarded by s.mu
	s         *sem       // immutable
	cap       int64      // the primitive's capacity; immutable
	nextSpare *node      // the next spare, while this one is spare
	blocker   park.Waker // made for the first blocking wait, then kept
}

// joined says how join ended.
type joined uint8

const (
	joinedAcquired joined = iota // the permits were free and are taken
	joinedQueued                 // a node waits in the list
	joinedClosed                 // the semaphore is closed: nothing taken
)

// tryAcquire takes n permits without waiting if nobody waits, the sem is
// open and n are free.
func (s *sem) tryAcquire(n, cap int64) bool {
	for {
		st := s.state.Load()
		if st&(queuedBit|closedBit) != 0 || cap-st>>shift < n {
			return false
		}
		if s.state.CompareAndSwap(st, st+n<<shift) {
			return true
		}
	}
}

// join is the slow path of an acquire: under mu it takes n permits if they
// are free and nobody waits, and otherwise queues a node wanting n. If
// keep is set, the acquired permits are held by a granted node, which it
// returns, rather than by the caller. A blocking call passes blocking, so
// that the node's waker is its park.Waker; a future's node is queued
// without a waker, which its first poll stores.
func (s *sem) join(n, cap int64, keep, blocking bool) (*node, joined) {
	s.mu.Lock()
	for {
		st := s.state.Load()
		if st&closedBit != 0 {
			s.mu.Unlock()
			return nil, joinedClosed
		}
		if st&queuedBit == 0 && cap-st>>shift >= n {
			if !s.state.CompareAndSwap(st, st+n<<shift) {
				continue // a fast path changed the word; look again
			}
			if !keep {
				s.mu.Unlock()
				return nil, joinedAcquired
			}
			nd := s.newNodeLocked(cap)
			nd.Data.got, nd.Data.state = n, granted
			s.mu.Unlock()
			return nd, joinedAcquired
		}
		// From the moment queuedBit is set, the word changes only under mu.
		if st&queuedBit != 0 || s.state.CompareAndSwap(st, st|queuedBit) {
			break
		}
	}
	nd := s.newNodeLocked(cap)
	nd.Data.want = n
	var waker async.Waker
	if blocking {
		if nd.blocker == nil {
			nd.blocker = park.New()
		}
		waker = nd.blocker
	}
	s.waiters.pushBack(&nd.waiter, waker)
	// If the list was empty, this node is its front: it starts collecting
	// the permits that are free now.
	s.grantUnlock(cap)
	return nd, joinedQueued
}

// newNodeLocked returns an idle node, a spare one if there is one. Call
// with mu held.
func (s *sem) newNodeLocked(cap int64) *node {
	nd := s.spare
	if nd == nil {
		return &node{s: s, cap: cap}
	}
	s.spare, nd.nextSpare = nd.nextSpare, nil
	s.nspare--
	return nd
}

// recycleLocked keeps nd, which must be out of the list and hold nothing,
// for the next waiter. Call with mu held.
func (s *sem) recycleLocked(nd *node) {
	nd.Data.state, nd.Data.want, nd.Data.got = idle, 0, 0
	if s.nspare < maxSpare {
		nd.nextSpare, s.spare = s.spare, nd
		s.nspare++
	}
}

// grantUnlock grants free permits to the waiters in order, unlocks mu and
// wakes the waiters it completed. Call it with mu held after any change
// that may free permits or change the front of the list; it returns with
// mu released.
func (s *sem) grantUnlock(cap int64) {
	var b waitq.Batch
	for {
		more := s.grantLocked(cap, &b)
		s.mu.Unlock()
		b.Wake()
		if !more {
			return
		}
		s.mu.Lock()
	}
}

// grantLocked gives the free permits to the front of the list until a
// waiter wants more than is free (it keeps what it was given and goes on
// collecting: nobody behind it passes it) or the list is empty; the
// waiters it completes leave the list, granted, and their wakers go to b.
// It reports whether it stopped because b was full, with more to grant.
// It keeps queuedBit in step with the list. Call it with mu held.
func (s *sem) grantLocked(cap int64, b *waitq.Batch) (more bool) {
	if s.waiters.empty() {
		if s.state.Load()&queuedBit != 0 {
			s.state.And(^int64(queuedBit)) // the last waiter left
		}
		return false
	}
	// queuedBit is set: nobody else changes the word while we hold mu.
	st := s.state.Load()
	taken := st >> shift
	for w := s.waiters.front(); w != nil && taken < cap; w = s.waiters.front() {
		if b.Full() {
			more = true
			break
		}
		take := min(cap-taken, w.Data.want)
		w.Data.want -= take
		w.Data.got += take
		taken += take
		if w.Data.want > 0 {
			break // the front collects; nobody passes it
		}
		_, waker := s.waiters.popFront()
		w.Data.state = granted
		b.Add(waker)
	}
	st = taken<<shift | st&closedBit
	if !s.waiters.empty() {
		st |= queuedBit
	}
	s.state.Store(st)
	return more
}

// giveBackLocked returns n permits that a waiter was granted (or had
// collected) and did not keep. Call with mu held, then grantUnlock.
func (s *sem) giveBackLocked(n int64) {
	if n != 0 {
		s.state.Add(-n << shift)
	}
}

// release is the slow path of giving back n permits: someone waits (or the
// caller misuses the primitive, which check finds). It checks, returns the
// permits and grants them.
func (s *sem) release(n, cap int64, check releaseCheck) {
	s.mu.Lock()
	var front int64 // what the front waiter collected: taken, not held
	if w := s.waiters.front(); w != nil {
		front = w.Data.got
	}
	for {
		st := s.state.Load()
		if msg := check.problem(st>>shift, front, n, cap); msg != "" {
			s.mu.Unlock()
			panic(msg)
		}
		if s.state.CompareAndSwap(st, st-n<<shift) {
			break
		}
	}
	s.grantUnlock(cap)
}

// releaseCheck says which misuse a release must detect.
type releaseCheck uint8

const (
	checkUnlock  releaseCheck = iota // Mutex.Unlock
	checkRUnlock                     // RwLock.RUnlock
	checkWUnlock                     // RwLock.Unlock
	checkRelease                     // Semaphore.Release
)

// problem returns the panic message for releasing n permits when taken
// are taken, of which front were collected by the front waiter (and are
// not held by anyone yet), or "" if all is well.
func (c releaseCheck) problem(taken, front, n, cap int64) string {
	held := taken - front
	switch c {
	case checkUnlock:
		if held != 1 {
			return "lock: Unlock of an unlocked Mutex"
		}
	case checkRUnlock:
		if held < 1 || held >= cap {
			return "lock: RUnlock of an RwLock that is not locked for reading"
		}
	case checkWUnlock:
		if held != cap {
			return "lock: Unlock of an RwLock that is not locked for writing"
		}
	case checkRelease:
		if cap-taken+n > MaxPermits {
			return "lock: Release beyond MaxPermits free permits"
		}
	}
	return ""
}

// poll is a node's Poll, after the budget: it reports whether the node is
// done, granted or closed, and otherwise stores waker. A done node goes
// back to the spares: its future must not be used again.
func (nd *node) poll(waker async.Waker) (waitState, bool) {
	s := nd.s
	s.mu.Lock()
	switch st := nd.Data.state; st {
	case queued:
		nd.SetWaker(waker) // the newest waker of the task
		s.mu.Unlock()
		return queued, false
	case granted, closed:
		s.recycleLocked(nd)
		s.mu.Unlock()
		return st, true
	}
	s.mu.Unlock()
	panic("lock: Poll of a lock future that is already done")
}

// cancel is a node's Cancel: a queued node leaves the list and gives back
// what it collected; a granted one gives back all it was granted. Either
// way the permits go to the next waiters, so a wake the node received is
// passed on, not lost.
func (nd *node) cancel() {
	s := nd.s
	s.mu.Lock()
	switch nd.Data.state {
	case queued:
		got := nd.Data.got
		s.waiters.remove(&nd.waiter)
		s.giveBackLocked(got)
	case granted:
		s.giveBackLocked(nd.Data.got)
	case closed:
	default:
		s.mu.Unlock()
		panic("lock: Cancel of a lock future that is already done")
	}
	s.recycleLocked(nd)
	s.grantUnlock(nd.cap)
}

// wait blocks the calling goroutine until the blocking node nd is granted
// or closed, and recycles it.
func (nd *node) wait() waitState {
	s := nd.s
	for {
		nd.blocker.Wait()
		s.mu.Lock()
		if st := nd.Data.state; st == granted || st == closed {
			s.recycleLocked(nd)
			s.mu.Unlock()
			return st
		}
		s.mu.Unlock() // a stale wake: keep waiting
	}
}

// closeSem refuses every later acquire and takes every waiter out of the
// list, giving back what it had collected; their next poll reports
// ErrClosed. Waiters already granted keep their permits.
func (s *sem) closeSem() {
	s.mu.Lock()
	s.state.Or(closedBit)
	var b waitq.Batch
	for {
		for !b.Full() {
			w, waker := s.waiters.popFront()
			if w == nil {
				break
			}
			s.giveBackLocked(w.Data.got)
			w.Data.got, w.Data.want, w.Data.state = 0, 0, closed
			b.Add(waker)
		}
		more := !s.waiters.empty()
		if !more {
			s.state.And(^int64(queuedBit))
		}
		s.mu.Unlock()
		b.Wake()
		if !more {
			return
		}
		s.mu.Lock()
	}
}

// Semaphore is a fair counting semaphore for tasks and goroutines: it
// bounds how many may do something at once (Acquire a permit before,
// Release it after).
//
// It is fair: acquires are served in the order they started, each taking
// the permits it asks for as they are released. While anyone waits, a new
// Acquire queues behind (and TryAcquire fails), so a request for many
// permits collects them as they come and is never overtaken by smaller
// ones; it does hold up those behind it until it has them all.
//
// The zero value is a semaphore with no permits, which Release adds; use
// NewSemaphore for others. A Semaphore must not be copied after first use.
type Semaphore struct {
	s sem
}

// NewSemaphore returns a semaphore with permits free. It panics if permits
// is negative or above MaxPermits.
func NewSemaphore(permits int) *Semaphore {
	if permits < 0 || permits > MaxPermits {
		panic("lock: NewSemaphore with permits out of [0, MaxPermits]")
	}
	s := new(Semaphore)
	s.s.state.Store(-int64(permits) << shift)
	return s
}

// Acquire returns a future that is ready with nil once n permits are held
// by the caller, who gives them back with Release(n); or with ErrClosed if
// the semaphore is closed first (and then holds none).
//
// The caller's place in line is taken now, not at the first poll: if n
// permits are free and nobody waits, they are taken at once, and
// otherwise the future is queued. So a future from Acquire must be awaited
// or cancelled, never dropped. Cancelling it gives back every permit it
// was granted, to the next waiters, and it then holds none.
//
// Acquire(0) is ready at once (with ErrClosed if the semaphore is closed).
// Acquire panics if n is negative or above MaxPermits. The future must not
// be used after it was ready or cancelled: its memory is reused.
func (s *Semaphore) Acquire(n int) async.Future[error] {
	if n == 1 && s.s.tryAcquire(1, 0) {
		return (*onePermit)(s)
	}
	return s.acquireSlow(n)
}

func (s *Semaphore) acquireSlow(n int) async.Future[error] {
	checkCount(n)
	if n == 0 {
		return (*noPermits)(s)
	}
	nd, j := s.s.join(int64(n), 0, n > 1, false)
	switch {
	case j == joinedClosed:
		return (*noPermits)(s)
	case nd == nil:
		return (*onePermit)(s)
	}
	return (*acquireFuture)(nd)
}

// TryAcquire takes n permits if nobody waits and n are free, without
// waiting, and reports whether it did. It fails on a closed semaphore.
func (s *Semaphore) TryAcquire(n int) bool {
	checkCount(n)
	return s.s.tryAcquire(int64(n), 0)
}

// AcquireBlocking takes n permits, blocking the calling goroutine until
// they are free (its turn comes in the same line as the tasks'), and
// returns nil; or ErrClosed if the semaphore is closed first. Never call it
// from inside a future's Poll: it would block the executor.
func (s *Semaphore) AcquireBlocking(n int) error {
	if s.TryAcquire(n) {
		return nil
	}
	if n == 0 {
		return s.closedErr()
	}
	nd, j := s.s.join(int64(n), 0, false, true)
	switch j {
	case joinedClosed:
		return ErrClosed
	case joinedAcquired:
		return nil
	}
	if nd.wait() == closed {
		return ErrClosed
	}
	return nil
}

// Release gives back n permits, which go to the waiters in order. It is
// also how permits are added: a semaphore has no fixed size, so a permit
// given back and a new one are the same thing (one name, as in Go's
// x/sync/semaphore, rather than tokio's add_permits beside the permit
// guards that Go does not have). Release works on a closed semaphore too.
// It panics if the free permits would exceed MaxPermits, or n is negative.
func (s *Semaphore) Release(n int) {
	checkCount(n)
	d := int64(n) << shift
	for {
		st := s.s.state.Load()
		if st&queuedBit != 0 || -(st>>shift)+int64(n) > MaxPermits {
			s.s.release(int64(n), 0, checkRelease)
			return
		}
		if s.s.state.CompareAndSwap(st, st-d) {
			return
		}
	}
}

// Close closes the semaphore: every waiting Acquire, and every later one,
// reports ErrClosed, and TryAcquire fails. Permits already held stay held,
// and Release still gives them back. Closing twice does nothing.
func (s *Semaphore) Close() { s.s.closeSem() }

// Available returns the number of permits free now. Permits collected by a
// waiter that needs more are not free.
func (s *Semaphore) Available() int {
	return int(max(0, -(s.s.state.Load() >> shift)))
}

func (s *Semaphore) closedErr() error {
	if s.s.state.Load()&closedBit != 0 {
		return ErrClosed
	}
	return nil
}

func checkCount(n int) {
	if n < 0 || n > MaxPermits {
		panic("lock: a count of permits out of [0, MaxPermits]")
	}
}

// onePermit is an Acquire(1) that took its permit at once. It is the
// Semaphore itself, seen as a future, so it costs no allocation and no
// field: cancelling it can only mean giving back one permit.
type onePermit Semaphore

// Poll is ready with nil; it takes a unit of the task's budget but does
// not give way for it (see the package doc).
func (f *onePermit) Poll(cx *async.Context) (error, bool) {
	cx.Proceed() // never give way while holding
	return nil, true
}

// Cancel gives the permit back.
func (f *onePermit) Cancel() { (*Semaphore)(f).Release(1) }

// noPermits is an Acquire that holds nothing: of zero permits, or of a
// closed semaphore.
type noPermits Semaphore

// Poll is ready with ErrClosed if the semaphore is closed, else nil; it
// takes a unit of the task's budget first.
func (f *noPermits) Poll(cx *async.Context) (error, bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return nil, false
	}
	return (*Semaphore)(f).closedErr(), true
}

// Cancel does nothing: the future holds nothing.
func (f *noPermits) Cancel() {}

// acquireFuture is an Acquire that waits in line, or that holds several
// permits (a node, granted).
type acquireFuture node

// Poll is ready with nil once the permits are granted, or with ErrClosed.
// Then it takes a unit of the task's budget, but does not give way for it
// (see the package doc).
func (f *acquireFuture) Poll(cx *async.Context) (error, bool) {
	st, done := (*node)(f).poll(cx.Waker())
	if !done {
		return nil, false
	}
	cx.Proceed() // never give way while holding
	if st == closed {
		return ErrClosed, true
	}
	return nil, true
}

// Cancel leaves the line and gives back the permits granted so far.
func (f *acquireFuture) Cancel() { (*node)(f).cancel() }
