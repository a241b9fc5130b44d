package aio

import (
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async"
)

// Counts is the value of CopyBidirectional: the bytes copied each way.
type Counts struct {
	AToB int64 // read from a, written to b
	BToA int64 // read from b, written to a
}

// CopyBidirectional returns a future that copies from a to b and from b to
// a at once, as a proxy does. bufA is the buffer for what is read from a,
// bufB for what is read from b; an empty one is replaced by one of
// CopyBufferSize, allocated once.
//
// When one direction reaches end of stream, CopyBidirectional shuts down
// the writing side of its destination if that is a CloseWriter (half-close:
// the peer reads end of stream) and goes on copying the other direction.
// It is ready with both counts once both directions reached end of stream,
// or with the counts so far and the first error, after cancelling the
// other direction. Cancelling it cancels the reads and writes in flight.
// Neither a nor b is closed.
//
// Each direction is a copy polled with a waker of its own, as async.Join2
// polls its futures, so a wake of one socket advances only its direction.
// a and b each have at most one Read and one Write in flight.
func CopyBidirectional(a, b ReadWriter, bufA, bufB []byte) async.Future[async.Result[Counts]] {
	f := &bidi{}
	f.dirs[0].c.init(b, a, bufA)
	f.dirs[1].c.init(a, b, bufB)
	for i := range f.dirs {
		d := &f.dirs[i]
		d.waker.parent = f
		d.waker.woken.Store(true) // due for the first poll
	}
	return f
}

// bidi is the future of CopyBidirectional. dirs[0] copies a to b,
// dirs[1] b to a. Only the polling task touches it, but for the wakers'
// fields, which say which.
type bidi struct {
	dirs [2]direction
	left int           // directions done
	cx   async.Context // what a direction is polled with; see async.PollWith

	// mu guards parent, the waker of the task polling the copy, which a
	// direction's waker wakes from any goroutine. A mutex rather than an
	// atomic pointer: storing an interface under it allocates nothing.
	mu     sync.Mutex
	parent async.Waker
}

// direction is one way of the copy, with its own waker.
type direction struct {
	c     copier
	waker dirWaker
	done  bool
}

// dirWaker is the waker a direction's reads and writes are polled with.
// woken is set by a wake and cleared by the poll that takes it; a wake
// that finds it set has nothing to add, since the wake that set it woke
// the task (or the first poll, which polls both, is still to come).
type dirWaker struct {
	woken  atomic.Bool
	parent *bidi
}

// Wake marks the direction as due for a poll and wakes the task. It is
// safe from any goroutine and never allocates.
func (w *dirWaker) Wake() {
	if w.woken.Swap(true) {
		return
	}
	// The poller stores the parent before it takes the woken flags:
	// either its poll sees our flag, or we see its waker here.
	w.parent.mu.Lock()
	p := w.parent.parent
	w.parent.mu.Unlock()
	if p != nil {
		p.Wake()
	}
}

// Poll polls the directions woken since the last poll.
func (f *bidi) Poll(cx *async.Context) (async.Result[Counts], bool) {
	f.setParent(cx.Waker())
	for i := range f.dirs {
		d := &f.dirs[i]
		if d.done || !d.waker.woken.Swap(false) {
			continue
		}
		res, ok := async.PollWith(cx, &f.cx, async.Waker(&d.waker), async.Future[async.Result[int64]](&d.c))
		if !ok {
			continue
		}
		d.done = true
		f.left++
		if res.Err == nil {
			res.Err = closeWrite(d.c.dst)
		}
		if res.Err != nil {
			f.Cancel()
			return async.Result[Counts]{Value: f.counts(), Err: res.Err}, true
		}
	}
	if f.left < len(f.dirs) {
		return async.Result[Counts]{}, false
	}
	f.setParent(nil)
	return async.Ok(f.counts()), true
}

// closeWrite passes end of stream on to w, if it can take it.
func closeWrite(w Writer) error {
	if cw, ok := w.(CloseWriter); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (f *bidi) counts() Counts {
	return Counts{AToB: f.dirs[0].c.total, BToA: f.dirs[1].c.total}
}

// setParent records the waker a direction's wake wakes; nil once the copy
// is over, so that a late wake does not keep the task alive.
func (f *bidi) setParent(w async.Waker) {
	f.mu.Lock()
	f.parent = w
	f.mu.Unlock()
}

// Cancel cancels the directions still copying and forgets the task.
func (f *bidi) Cancel() {
	for i := range f.dirs {
		d := &f.dirs[i]
		if !d.done {
			d.done = true
			d.c.Cancel()
		}
	}
	f.setParent(nil)
	f.cx = async.Context{}
}
