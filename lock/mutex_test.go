package lock

import (
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/task"
)

func TestMutexZeroValue(t *testing.T) {
	var m Mutex
	cx := handCx(async.NoopWaker())
	mustReady(t, cx, m.Lock(), "Lock of a zero Mutex")
	if m.TryLock() {
		t.Fatal("TryLock of a locked Mutex succeeded")
	}
	m.Unlock()
	if !m.TryLock() {
		t.Fatal("TryLock of an unlocked Mutex failed")
	}
	m.Unlock()
	checkSem(t, &m.s, 0, 0)
}

// Unlock hands the lock to the oldest waiter, which alone is woken; the
// mutex stays locked throughout, so TryLock cannot barge in.
func TestMutexHandOffOrder(t *testing.T) {
	var m Mutex
	m.LockBlocking()
	var wa, wb, wc tally
	a, b := m.Lock(), m.Lock()
	mustPending(t, handCx(&wa), a, "a")
	mustPending(t, handCx(&wb), b, "b")
	c := m.Lock() // queued before its first poll: its place is taken at the call
	checkSem(t, &m.s, 3, 1)
	if m.TryLock() {
		t.Fatal("TryLock barged in ahead of the waiters")
	}
	m.Unlock()
	if wa.count() != 1 || wb.count() != 0 {
		t.Fatalf("after Unlock: a woken %d times, b %d; want 1, 0", wa.count(), wb.count())
	}
	checkSem(t, &m.s, 2, 1)
	if m.TryLock() {
		t.Fatal("TryLock took a lock handed to a waiter")
	}
	mustReady(t, handCx(&wa), a, "a after the hand-off")
	m.Unlock()
	mustReady(t, handCx(&wb), b, "b after the hand-off")
	m.Unlock()
	mustReady(t, handCx(&wc), c, "c, granted before its first poll")
	m.Unlock()
	checkSem(t, &m.s, 0, 0)
	if wc.count() != 0 {
		t.Errorf("c was woken %d times without a waker", wc.count())
	}
}

// A pending future polled again with another waker is woken through the
// newest.
func TestMutexNewestWaker(t *testing.T) {
	var m Mutex
	m.LockBlocking()
	var w1, w2 tally
	f := m.Lock()
	mustPending(t, handCx(&w1), f, "first poll")
	mustPending(t, handCx(&w2), f, "second poll")
	m.Unlock()
	if w1.count() != 0 || w2.count() != 1 {
		t.Fatalf("wakes: old waker %d, newest %d; want 0, 1", w1.count(), w2.count())
	}
	mustReady(t, handCx(&w2), f, "after Unlock")
	m.Unlock()
}

func TestMutexUnlockOfUnlockedPanics(t *testing.T) {
	var m Mutex
	mustPanic(t, "lock: Unlock of an unlocked Mutex", m.Unlock)
	m.LockBlocking()
	m.Unlock()
	mustPanic(t, "lock: Unlock of an unlocked Mutex", m.Unlock)
	checkSem(t, &m.s, 0, 0)
}

// Like a sync.Mutex, a Mutex may be unlocked by another goroutine than the
// one that locked it.
func TestMutexUnlockElsewhere(t *testing.T) {
	var m Mutex
	mustReady(t, handCx(async.NoopWaker()), m.Lock(), "Lock")
	done := make(chan struct{})
	go func() { m.Unlock(); close(done) }()
	<-done
	if !m.TryLock() {
		t.Fatal("the mutex is still locked after another goroutine unlocked it")
	}
	m.Unlock()
}

// Tasks hold the lock across awaits: each increments a counter in two
// halves with a yield between, which only mutual exclusion keeps exact.
func TestMutexAcrossAwaits(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const tasks, rounds = 8, 50
		var m Mutex
		count := 0
		n := run(t, x, async.Go(func(co *async.Co) int {
			var hs []async.JoinHandle[struct{}]
			for range tasks {
				hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
					for range rounds {
						async.Await(co, m.Lock())
						c := count
						async.Await(co, async.Yield())
						count = c + 1
						m.Unlock()
					}
					return struct{}{}
				})))
			}
			for _, h := range hs {
				if r := async.Await(co, h); r.Err != nil {
					t.Errorf("task: %v", r.Err)
				}
			}
			return count
		}))
		if n != tasks*rounds {
			t.Fatalf("count = %d; want %d", n, tasks*rounds)
		}
		checkSem(t, &m.s, 0, 0)
	})
}

// Goroutines (LockBlocking) and tasks share one line.
func TestMutexTasksAndGoroutines(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const each, rounds = 4, 200
		var m Mutex
		count := 0
		var wg sync.WaitGroup
		for range each {
			wg.Go(func() {
				for range rounds {
					m.LockBlocking()
					count++
					m.Unlock()
				}
			})
		}
		run(t, x, async.Go(func(co *async.Co) struct{} {
			var hs []async.JoinHandle[struct{}]
			for range each {
				hs = append(hs, async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
					for i := range rounds {
						async.Await(co, m.Lock())
						count++
						if i%8 == 0 {
							async.Await(co, async.Yield())
						}
						m.Unlock()
					}
					return struct{}{}
				})))
			}
			for _, h := range hs {
				async.Await(co, h)
			}
			return struct{}{}
		}))
		wg.Wait()
		if count != 2*each*rounds {
			t.Fatalf("count = %d; want %d", count, 2*each*rounds)
		}
		checkSem(t, &m.s, 0, 0)
	})
}

// A goroutine blocked in LockBlocking is woken by a task's Unlock, and a
// task waiting in Lock by a goroutine's.
func TestMutexBlockingHandOff(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var m Mutex
		m.LockBlocking()
		got := make(chan struct{})
		go func() {
			m.LockBlocking() // queued behind the task's Lock below
			close(got)
			m.Unlock()
		}()
		run(t, x, async.Go(func(co *async.Co) struct{} {
			f := m.Lock()
			yieldUntil(co, "the goroutine in line", func() bool { return m.s.waiting() == 2 })
			go m.Unlock() // a goroutine hands the lock to the task
			async.Await(co, f)
			m.Unlock() // and the task to the goroutine
			return struct{}{}
		}))
		<-got
		spinUntil(t, "the goroutine's Unlock", func() bool { _, tk, _, _ := m.s.look(); return tk == 0 })
		checkSem(t, &m.s, 0, 0)
	})
}

// The goroutine queues first here, the task second.
func TestMutexGoroutineQueuesFirst(t *testing.T) {
	var m Mutex
	m.LockBlocking()
	done := make(chan struct{})
	go func() { m.LockBlocking(); close(done) }()
	spinUntil(t, "the goroutine in line", func() bool { return m.s.waiting() == 1 })
	var w tally
	f := m.Lock()
	mustPending(t, handCx(&w), f, "the task behind the goroutine")
	m.Unlock()
	<-done
	if w.count() != 0 {
		t.Fatal("the task was woken ahead of the goroutine")
	}
	m.Unlock()
	mustReady(t, handCx(&w), f, "the task after the goroutine")
	m.Unlock()
	checkSem(t, &m.s, 0, 0)
}

// The steady state allocates nothing, contended or not: waiting futures
// are reused.
func TestMutexAllocatesNothing(t *testing.T) {
	var m Mutex
	cx := handCx(async.NoopWaker())
	// One round with a waiter first, so that the mutex has a spare node.
	round := func() {
		mustReady(t, cx, m.Lock(), "uncontended Lock")
		f := m.Lock()
		mustPending(t, cx, f, "contended Lock")
		m.Unlock()
		mustReady(t, cx, f, "handed-off Lock")
		m.Unlock()
		if !m.TryLock() {
			t.Fatal("TryLock failed")
		}
		g := m.Lock()
		g.Cancel()
		m.Unlock()
	}
	round()
	if n := testing.AllocsPerRun(1000, round); n != 0 {
		t.Fatalf("%v allocations a round; want 0", n)
	}
	checkSem(t, &m.s, 0, 0)
}

func TestMutexDonePollPanics(t *testing.T) {
	var m Mutex
	m.LockBlocking()
	f := m.Lock()
	cx := handCx(async.NoopWaker())
	mustPending(t, cx, f, "Lock")
	m.Unlock()
	mustReady(t, cx, f, "Lock")
	mustPanic(t, "lock: Poll of a lock future that is already done", func() { try(cx, f) })
	m.Unlock()
}

// TestHoldingFuturesNeverGiveWay checks the rule of "Giving way" in the
// package doc: a Lock, RLock or Acquire that holds the lock is ready even
// with the budget spent (a task that yielded holding it would make every
// other task wait), and takes a unit when there is one, so that the task's
// next operation gives way.
func TestHoldingFuturesNeverGiveWay(t *testing.T) {
	var m Mutex
	var rw RwLock
	s := NewSemaphore(1)
	var h Mutex
	h.LockBlocking()
	slow := h.Lock()
	h.Unlock() // slow is granted, a node
	var m2 Mutex
	cases := []struct {
		name string
		f    async.Future[struct{}]
	}{
		{"Mutex.Lock", m.Lock()},
		{"Mutex.Lock handed off", slow},
		{"RwLock.RLock", rw.RLock()},
		{"Semaphore.Acquire", async.Map(s.Acquire(1), func(error) struct{} { return struct{}{} })},
	}
	for _, c := range cases {
		var w tally
		cx := handCx(&w)
		for cx.Proceed() {
		}
		if _, ok := c.f.Poll(cx); !ok {
			t.Fatalf("%s: pending with no budget left, holding the lock", c.name)
		}
		if w.count() != 0 {
			t.Fatalf("%s: woken %d times; want none", c.name, w.count())
		}
	}
	var w tally
	cx := handCx(&w)
	before := (*task.Context)(cx).Remaining()
	mustReady(t, cx, m2.Lock(), "Mutex.Lock with a budget")
	if after := (*task.Context)(cx).Remaining(); after != before-1 {
		t.Errorf("Mutex.Lock took %d units of the budget, want 1", before-after)
	}
	m.Unlock()
	m2.Unlock()
	h.Unlock()
	rw.RUnlock()
	s.Release(1)
	checkSem(t, &m.s, 0, 0)
	checkSem(t, &h.s, 0, 0)
	checkSem(t, &rw.s, 0, 0)
	checkSem(t, &s.s, 0, -1)
}
