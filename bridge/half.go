package bridge

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/task"
)

// half is one direction of a bridge. Its calls poll the connection's
// futures on the calling goroutine, with a waker that is a channel the
// goroutine blocks on; the reactor, turned by the executor, wakes it when
// the socket is ready, and Close and deadline changes wake it too.
type half struct {
	rt    Runtime
	op    func([]byte) async.Future[async.Result[int]] // the connection's Read or Write
	write bool                                         // go on until the buffer is written
	info  opInfo
	wake  chanWaker

	// calls lets one goroutine at a time make a call. It guards tcx,
	// checked and timer: only the caller touches them.
	calls   sync.Mutex
	tcx     *task.Context // the futures' Context: the reactor, our waker
	checked bool          // the first call looked for the executor's goroutine
	timer   *time.Timer   // wakes the caller at the deadline; made on first use

	// waiting counts calls blocked on wake, for tests to wait for.
	waiting atomic.Int32

	mu       sync.Mutex
	deadline time.Time // guarded by mu; zero: none
	gen      uint32    // bumped by every deadline change; guarded by mu
	closed   bool      // guarded by mu
}

func newHalf(rt Runtime, op func([]byte) async.Future[async.Result[int]], write bool, info opInfo) *half {
	h := &half{rt: rt, op: op, write: write, info: info, wake: make(chanWaker, 1)}
	// No Spawner: the bridge's goroutine is not the executor's, so a
	// future polled there cannot spawn tasks (async.Spawn panics).
	h.tcx = task.NewContext(nil, rt.Reactor())
	h.tcx.SetWaker(h.wake)
	return h
}

// chanWaker is the waker of a goroutine blocked in a call: a channel of
// one slot used as a semaphore. Wake never blocks and never allocates, and
// a wake that comes before the goroutine blocks stays in the slot.
type chanWaker chan struct{}

func (w chanWaker) Wake() {
	select {
	case w <- struct{}{}:
	default: // a wake is pending already
	}
}

// do makes one call: it polls the operation's future on this goroutine
// until it is ready, blocking between polls until something wakes it.
func (h *half) do(b []byte) (int, error) {
	h.calls.Lock()
	defer h.calls.Unlock()
	if !h.checked {
		if h.rt.OnExecutor() {
			return 0, h.info.err(h.info.op, ErrOnExecutor)
		}
		h.checked = true
	}
	closed, deadline, gen := h.state()
	if err := h.refuse(closed, deadline); err != nil || len(b) == 0 {
		return 0, err
	}
	// A wake left over from an earlier call would only cost a poll; drop it.
	select {
	case <-h.wake:
	default:
	}
	h.setTimer(deadline)
	defer h.stopTimer()
	c := call{h: h, f: h.op(b), rest: b}
	for {
		if n, done, err := c.poll(); done {
			return n, err
		}
		h.waiting.Add(1)
		<-h.wake
		h.waiting.Add(-1)
		var changed bool
		closed, deadline, changed, gen = h.changes(gen)
		if err := h.refuse(closed, deadline); err != nil {
			c.f.Cancel()
			return c.total, err
		}
		if changed {
			h.setTimer(deadline)
		}
	}
}

// call is the state of one call: the future in flight and, for a write,
// what is left to write.
type call struct {
	h     *half
	f     async.Future[async.Result[int]]
	rest  []byte
	total int
}

// poll polls the future once, with a fresh cooperative budget, and starts
// the next write of what is left if a write was short.
func (c *call) poll() (n int, done bool, err error) {
	for {
		c.h.tcx.ResetBudget()
		r, ok := c.f.Poll((*async.Context)(c.h.tcx))
		if !ok {
			return 0, false, nil
		}
		c.total += r.Value
		c.rest = c.rest[r.Value:]
		if !c.h.write || r.Err != nil || len(c.rest) == 0 {
			return c.total, true, r.Err
		}
		if r.Value == 0 {
			// A writer that wrote nothing and reported no error would have
			// us spin; io.Writer forbids it.
			return c.total, true, c.h.info.err(c.h.info.op, errNoProgress)
		}
		c.f = c.h.op(c.rest)
	}
}

func (h *half) state() (closed bool, deadline time.Time, gen uint32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed, h.deadline, h.gen
}

// changes reads the state again after a wake, and whether the deadline
// changed since generation seen.
func (h *half) changes(seen uint32) (closed bool, deadline time.Time, changed bool, gen uint32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed, h.deadline, h.gen != seen, h.gen
}

// refuse returns the error of a call that must not go on: the bridge was
// closed, or the deadline has passed. A deadline that has passed fails a
// call even if the operation could succeed, as net.Conn requires.
func (h *half) refuse(closed bool, deadline time.Time) error {
	switch {
	case closed:
		return h.info.err(h.info.op, errClosed)
	case !deadline.IsZero() && !time.Now().Before(deadline):
		return h.info.err(h.info.op, errTimeout)
	}
	return nil
}

// setTimer arranges a wake at deadline, or none for the zero time. The
// timer is the Go runtime's, so deadlines work on the wall clock, as
// net.Conn's do, even while the executor is not running.
func (h *half) setTimer(deadline time.Time) {
	if deadline.IsZero() {
		h.stopTimer()
		return
	}
	d := time.Until(deadline)
	if h.timer == nil {
		h.timer = time.AfterFunc(d, h.wake.Wake)
		return
	}
	h.timer.Reset(d)
}

func (h *half) stopTimer() {
	if h.timer != nil {
		h.timer.Stop()
	}
}

// setDeadline changes the deadline and wakes a call in flight, so that it
// is timed by the new one.
func (h *half) setDeadline(t time.Time) {
	h.mu.Lock()
	h.deadline = t
	h.gen++
	h.mu.Unlock()
	h.wake.Wake()
}

// close marks the half closed and wakes a call in flight, which then
// cancels its future and fails. It reports whether this was the first
// close.
func (h *half) close() bool {
	h.mu.Lock()
	first := !h.closed
	h.closed = true
	h.mu.Unlock()
	h.wake.Wake()
	return first
}
