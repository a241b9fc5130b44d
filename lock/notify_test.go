package lock

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/internal/waitq"
	"github.com/asyncgo/async/timer"
)

// NotifyOne with nobody waiting stores one permit, however often it is
// called; the next Notified takes it at its first poll.
func TestNotifyOneStoresOnePermit(t *testing.T) {
	var n Notify
	n.NotifyOne()
	n.NotifyOne()
	w := &testfut.Waker{}
	if _, ok := n.Notified().Poll(ntCx(w)); !ok {
		t.Fatal("Notified after NotifyOne was pending; want the permit taken")
	}
	f := n.Notified()
	if _, ok := f.Poll(ntCx(w)); ok {
		t.Fatal("a second Notified was ready; want one permit only")
	}
	f.Cancel()
	n.ntIdle(t)
}

// NotifyOne wakes the oldest waiter, and only it.
func TestNotifyOneWakesOldest(t *testing.T) {
	var n Notify
	ws := []*testfut.Waker{{}, {}, {}}
	fs := make([]*Notified, len(ws))
	for i := range fs {
		fs[i] = n.Notified()
		if _, ok := fs[i].Poll(ntCx(ws[i])); ok {
			t.Fatalf("Notified %d ready with nothing notified", i)
		}
	}
	for i := range fs {
		n.NotifyOne()
		for j, w := range ws {
			want := 0
			if j <= i {
				want = 1
			}
			if w.Wakes() != want {
				t.Fatalf("after %d NotifyOne: waiter %d woken %d times; want %d", i+1, j, w.Wakes(), want)
			}
		}
		if _, ok := fs[i].Poll(ntCx(ws[i])); !ok {
			t.Fatalf("waiter %d pending after its NotifyOne", i)
		}
	}
	n.ntIdle(t)
}

// A waiter polled again with another waker is woken through the newest.
func TestNotifyKeepsNewestWaker(t *testing.T) {
	var n Notify
	a, b := &testfut.Waker{}, &testfut.Waker{}
	f := n.Notified()
	f.Poll(ntCx(a))
	f.Poll(ntCx(b))
	n.NotifyOne()
	if a.Wakes() != 0 || b.Wakes() != 1 {
		t.Fatalf("wakes: old %d, newest %d; want 0, 1", a.Wakes(), b.Wakes())
	}
	if _, ok := f.Poll(ntCx(b)); !ok {
		t.Fatal("notified future pending")
	}
}

// NotifyWaiters releases every waiter, those polled already and those
// made before the call but not yet polled; it stores no permit.
func TestNotifyWaitersReleasesAll(t *testing.T) {
	var n Notify
	const polled = 3 * waitq.BatchSize / 2 // more than one batch of wakes
	ws := make([]*testfut.Waker, polled)
	fs := make([]*Notified, polled)
	for i := range fs {
		ws[i], fs[i] = &testfut.Waker{}, n.Notified()
		if _, ok := fs[i].Poll(ntCx(ws[i])); ok {
			t.Fatal("Notified ready with nothing notified")
		}
	}
	unpolled := n.Notified()
	n.NotifyWaiters()
	after := n.Notified()
	for i, w := range ws {
		if w.Wakes() != 1 {
			t.Fatalf("waiter %d woken %d times; want 1", i, w.Wakes())
		}
		if _, ok := fs[i].Poll(ntCx(w)); !ok {
			t.Fatalf("waiter %d pending after NotifyWaiters", i)
		}
	}
	if _, ok := unpolled.Poll(ntCx(async.NoopWaker())); !ok {
		t.Error("a Notified made before NotifyWaiters, first polled after it, was pending")
	}
	if _, ok := after.Poll(ntCx(async.NoopWaker())); ok {
		t.Error("a Notified made after NotifyWaiters was ready; it must store no permit")
	}
	after.Cancel()
	n.ntIdle(t)
}

// A permit stored before NotifyWaiters stays for the next Notified: a
// future that NotifyWaiters released does not take it too.
func TestNotifyWaitersLeavesPermit(t *testing.T) {
	var n Notify
	f := n.Notified()
	n.NotifyOne() // nobody waits: a permit
	n.NotifyWaiters()
	if _, ok := f.Poll(ntCx(async.NoopWaker())); !ok {
		t.Fatal("Notified made before NotifyWaiters was pending")
	}
	if !n.ntPermit() {
		t.Fatal("the released future took the permit as well")
	}
	if _, ok := n.Notified().Poll(ntCx(async.NoopWaker())); !ok {
		t.Fatal("the next Notified did not get the permit")
	}
	n.ntIdle(t)
}

// A waiter that NotifyWaiters released but not yet woken does not take a
// NotifyOne that comes in between: that goes to the next waiter.
func TestNotifyOneSkipsReleased(t *testing.T) {
	var n Notify
	old := n.Notified()
	old.Poll(ntCx(async.NoopWaker()))
	// Release old by hand, as NotifyWaiters does before its first batch.
	n.mu.Lock()
	n.calls++
	spliceWaiters(&n.releasing, &n.waiters)
	n.mu.Unlock()
	n.NotifyOne()
	if !n.ntPermit() {
		t.Error("NotifyOne went to a released waiter; want it stored as the permit")
	}
	if _, ok := old.Poll(ntCx(async.NoopWaker())); !ok {
		t.Error("released waiter pending")
	}
	n.wakeReleased()
	if _, ok := n.Notified().Poll(ntCx(async.NoopWaker())); !ok {
		t.Error("the permit was lost")
	}
	n.ntIdle(t)
}

// A Notified whose task has spent its budget gives way without queueing;
// a notification that comes meanwhile is not lost.
func TestNotifyTakesBudget(t *testing.T) {
	var n Notify
	w := &testfut.Waker{}
	cx := ntCx(w)
	for cx.Proceed() {
	}
	f := n.Notified()
	if _, ok := f.Poll(cx); ok {
		t.Fatal("Notified ready with no budget")
	}
	if w.Wakes() != 1 || n.ntWaiting() != 0 {
		t.Fatalf("out of budget: %d self-wakes, %d queued; want 1, 0", w.Wakes(), n.ntWaiting())
	}
	n.NotifyOne()
	testfut.ResetBudget(cx)
	if _, ok := f.Poll(cx); !ok {
		t.Fatal("Notified pending after NotifyOne")
	}
	n.ntIdle(t)
}

// A spare future is recycled once done: polling or cancelling it again
// is a misuse that panics, while it is still a spare.
func TestNotifiedReuseAfterDonePanics(t *testing.T) {
	var n Notify
	n.NotifyOne()
	f := n.Notified()
	f.Poll(ntCx(async.NoopWaker()))
	for name, use := range map[string]func(){
		"Poll":   func() { f.Poll(ntCx(async.NoopWaker())) },
		"Cancel": f.Cancel,
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s after ready did not panic", name)
				}
			}()
			use()
		}()
	}
	if g := n.Notified(); g != f {
		t.Error("the done future was not recycled")
	}
}

// Tasks on either executor: a consumer waits, a producer notifies; the
// notification comes before or after the consumer waits, and is never
// lost.
func TestNotifyOnExecutors(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var n Notify
		got := ntRun(t, x, async.Go(func(co *async.Co) int {
			h := ntSpawn(co, async.Go(func(co *async.Co) int {
				for range 3 {
					async.Await(co, n.Notified())
				}
				return 3
			}))
			n.NotifyOne() // before the consumer waits, most likely: the permit
			ntUntil(co, func() bool { return n.ntWaiting() == 1 })
			n.NotifyOne() // the consumer waits: wakes it
			ntUntil(co, func() bool { return n.ntWaiting() == 1 })
			n.NotifyWaiters()
			return ntJoin(t, co, h)
		}))
		if got != 3 {
			t.Fatalf("consumer got %d notifications; want 3", got)
		}
		n.ntIdle(t)
	})
}

// Plain goroutines wait with WaitBlocking; a task notifies them.
func TestNotifyWaitBlocking(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var n Notify
		const goroutines = 4
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() { n.Notified().WaitBlocking() })
		}
		ntRunReal(t, x, async.Go(func(co *async.Co) struct{} {
			ntUntil(co, func() bool { return n.ntWaiting() == goroutines })
			n.NotifyOne()
			n.NotifyWaiters()
			return struct{}{}
		}))
		wg.Wait()
		// A goroutine that comes after a NotifyOne takes its permit.
		n.NotifyOne()
		n.Notified().WaitBlocking()
		n.ntIdle(t)
	})
}

// A goroutine makes its future before it looks at its condition, so a
// NotifyWaiters that comes in between is not missed.
func TestNotifyRegisterBeforeCheck(t *testing.T) {
	var n Notify
	f := n.Notified()
	n.NotifyWaiters() // between the future's making and the wait
	done := make(chan struct{})
	go func() {
		f.WaitBlocking()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the NotifyWaiters between Notified and WaitBlocking was missed")
	}
	n.ntIdle(t)
}

// Waiting in a loop allocates nothing: the futures are recycled.
func TestNotifySteadyStateAllocatesNothing(t *testing.T) {
	var n Notify
	cx := ntCx(async.NoopWaker())
	fs := make([]*Notified, 4)
	allocs := testing.AllocsPerRun(1000, func() {
		testfut.ResetBudget(cx)
		f := n.Notified()
		if _, ok := f.Poll(cx); ok {
			t.Fatal("Notified ready with nothing notified")
		}
		n.NotifyOne()
		if _, ok := f.Poll(cx); !ok {
			t.Fatal("Notified pending after NotifyOne")
		}
		for i := range fs {
			fs[i] = n.Notified()
			fs[i].Poll(cx)
		}
		n.NotifyWaiters()
		for _, f := range fs {
			if _, ok := f.Poll(cx); !ok {
				t.Fatal("Notified pending after NotifyWaiters")
			}
		}
		n.NotifyOne()
		n.Notified().Poll(cx) // the permit
		n.Notified().Cancel()
	})
	if allocs != 0 {
		t.Errorf("steady state allocated %v times per round; want 0", allocs)
	}
	n.ntIdle(t)
}

// BenchmarkNotifyOne is one waiter notified and polled ready, by hand.
func BenchmarkNotifyOne(b *testing.B) {
	b.ReportAllocs()
	var n Notify
	cx := ntCx(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		f := n.Notified()
		f.Poll(cx)
		n.NotifyOne()
		if _, ok := f.Poll(cx); !ok {
			b.Fatal("Notified pending after NotifyOne")
		}
	}
}

// BenchmarkNotifyPermit is a NotifyOne stored as the permit and taken.
func BenchmarkNotifyPermit(b *testing.B) {
	b.ReportAllocs()
	var n Notify
	cx := ntCx(async.NoopWaker())
	for b.Loop() {
		testfut.ResetBudget(cx)
		n.NotifyOne()
		if _, ok := n.Notified().Poll(cx); !ok {
			b.Fatal("Notified pending after NotifyOne")
		}
	}
}

// BenchmarkNotifyPingPong is two tasks on the current-thread executor
// notifying each other in turn: each operation is one NotifyOne and one
// wait.
func BenchmarkNotifyPingPong(b *testing.B) {
	b.ReportAllocs()
	var ping, pong Notify
	rounds := b.N
	b.ResetTimer()
	_, err := runPingPong(&ping, &pong, rounds)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
}

// runPingPong runs the ping-pong of BenchmarkNotifyPingPong.
func runPingPong(ping, pong *Notify, rounds int) (struct{}, error) {
	return executor.Run(async.Go(func(co *async.Co) struct{} {
		h := async.Spawn(co.Context(), async.Future[struct{}](&ntPonger{ping: ping, pong: pong, rounds: rounds}))
		for range rounds {
			ping.NotifyOne()
			async.Await(co, pong.Notified())
		}
		async.Await(co, async.Future[async.Result[struct{}]](h))
		return struct{}{}
	}))
}

// ntPonger is the other side of the ping-pong, a state machine, so that
// the benchmark measures Notify rather than a coroutine's switches.
type ntPonger struct {
	ping, pong *Notify
	rounds     int
	f          *Notified
}

func (p *ntPonger) Poll(cx *async.Context) (struct{}, bool) {
	for p.rounds > 0 {
		if p.f == nil {
			p.f = p.ping.Notified()
		}
		if _, ok := p.f.Poll(cx); !ok {
			return struct{}{}, false
		}
		p.f = nil
		p.rounds--
		p.pong.NotifyOne()
	}
	return struct{}{}, true
}

func (p *ntPonger) Cancel() {
	if p.f != nil {
		p.f.Cancel()
	}
}

// Cancel safety: a Notified chosen by NotifyOne and cancelled before it
// was polled passes the notification to the next waiter.
func TestCancelSafetyNotifyGrantedPassesOn(t *testing.T) {
	var n Notify
	wa, wb := &testfut.Waker{}, &testfut.Waker{}
	a, b := n.Notified(), n.Notified()
	a.Poll(ntCx(wa))
	b.Poll(ntCx(wb))
	n.NotifyOne()
	if wa.Wakes() != 1 || wb.Wakes() != 0 {
		t.Fatalf("NotifyOne woke a %d, b %d times; want 1, 0", wa.Wakes(), wb.Wakes())
	}
	a.Cancel()
	if wb.Wakes() != 1 {
		t.Fatalf("a's cancelled notification did not wake b (woken %d times)", wb.Wakes())
	}
	if _, ok := b.Poll(ntCx(wb)); !ok {
		t.Fatal("b pending after the notification passed to it")
	}
	n.ntIdle(t)
}

// Cancel safety: with nobody behind it, the cancelled notification
// becomes the permit.
func TestCancelSafetyNotifyGrantedBecomesPermit(t *testing.T) {
	var n Notify
	f := n.Notified()
	f.Poll(ntCx(async.NoopWaker()))
	n.NotifyOne()
	f.Cancel()
	if !n.ntPermit() {
		t.Fatal("the cancelled notification was lost; want it stored as the permit")
	}
	if _, ok := n.Notified().Poll(ntCx(async.NoopWaker())); !ok {
		t.Fatal("the next Notified did not take the permit")
	}
	n.ntIdle(t)
}

// Cancel safety: a Notified released by NotifyWaiters and cancelled
// gives nothing on (the others got theirs) and leaves no waiter.
func TestCancelSafetyNotifyReleasedKeepsNothing(t *testing.T) {
	var n Notify
	a, b := n.Notified(), n.Notified()
	a.Poll(ntCx(async.NoopWaker()))
	b.Poll(ntCx(async.NoopWaker()))
	n.NotifyWaiters()
	a.Cancel()
	if _, ok := b.Poll(ntCx(async.NoopWaker())); !ok {
		t.Fatal("b pending after NotifyWaiters")
	}
	n.ntIdle(t)
}

// Cancel safety: a Notified that loses a Select after NotifyOne chose it
// passes the notification on: the next Notified gets it.
func TestCancelSafetyNotifySelect(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var n Notify
		other := testfut.New[struct{}]()
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			h := ntSpawn(co, async.Select(async.Future[struct{}](n.Notified()), async.Future[struct{}](other)))
			ntUntil(co, func() bool { return n.ntWaiting() == 1 })
			// The other branch wakes first, then NotifyOne chooses the
			// waiting Notified: the select polls the other branch first,
			// wins with it, and cancels the chosen Notified. (On the
			// multi-thread executor the task may run in between; then
			// its Notified is cancelled before NotifyOne, which stores
			// the permit. Either way nothing is lost.)
			other.Complete(struct{}{})
			n.NotifyOne()
			if s := ntJoin(t, co, h); s.Index != 1 {
				t.Errorf("Select won by branch %d; want the other (1)", s.Index)
			}
			if !n.ntPermit() {
				t.Error("the notification of the cancelled Notified was lost")
			}
			async.Await(co, n.Notified()) // takes the permit at once
			return struct{}{}
		}))
		n.ntIdle(t)
	})
}

// Cancel safety: a Notified that times out leaves the queue, so a later
// NotifyOne is not swallowed by it but stored for the next waiter.
func TestCancelSafetyNotifyTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var n Notify
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			r := async.Await(co, timer.TimeoutValue(async.Future[struct{}](n.Notified()), time.Second))
			if r.Err != timer.ErrTimeout {
				t.Errorf("Timeout(Notified) = %v; want ErrTimeout", r.Err)
			}
			if n.ntWaiting() != 0 {
				t.Errorf("%d waiters after the timeout; want 0", n.ntWaiting())
			}
			n.NotifyOne()
			async.Await(co, n.Notified())
			return struct{}{}
		}))
		n.ntIdle(t)
	})
}

// Cancel safety: a task aborted after NotifyOne chose its Notified passes
// the notification to the task waiting behind it.
func TestCancelSafetyNotifyAbort(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var n Notify
		ntRun(t, x, async.Go(func(co *async.Co) struct{} {
			waiter := func() async.Future[struct{}] {
				return async.Go(func(co *async.Co) struct{} {
					async.Await(co, n.Notified())
					return struct{}{}
				})
			}
			a := ntSpawn(co, waiter())
			ntUntil(co, func() bool { return n.ntWaiting() == 1 })
			b := ntSpawn(co, waiter())
			ntUntil(co, func() bool { return n.ntWaiting() == 2 })
			n.NotifyOne() // chooses a
			if _, aborted := ntAborted(t, co, a); !aborted {
				// a ran between NotifyOne and Abort (multi-thread only)
				// and took its notification: b needs one of its own.
				if !x.Multi {
					t.Error("a completed before its abort on the current-thread executor")
				}
				n.NotifyOne()
			}
			ntJoin(t, co, b) // deadlocks, and fails, if the notification was lost
			return struct{}{}
		}))
		n.ntIdle(t)
	})
}

// ntQueue is a bounded queue built on two Notifys, as a user would build
// one: put and take never wait, and the Notifys say when to look again.
// The waits follow Notify's pattern: make the future, look, then cancel
// it or wait for it.
type ntQueue struct {
	mu       sync.Mutex
	items    []int
	capacity int

	notEmpty, notFull Notify
	producers         atomic.Int32 // producers still running
	done              atomic.Bool  // every producer has finished
}

func (q *ntQueue) tryPut(v int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == q.capacity {
		return false
	}
	q.items = append(q.items, v)
	return true
}

func (q *ntQueue) tryTake() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

// put puts v, waiting for room with wait (a task's await or a goroutine's
// WaitBlocking), and tells a consumer.
func (q *ntQueue) put(v int, wait func(*Notified)) {
	for {
		f := q.notFull.Notified()
		if q.tryPut(v) {
			f.Cancel()
			q.notEmpty.NotifyOne()
			return
		}
		wait(f)
	}
}

// take returns the next value, waiting with wait, or false once every
// producer has finished and the queue is empty.
func (q *ntQueue) take(wait func(*Notified)) (int, bool) {
	for {
		f := q.notEmpty.Notified()
		if v, ok := q.tryTake(); ok {
			f.Cancel()
			q.notFull.NotifyOne()
			return v, true
		}
		if q.done.Load() {
			f.Cancel()
			return 0, false
		}
		wait(f)
	}
}

// producerDone counts a producer out; the last one ends the stream and
// releases every consumer with NotifyWaiters.
func (q *ntQueue) producerDone() {
	if q.producers.Add(-1) == 0 {
		q.done.Store(true)
		q.notEmpty.NotifyWaiters()
	}
}

// ntTaskWait awaits f in a coroutine. Every other wait is impatient: it
// polls f once and, if f is pending, yields a few times without polling
// it and cancels it. A NotifyOne that chose f in the meantime must then
// pass on, or a waiter sleeps through it.
func ntTaskWait(co *async.Co, impatient *int) func(*Notified) {
	return func(f *Notified) {
		*impatient++
		if *impatient%2 == 0 {
			async.Await(co, async.Future[struct{}](f))
			return
		}
		ready := async.Await(co, async.PollFunc[bool](func(cx *async.Context) (bool, bool) {
			_, ok := f.Poll(cx)
			return ok, true
		}))
		if ready {
			return
		}
		for range 3 {
			async.Await(co, async.Yield())
		}
		f.Cancel()
	}
}

// Producers and consumers, tasks on the multi-thread executor and plain
// goroutines, through a queue of two slots built on Notify: every value
// arrives exactly once, and nobody sleeps through a wakeup (the run would
// deadlock, and time out).
func TestStressNotifyProducerConsumer(t *testing.T) {
	const (
		taskProducers, goProducers = 3, 2
		taskConsumers, goConsumers = 3, 2
		perProducer                = 500
		producers                  = taskProducers + goProducers
	)
	q := &ntQueue{capacity: 2}
	q.producers.Store(producers)
	var seen [producers * perProducer]atomic.Int32
	var wg sync.WaitGroup
	for p := range goProducers {
		wg.Go(func() {
			for i := range perProducer {
				q.put((taskProducers+p)*perProducer+i, (*Notified).WaitBlocking)
			}
			q.producerDone()
		})
	}
	for range goConsumers {
		wg.Go(func() {
			for {
				v, ok := q.take((*Notified).WaitBlocking)
				if !ok {
					return
				}
				seen[v].Add(1)
			}
		})
	}
	ntRunReal(t, ntMulti(), async.Go(func(co *async.Co) struct{} {
		var hs []async.JoinHandle[struct{}]
		for p := range taskProducers {
			hs = append(hs, ntSpawn(co, async.Go(func(co *async.Co) struct{} {
				var impatient int
				for i := range perProducer {
					q.put(p*perProducer+i, ntTaskWait(co, &impatient))
				}
				q.producerDone()
				return struct{}{}
			})))
		}
		for range taskConsumers {
			hs = append(hs, ntSpawn(co, async.Go(func(co *async.Co) struct{} {
				var impatient int
				for {
					v, ok := q.take(ntTaskWait(co, &impatient))
					if !ok {
						return struct{}{}
					}
					seen[v].Add(1)
				}
			})))
		}
		for _, h := range hs {
			ntJoin(t, co, h)
		}
		return struct{}{}
	}))
	wg.Wait()
	for v := range seen {
		if n := seen[v].Load(); n != 1 {
			t.Fatalf("value %d taken %d times; want once", v, n)
		}
	}
	if w := q.notEmpty.ntWaiting() + q.notFull.ntWaiting(); w != 0 {
		t.Errorf("%d futures still queued", w)
	}
}
