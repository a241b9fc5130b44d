package waitq

import (
	"sync"

	"github.com/asyncgo/async"
)

// BatchSize bounds the wakers one Batch holds: 32, as tokio's WakeList,
// is enough for the common bursts (a writer's unlock admitting the
// readers queued behind it, a send waking its receivers) and small enough
// to live on the stack.
const BatchSize = 32

// Batch collects the wakers of waiters taken out of a list under a mutex,
// to be called after unlocking it. It lives on the caller's stack, so
// collecting allocates nothing. It holds the wakers, not the waiters:
// once the mutex is released a waiter that was taken out may be polled,
// reused and queued again at any moment, so it must not be touched after
// unlocking.
//
// A primitive with more waiters to wake than a batch holds stops when it
// is full, unlocks, wakes the batch, locks again and goes on:
//
//	for {
//		for !b.Full() && <a waiter is ready> {
//			_, w := l.PopFront()
//			b.Add(w)
//		}
//		more := <a waiter is ready>
//		mu.Unlock()
//		b.Wake()
//		if !more {
//			return
//		}
//		mu.Lock()
//	}
type Batch struct {
	ws [BatchSize]async.Waker
	n  int
}

// Add keeps w, which may be nil (a waiter queued before its first poll
// has no waker yet: its first poll will see what it was given). The batch
// must not be full.
func (b *Batch) Add(w async.Waker) {
	if w != nil {
		b.ws[b.n] = w
		b.n++
	}
}

// Full reports whether another waker might not fit: check it before
// taking the next waiter out.
func (b *Batch) Full() bool { return b.n == len(b.ws) }

// Wake calls and forgets every waker kept. Call it with no mutex held: a
// waker may run its task inline, or re-enter the primitive.
func (b *Batch) Wake() {
	for i := 0; i < b.n; i++ {
		w := b.ws[i]
		b.ws[i] = nil
		w.Wake()
	}
	b.n = 0
}

// WakeBelowUnlock wakes the waiters at the front of l whose Data is below
// limit, in order, and unlocks mu, which the caller holds and which
// guards l. It suits a list whose Data never decreases from front to back
// (a position or a version taken when the waiter queued, which only
// grows), so the waiters that limit makes ready are a prefix of it.
//
// It takes them out a Batch at a time: under mu it unlinks up to
// BatchSize waiters into a Batch on its stack, unlocks, wakes them, and
// locks again for the next batch, until a batch comes out short. Every
// change to the list happens under mu, so a waiter that leaves or is
// polled again meanwhile simply finds itself linked or not, and no
// goroutine follows the links of a waiter that may be reused. Waking n
// waiters thus takes mu 1 + n/BatchSize times, and allocates nothing.
func WakeBelowUnlock[T ~uint64](mu *sync.Mutex, l *List[T], limit T) {
	var b Batch
	for {
		for !b.Full() && l.head != nil && l.head.Data < limit {
			b.Add(l.Remove(l.head))
		}
		more := b.Full()
		mu.Unlock()
		b.Wake()
		if !more {
			return
		}
		mu.Lock()
	}
}
