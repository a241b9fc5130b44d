package lock

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// The tests of the package doc's cancellation-safety table. Each case is a
// scene: the test holds the primitive (hold), a victim queues behind it, a
// follower queues behind the victim. The victim is cancelled while queued,
// or after what it waited for was handed to it (grant); then the follower
// must get its turn, and the primitive must end idle with nothing taken
// but what the scene says. Each scene is played by hand (Cancel called
// directly, wakes counted) and on both executors, cancelled the three ways:
// lost in a Select, timed out, and in an aborted task.
type scene[T any] struct {
	s *sem
	// hold takes what the victim will wait for; partial (optional) then
	// releases part of it, which the victim collects without completing.
	hold, partial func()
	// victim and follower make the two futures, in that order.
	victim, follower func() async.Future[T]
	// grant releases what the victim waits for, completing it (the
	// handed-off cases).
	grant func()
	// afterCancel releases what the test still holds, once the victim is
	// gone, so that the follower can have its turn.
	afterCancel func()
	// dropVictim releases what a victim that kept its grant holds.
	dropVictim func()
	// done releases what the follower got; taken is then what the
	// primitive must have taken.
	done  func()
	taken int64
	// collected is what the victim holds when it is cancelled queued.
	collected int64
}

// okValue marks the test failed unless v is a follower's successful value.
func okValue[T any](t *testing.T, v T) {
	t.Helper()
	if err, isErr := any(v).(error); isErr && err != nil {
		t.Errorf("follower: %v", err)
	}
}

// finish awaits the follower and checks the end state. The clock is
// paused, so if the follower is never woken (what the victim held was
// lost), the executor goes idle, the clock jumps, and the Timeout says so
// at once.
func (sc *scene[T]) finish(t *testing.T, co *async.Co, w async.Future[T]) {
	t.Helper()
	r := async.Await(co, timer.TimeoutValue(w, time.Hour))
	if r.Err != nil {
		failf("the follower never got its turn: %v", r.Err)
	}
	okValue(t, r.Value)
	sc.done()
	checkSem(t, sc.s, 0, sc.taken)
}

func (sc *scene[T]) checkVictim(t *testing.T, v async.Future[T], want waitState) {
	t.Helper()
	if st := stateOf(v); st != want {
		t.Errorf("victim is %v before its cancellation; want %v", st, want)
	}
	if want == queued {
		if got := (*node)(asNode(v)).gotLocked(); got != sc.collected {
			t.Errorf("victim collected %d; want %d", got, sc.collected)
		}
	}
}

func asNode(f any) *node {
	switch f := f.(type) {
	case *lockFuture:
		return (*node)(f)
	case *acquireFuture:
		return (*node)(f)
	}
	panic("not a waiting future")
}

// hasWaker reports whether the waiting future f has stored a waker: its
// task has polled it.
func hasWaker(f any) bool {
	nd := asNode(f)
	nd.s.mu.Lock()
	defer nd.s.mu.Unlock()
	return nd.Waker() != nil
}

// queuedHand cancels a queued victim by hand: the follower is woken only
// once it is its turn, and the victim never.
func (sc *scene[T]) queuedHand(t *testing.T) {
	sc.hold()
	var wv, ww tally
	v, w := sc.victim(), sc.follower()
	mustPending(t, handCx(&wv), v, "victim")
	mustPending(t, handCx(&ww), w, "follower")
	if sc.partial != nil {
		sc.partial()
	}
	sc.checkVictim(t, v, queued)
	v.Cancel()
	sc.afterCancel()
	if ww.count() != 1 || wv.count() != 0 {
		t.Fatalf("wakes: follower %d, victim %d; want 1, 0", ww.count(), wv.count())
	}
	okValue(t, mustReady(t, handCx(&ww), w, "follower"))
	sc.done()
	checkSem(t, sc.s, 0, sc.taken)
}

// handedOffHand cancels a victim after the hand-off, by hand: the follower
// is woken by the cancellation.
func (sc *scene[T]) handedOffHand(t *testing.T) {
	sc.hold()
	var wv, ww tally
	v, w := sc.victim(), sc.follower()
	mustPending(t, handCx(&wv), v, "victim")
	mustPending(t, handCx(&ww), w, "follower")
	sc.grant()
	sc.checkVictim(t, v, granted)
	if wv.count() != 1 || ww.count() != 0 {
		t.Fatalf("after the grant: victim woken %d, follower %d; want 1, 0", wv.count(), ww.count())
	}
	v.Cancel()
	if ww.count() != 1 {
		t.Fatalf("the cancelled grant woke the follower %d times; want 1", ww.count())
	}
	okValue(t, mustReady(t, handCx(&ww), w, "follower"))
	sc.done()
	checkSem(t, sc.s, 0, sc.taken)
}

// playQueued cancels a queued victim of a fresh scene from mk on x, the three
// ways.
func playQueued[T any](t *testing.T, x rttest.Executor, mk func() *scene[T]) {
	t.Run("select", func(t *testing.T) {
		sc := mk()
		sc.play(t, x, func(co *async.Co) {
			sc.hold()
			v, w := sc.victim(), sc.follower()
			if sc.partial != nil {
				sc.partial()
			}
			sel := async.Select2(v, timer.Sleep(time.Second))
			if r := async.Await(co, sel); r.Index != 1 {
				failf("the victim won the Select (%+v)", r)
			}
			sc.afterCancel()
			sc.finish(t, co, w)
		})
	})
	t.Run("timeout", func(t *testing.T) {
		sc := mk()
		sc.play(t, x, func(co *async.Co) {
			sc.hold()
			v, w := sc.victim(), sc.follower()
			if sc.partial != nil {
				sc.partial()
			}
			if r := async.Await(co, timer.TimeoutValue(v, time.Second)); !errors.Is(r.Err, timer.ErrTimeout) {
				failf("Timeout = %+v; want ErrTimeout", r)
			}
			sc.afterCancel()
			sc.finish(t, co, w)
		})
	})
	t.Run("abort", func(t *testing.T) {
		sc := mk()
		sc.play(t, x, func(co *async.Co) {
			sc.hold()
			v, w := sc.victim(), sc.follower()
			h := async.Spawn(co.Context(), async.Go(func(co *async.Co) T { return async.Await(co, v) }))
			yieldUntil(co, "the victim's task waiting", func() bool { return hasWaker(v) })
			if sc.partial != nil {
				sc.partial()
			}
			sc.checkVictim(t, v, queued)
			h.Abort()
			if r := async.Await(co, h); !errors.Is(r.Err, async.ErrAborted) {
				failf("aborted task = %+v; want ErrAborted", r)
			}
			sc.afterCancel()
			sc.finish(t, co, w)
		})
	})
}

// playHandedOff cancels a victim of a fresh scene from mk after the hand-off
// on x, the three ways; a Timeout, which polls its future before its
// timer, keeps the grant.
func playHandedOff[T any](t *testing.T, x rttest.Executor, mk func() *scene[T]) {
	t.Run("select", func(t *testing.T) {
		sc := mk()
		sc.play(t, x, func(co *async.Co) {
			sc.hold()
			v, w := sc.victim(), sc.follower()
			sc.grant()
			sc.checkVictim(t, v, granted)
			// Select's first poll polls in order and stops at the first
			// that is ready: the victim loses though it holds its grant.
			sel := async.Select2(async.Ready(struct{}{}), v)
			if r := async.Await(co, sel); r.Index != 0 {
				failf("the victim won the Select (%+v)", r)
			}
			sc.finish(t, co, w)
		})
	})
	t.Run("timeout", func(t *testing.T) {
		sc := mk()
		sc.play(t, x, func(co *async.Co) {
			sc.hold()
			v, w := sc.victim(), sc.follower()
			h := async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
				async.Await(co, timer.Sleep(time.Second/2))
				sc.grant()
				return struct{}{}
			}))
			r := async.Await(co, timer.TimeoutValue(v, time.Second))
			if r.Err != nil {
				failf("Timeout = %+v; want the grant kept", r)
			}
			okValue(t, r.Value)
			async.Await(co, h)
			sc.dropVictim()
			sc.finish(t, co, w)
		})
	})
	t.Run("abort", func(t *testing.T) {
		sc := mk()
		sc.play(t, x, func(co *async.Co) {
			sc.hold()
			v, w := sc.victim(), sc.follower()
			h := async.Spawn(co.Context(), async.Go(func(co *async.Co) T { return async.Await(co, v) }))
			yieldUntil(co, "the victim's task waiting", func() bool { return hasWaker(v) })
			// Abort first: the victim is never polled again, only
			// cancelled. The grant then reaches it before its
			// cancellation (on the current-thread executor always; on
			// the multi-thread one, unless a worker cancels it first).
			h.Abort()
			sc.grant()
			if r := async.Await(co, h); !errors.Is(r.Err, async.ErrAborted) {
				failf("aborted task = %+v; want ErrAborted", r)
			}
			sc.finish(t, co, w)
		})
	})
}

// play runs body in a task on x with a paused clock.
func (sc *scene[T]) play(t *testing.T, x rttest.Executor, body func(co *async.Co)) {
	t.Helper()
	run(t, x, async.Go(func(co *async.Co) struct{} {
		body(co)
		return struct{}{}
	}), executor.WithPausedClock())
}

// runQueued plays the queued scene made by mk by hand and on both
// executors, a fresh scene each time, so that a failure cannot spill into
// the next.
func runQueued[T any](t *testing.T, mk func() *scene[T]) {
	t.Run("hand", func(t *testing.T) { mk().queuedHand(t) })
	rttest.Each(t, func(t *testing.T, x rttest.Executor) { playQueued(t, x, mk) })
}

// runHandedOff is runQueued for the handed-off scenes.
func runHandedOff[T any](t *testing.T, mk func() *scene[T]) {
	t.Run("hand", func(t *testing.T) { mk().handedOffHand(t) })
	rttest.Each(t, func(t *testing.T, x rttest.Executor) { playHandedOff(t, x, mk) })
}

func mutexScene() *scene[struct{}] {
	m := new(Mutex)
	return &scene[struct{}]{
		s:           &m.s,
		hold:        m.LockBlocking,
		victim:      m.Lock,
		follower:    m.Lock,
		grant:       m.Unlock,
		afterCancel: m.Unlock,
		dropVictim:  m.Unlock,
		done:        m.Unlock,
	}
}

// A Lock cancelled while queued gives up its place; the follower gets the
// lock when the holder unlocks.
func TestCancelSafetyMutexQueued(t *testing.T) { runQueued(t, mutexScene) }

// A Lock cancelled after the lock was handed to it passes the lock on to
// the follower.
func TestCancelSafetyMutexHandedOff(t *testing.T) {
	runHandedOff(t, mutexScene)
	t.Run("at-once", func(t *testing.T) {
		var m Mutex
		f := m.Lock() // took the lock at the call
		f.Cancel()
		checkSem(t, &m.s, 0, 0)
		m.LockBlocking()
		f = m.Lock()
		var w tally
		g := m.Lock()
		mustPending(t, handCx(&w), g, "follower")
		m.Unlock()
		f.Cancel() // handed the lock before its first poll
		if w.count() != 1 {
			t.Fatal("the follower was not woken")
		}
		mustReady(t, handCx(&w), g, "follower")
		m.Unlock()
		checkSem(t, &m.s, 0, 0)
	})
}

// cancelTakenAtOnce cancels victim, a future that took its lock at the
// call, before any poll, while a follower made after it waits: the
// follower is woken once and takes the lock, and once release gives that
// back, s is idle. what names the follower in failures.
func cancelTakenAtOnce(t *testing.T, s *sem, victim async.Future[struct{}], follower func() async.Future[struct{}], release func(), what string) {
	t.Helper()
	g := follower()
	var w tally
	mustPending(t, handCx(&w), g, what)
	victim.Cancel()
	if w.count() != 1 {
		t.Fatalf("the %s was not woken", what)
	}
	mustReady(t, handCx(&w), g, what)
	release()
	checkSem(t, s, 0, 0)
}

// An RLock queued behind a writer and cancelled gives up its place; the
// reader behind it is admitted when the writer unlocks.
func TestCancelSafetyRwLockReadQueued(t *testing.T) {
	runQueued(t, func() *scene[struct{}] {
		rw := new(RwLock)
		return &scene[struct{}]{
			s:           &rw.s,
			hold:        rw.LockBlocking,
			victim:      rw.RLock,
			follower:    rw.RLock,
			afterCancel: rw.Unlock,
			done:        rw.RUnlock,
		}
	})
}

// An RLock granted and then cancelled gives its read lock back: it was the
// only reader, so the writer behind it gets the lock.
func TestCancelSafetyRwLockReadGranted(t *testing.T) {
	runHandedOff(t, func() *scene[struct{}] {
		rw := new(RwLock)
		return &scene[struct{}]{
			s:          &rw.s,
			hold:       rw.LockBlocking,
			victim:     rw.RLock,
			follower:   rw.Lock,
			grant:      rw.Unlock,
			dropVictim: rw.RUnlock,
			done:       rw.Unlock,
		}
	})
	t.Run("at-once", func(t *testing.T) {
		var rw RwLock
		cancelTakenAtOnce(t, &rw.s, rw.RLock(), rw.Lock, rw.Unlock, "writer")
	})
}

// A writer queued behind a reader has collected every other read permit;
// cancelled, it gives them back, and the reader behind it is admitted at
// once beside the reader that holds the lock.
func TestCancelSafetyRwLockWriteQueued(t *testing.T) {
	runQueued(t, func() *scene[struct{}] {
		rw := new(RwLock)
		return &scene[struct{}]{
			s:           &rw.s,
			hold:        rw.RLockBlocking,
			victim:      rw.Lock,
			follower:    rw.RLock,
			afterCancel: func() {},
			done:        func() { rw.RUnlock(); rw.RUnlock() },
			collected:   maxReaders - 1,
		}
	})
}

// A writer handed the lock and cancelled passes it to the reader behind.
func TestCancelSafetyRwLockWriteHandedOff(t *testing.T) {
	runHandedOff(t, func() *scene[struct{}] {
		rw := new(RwLock)
		return &scene[struct{}]{
			s:          &rw.s,
			hold:       rw.RLockBlocking,
			victim:     rw.Lock,
			follower:   rw.RLock,
			grant:      rw.RUnlock,
			dropVictim: rw.Unlock,
			done:       rw.RUnlock,
		}
	})
	t.Run("at-once", func(t *testing.T) {
		var rw RwLock
		cancelTakenAtOnce(t, &rw.s, rw.Lock(), rw.RLock, rw.RUnlock, "reader")
	})
}

// An Acquire(3) that collected two permits and is cancelled gives both
// back: the follower's Acquire(1) gets one, and one is free again.
func TestCancelSafetySemaphorePartial(t *testing.T) {
	runQueued(t, func() *scene[error] {
		s := NewSemaphore(3)
		return &scene[error]{
			s:           &s.s,
			hold:        func() { s.TryAcquire(3) },
			partial:     func() { s.Release(2) },
			victim:      func() async.Future[error] { return s.Acquire(3) },
			follower:    func() async.Future[error] { return s.Acquire(1) },
			afterCancel: func() {},
			done: func() {
				if s.Available() != 1 {
					panic("the collected permits were not given back")
				}
				s.Release(2) // the follower's and the one the test still holds
			},
			taken:     -3,
			collected: 2,
		}
	})
}

// An Acquire(2) granted its permits and cancelled gives them all back: the
// follower's Acquire(1) gets one, and one is free again.
func TestCancelSafetySemaphoreGranted(t *testing.T) {
	runHandedOff(t, func() *scene[error] {
		s := NewSemaphore(2)
		return &scene[error]{
			s:          &s.s,
			hold:       func() { s.TryAcquire(2) },
			victim:     func() async.Future[error] { return s.Acquire(2) },
			follower:   func() async.Future[error] { return s.Acquire(1) },
			grant:      func() { s.Release(2) },
			dropVictim: func() { s.Release(2) },
			done: func() {
				s.Release(1)
			},
			taken: -2,
		}
	})
	t.Run("at-once", func(t *testing.T) {
		s := NewSemaphore(3)
		for _, n := range []int{1, 2} {
			f := s.Acquire(n) // took its permits at the call
			if s.Available() != 3-n {
				t.Fatalf("Available = %d after Acquire(%d)", s.Available(), n)
			}
			f.Cancel()
			if s.Available() != 3 {
				t.Fatalf("Available = %d after the cancellation; want 3", s.Available())
			}
		}
		checkSem(t, &s.s, 0, -3)
	})
}
