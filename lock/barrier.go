package lock

import (
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
	"github.com/asyncgo/async/internal/waitq"
)

// Barrier lets a fixed number of tasks (or goroutines) wait for each
// other: each calls Wait, and all of them go on once the last has
// arrived. Then the barrier starts over, for the next round.
//
// Exactly one Wait of each round is told it is the leader (the one whose
// arrival completed the round), so that one party can do the round's
// bookkeeping. A Wait cancelled before its round completes withdraws its
// arrival: the round still needs n live parties. A Wait cancelled after
// its round completed keeps nothing and gives nothing back; the round is
// over and the others were released.
type Barrier struct {
	mu sync.Mutex
	n  int // parties per round; immutable
	// round counts the completed rounds. A future remembers the round it
	// arrived in, and is released once the count has moved past it.
	round uint64
	// waiters holds the futures of the current round, in arrival order:
	// its length is the count of live arrivals.
	waiters waitList
	// releasing holds futures of completed rounds not yet woken: the
	// leader moves waiters here in one step and wakes them a batch at a
	// time with the mutex released in between.
	releasing waitList
	spares    recycleBin[BarrierWait]
}

// NewBarrier returns a barrier for rounds of n parties. It panics if n is
// below 1.
func NewBarrier(n int) *Barrier {
	if n < 1 {
		panic("lock: NewBarrier with fewer than 1 party")
	}
	return &Barrier{n: n}
}

// Wait returns a future that arrives at the barrier at its first poll and
// is ready once n parties have arrived in this round. Its value is true
// for exactly one party of each round, the leader, and false for the
// others.
//
// The future comes from a store of spares in the Barrier and goes back
// there once it is ready or cancelled, so waiting in a loop allocates
// nothing: do not touch it after that. A Wait that has been polled and
// is dropped must be cancelled, or its arrival stays counted.
func (b *Barrier) Wait() *BarrierWait {
	b.mu.Lock()
	f := b.spares.get()
	b.mu.Unlock()
	f.b = b
	return f
}

// WaitBlocking arrives at the barrier and blocks the calling goroutine
// until the round is complete; it reports whether the caller is the
// round's leader. Never call it from inside a future's Poll: it would
// block the executor, and perhaps the tasks that were to arrive.
func (b *Barrier) WaitBlocking() bool {
	f := b.Wait()
	if f.blocker == nil {
		f.blocker = park.New() // kept with the spare for the next call
	}
	bw := f.blocker
	for {
		if leader, ok := b.poll(f, bw); ok {
			return leader
		}
		bw.Wait()
	}
}

// poll is a BarrierWait's poll after its budget check. Its first call
// arrives; once ready, f goes back to the spares, so the caller must not
// touch it after ok.
func (b *Barrier) poll(f *BarrierWait, waker async.Waker) (leader, ok bool) {
	b.mu.Lock()
	switch f.w.Data.state {
	case granted:
		// Woken by the leader of its round.
	case queued:
		if f.round == b.round {
			f.w.SetWaker(waker) // a spurious poll: keep the newest waker
			b.mu.Unlock()
			return false, false
		}
		// Its round completed, and the leader has not woken it yet.
		b.releasing.remove(&f.w)
	default:
		if b.waiters.len()+1 < b.n {
			f.round = b.round
			b.waiters.pushBack(&f.w, waker)
			b.mu.Unlock()
			return false, false
		}
		leader = true
		b.round++
		spliceWaiters(&b.releasing, &b.waiters)
	}
	b.recycleLocked(f)
	b.mu.Unlock()
	if leader {
		b.wakeReleased()
	}
	return leader, true
}

// wakeReleased empties the releasing list, calling the wakers a batch at
// a time after unlocking. The waiters it takes out are granted: their
// next poll is ready.
func (b *Barrier) wakeReleased() {
	var batch waitq.Batch
	for {
		b.mu.Lock()
		for !batch.Full() && !b.releasing.empty() {
			w, waker := b.releasing.popFront()
			w.Data.state = granted
			batch.Add(waker)
		}
		more := !b.releasing.empty()
		b.mu.Unlock()
		batch.Wake()
		if !more {
			return
		}
	}
}

// cancel withdraws f: an arrival in the current round is taken back; a
// released one is dropped.
func (b *Barrier) cancel(f *BarrierWait) {
	b.mu.Lock()
	if f.w.Data.state == queued {
		if f.round == b.round {
			b.waiters.remove(&f.w)
		} else {
			b.releasing.remove(&f.w)
		}
	}
	b.recycleLocked(f)
	b.mu.Unlock()
}

// recycleLocked makes f idle and keeps it for a later Wait. Call with b.mu
// held, as the last touch of f.
func (b *Barrier) recycleLocked(f *BarrierWait) {
	f.w.Data.state = idle
	f.b = nil
	b.spares.put(f)
}

// BarrierWait is the future of Barrier.Wait: true for the leader of its
// round, false for the others.
//
// It belongs to its Barrier's store of spares: once Poll returned true, or
// after Cancel, the Barrier may hand it to another caller.
type BarrierWait struct {
	b       *Barrier // nil while it is a spare
	w       waiter   // guarded by b.mu
	round   uint64   // the round it arrived in; guarded by b.mu
	blocker park.Waker
}

// Poll arrives at the barrier at the first poll, and is ready once the
// round is complete. It takes a unit of the task's cooperative budget
// first, so a task whose barrier keeps tripping still gives way.
func (f *BarrierWait) Poll(cx *async.Context) (bool, bool) {
	b := f.b
	if b == nil {
		panic("lock: BarrierWait polled after it was ready or cancelled")
	}
	if !cx.Proceed() {
		cx.Waker().Wake()
		return false, false
	}
	return b.poll(f, cx.Waker())
}

// Cancel withdraws the arrival if the round is not complete yet: the
// barrier then waits for another party in its place. If the round is
// complete, it does nothing: the others were released, and this party
// does not count towards the next round.
func (f *BarrierWait) Cancel() {
	b := f.b
	if b == nil {
		panic("lock: BarrierWait cancelled after it was ready or cancelled")
	}
	b.cancel(f)
}
