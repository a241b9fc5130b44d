package lock

import (
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
	"github.com/asyncgo/async/internal/waitq"
)

// Notify wakes tasks and goroutines that wait for an event which carries
// no data: "the queue has work", "the configuration changed". It has
// tokio's semantics:
//
//   - Notified returns a future that is ready once this Notify is
//     notified;
//   - NotifyOne wakes the oldest waiter or, if none waits, stores a single
//     permit that the next Notified takes at once (several NotifyOne calls
//     with no waiter store one permit, not several);
//   - NotifyWaiters wakes every waiter there is at the time of the call,
//     including Notified futures made before the call and not yet polled,
//     and stores no permit.
//
// The permit makes the usual pattern free of lost wakeups: a consumer
// that finds no work awaits Notified, and a producer that adds work calls
// NotifyOne; if the producer comes first, the permit is there when the
// consumer arrives. A plain goroutine waits with
// n.Notified().WaitBlocking().
//
// The zero value is ready to use. A Notify must not be copied after
// first use.
type Notify struct {
	mu sync.Mutex
	// calls counts the calls of NotifyWaiters. A Notified remembers it
	// when it is made, and is ready once it has changed.
	calls uint64
	// permit is the notification NotifyOne stored when nobody waited.
	permit bool
	// waiters holds the queued futures made since the last NotifyWaiters
	// (those whose calls equals n.calls), oldest first.
	waiters waitList
	// releasing holds the futures a NotifyWaiters released that have not
	// yet been woken. NotifyWaiters moves the whole of waiters here at
	// once, then wakes them a batch at a time with the mutex released in
	// between; a future in this list is ready whenever it is polled.
	releasing waitList
	spares    recycleBin[Notified]
}

// Notified returns a future that is ready once this Notify is notified:
// by a NotifyOne that chooses it (or a permit stored before it was first
// polled), or by a NotifyWaiters called after Notified returned, even if
// the future had not been polled yet.
//
// Waiters are served in the order of their first poll. The future comes
// from a store of spares in the Notify and goes back there once it is
// ready or cancelled, so waiting in a loop allocates nothing: do not touch
// it after that. A future that was polled and is dropped must be
// cancelled, or it may take a NotifyOne meant for another waiter.
func (n *Notify) Notified() *Notified {
	n.mu.Lock()
	f := n.spares.get()
	f.n, f.calls = n, n.calls
	n.mu.Unlock()
	return f
}

// NotifyOne wakes the oldest waiting Notified future; if none waits, it
// stores a permit that the next Notified takes at once. At most one
// permit is stored. It is safe from any goroutine.
func (n *Notify) NotifyOne() {
	n.mu.Lock()
	waker := n.notifyOneLocked()
	n.mu.Unlock()
	if waker != nil { // called after unlocking: it may re-enter n
		waker.Wake()
	}
}

// notifyOneLocked grants the notification to the oldest waiter, or stores
// it as the permit, and returns the waker to call after unlocking.
func (n *Notify) notifyOneLocked() async.Waker {
	w, waker := n.waiters.popFront()
	if w == nil {
		n.permit = true
		return nil
	}
	w.Data.state = granted
	return waker
}

// NotifyWaiters wakes every Notified future made before the call that is
// not yet ready, whether it was polled already or not. It stores no
// permit, and leaves a permit stored earlier in place. It is safe from
// any goroutine.
//
// The waiters are woken a batch at a time with the mutex released in
// between, so no waker is called under the mutex and waking a thousand
// waiters allocates nothing.
func (n *Notify) NotifyWaiters() {
	n.mu.Lock()
	n.calls++
	spliceWaiters(&n.releasing, &n.waiters)
	n.mu.Unlock()
	n.wakeReleased()
}

// wakeReleased empties the releasing list, calling the wakers a batch at
// a time after unlocking. The waiters it takes out are idle with a stale
// calls count, which their next poll reads as ready.
func (n *Notify) wakeReleased() {
	var b waitq.Batch
	for {
		n.mu.Lock()
		for !b.Full() && !n.releasing.empty() {
			_, waker := n.releasing.popFront()
			b.Add(waker)
		}
		more := !n.releasing.empty()
		n.mu.Unlock()
		b.Wake()
		if !more {
			return
		}
	}
}

// poll is a Notified's poll after its budget check: it reports whether f
// was notified and otherwise queues it, or updates its waker. A ready f
// goes back to the spares, so the caller must not touch it after true.
func (n *Notify) poll(f *Notified, waker async.Waker) bool {
	n.mu.Lock()
	switch {
	case f.w.Data.state == granted:
		// NotifyOne chose f.
	case f.calls != n.calls:
		// NotifyWaiters was called since f was made. If it is still in
		// the releasing list, it leaves it before its turn to be woken.
		if f.w.Data.state == queued {
			n.releasing.remove(&f.w)
		}
	case f.w.Data.state == queued:
		f.w.SetWaker(waker) // a spurious poll: keep the newest waker
		n.mu.Unlock()
		return false
	case n.permit:
		// Looked at after NotifyWaiters, so that a future it released
		// leaves the permit to the next one (tokio takes the permit
		// first; either way no waiter is left without a wake).
		n.permit = false
	default:
		n.waiters.pushBack(&f.w, waker)
		n.mu.Unlock()
		return false
	}
	n.recycleLocked(f)
	n.mu.Unlock()
	return true
}

// cancel withdraws f. A notification NotifyOne granted to f goes to the
// next waiter, or back to the permit, so it is not lost.
func (n *Notify) cancel(f *Notified) {
	n.mu.Lock()
	var waker async.Waker
	switch {
	case f.w.Data.state == granted:
		waker = n.notifyOneLocked()
	case f.w.Data.state == queued && f.calls != n.calls:
		n.releasing.remove(&f.w)
	case f.w.Data.state == queued:
		n.waiters.remove(&f.w)
	}
	n.recycleLocked(f)
	n.mu.Unlock()
	if waker != nil {
		waker.Wake()
	}
}

// recycleLocked makes f idle and keeps it for a later Notified. Call with
// n.mu held, as the last touch of f.
func (n *Notify) recycleLocked(f *Notified) {
	f.w.Data.state = idle
	f.n = nil
	n.spares.put(f)
}

// Notified is the future of Notify.Notified. Its value carries nothing:
// being ready is the notification.
//
// It belongs to its Notify's store of spares: once Poll returned true, or
// after Cancel, the Notify may hand it to another caller.
type Notified struct {
	n       *Notify // nil while it is a spare
	w       waiter  // guarded by n.mu
	calls   uint64  // n.calls when it was made
	blocker park.Waker
}

// Poll is ready if this future was notified, and otherwise waits in the
// Notify's queue, oldest first. It takes a unit of the task's cooperative
// budget first.
func (f *Notified) Poll(cx *async.Context) (struct{}, bool) {
	n := f.n
	if n == nil {
		panic("lock: Notified polled after it was ready or cancelled")
	}
	if !cx.Proceed() {
		cx.Waker().Wake()
		return struct{}{}, false
	}
	return struct{}{}, n.poll(f, cx.Waker())
}

// WaitBlocking blocks the calling goroutine until the future is
// notified, as awaiting it in a task would; the future is then done. It is
// the way for a plain goroutine to wait: n.Notified().WaitBlocking(). A
// goroutine that must not miss a NotifyWaiters that comes while it looks
// at its condition makes the future first, and cancels it if the
// condition holds:
//
//	f := n.Notified()
//	if ready() {
//		f.Cancel()
//	} else {
//		f.WaitBlocking()
//	}
//
// Never call it from inside a future's Poll: it would block the executor,
// and perhaps the task that was to notify.
func (f *Notified) WaitBlocking() {
	n := f.n
	if n == nil {
		panic("lock: Notified waited for after it was ready or cancelled")
	}
	if f.blocker == nil {
		f.blocker = park.New() // kept with the spare for the next call
	}
	bw := f.blocker
	for !n.poll(f, bw) {
		bw.Wait()
	}
}

// Cancel withdraws the future from the queue. If NotifyOne had already
// chosen it, the notification passes to the next waiter, or becomes the
// stored permit if none waits: a Notified lost in a Select, timed out or
// aborted never swallows a NotifyOne. A NotifyWaiters it received is
// simply dropped: every other waiter got it too.
func (f *Notified) Cancel() {
	n := f.n
	if n == nil {
		panic("lock: Notified cancelled after it was ready or cancelled")
	}
	n.cancel(f)
}

// spliceWaiters moves every waiter of src to the back of dst, in order,
// leaving src empty.
func spliceWaiters(dst, src *waitList) { src.q.MoveTo(&dst.q) }

// recycleBin keeps the futures of a primitive that are done, for reuse.
//
// The futures of Notify and Barrier hold intrusive list nodes, so they
// must be pointers; and unlike an mpsc handle, a Notify has no per-waiter
// object they could live in. The async.Future contract says nobody
// touches a future after its Poll returned true or after its Cancel, so
// at that moment the primitive takes the future back and hands it to the
// next caller, and a task that waits in a loop allocates nothing. A slice
// and not a sync.Pool, which a collection empties (and the race detector
// drops from at random): the steady state must not allocate, ever.
//
// It keeps at most maxSpare futures, the bound the semaphore's spare
// nodes have too. The owner's mutex guards it.
type recycleBin[F any] struct{ spares []*F }

// get returns a spare future, or a new one.
func (b *recycleBin[F]) get() *F {
	n := len(b.spares)
	if n == 0 {
		return new(F)
	}
	f := b.spares[n-1]
	b.spares[n-1] = nil
	b.spares = b.spares[:n-1]
	return f
}

// put keeps f for a later get, unless the bin is full.
func (b *recycleBin[F]) put(f *F) {
	if len(b.spares) < maxSpare {
		b.spares = append(b.spares, f)
	}
}
