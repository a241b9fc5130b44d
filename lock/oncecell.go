package lock

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
	"github.com/asyncgo/async/internal/waitq"
)

// ErrAlreadySet is what OnceCell.Set returns when the cell already holds
// a value; the value given to Set was not stored. Its text is stable.
var ErrAlreadySet = errors.New("lock: OnceCell already set")

// OnceCell holds a value that is set once, typically by an asynchronous
// initialisation that must run only once however many tasks need the
// value: a connection pool, a configuration fetched over the network.
//
// GetOrInit returns the value, running the given initialisation first if
// the cell is empty. Only one initialisation runs at a time: the first
// caller runs its own, inside its own future (no goroutine or task is
// started), and the callers that come while it runs wait in line without
// polling theirs. When it completes, every one of them gets its value. If
// the initialising future is cancelled instead (its caller lost a Select,
// timed out, or was aborted), the first in line runs its own
// initialisation, and so on: a cancelled initialiser never leaves the
// others waiting. GetOrTryInit is the same with an initialisation that
// can fail; a failure leaves the cell empty and hands the turn to the
// next in line, and only the caller whose initialisation failed sees the
// error.
//
// Get reads the value without waiting, Set stores one, and Wait and
// WaitBlocking wait for a value without offering to initialise.
//
// The zero value is an empty cell, ready to use. A OnceCell must not be
// copied after first use.
type OnceCell[T any] struct {
	// done is set, after value is written, once the cell holds a value,
	// and never cleared; Get reads value without the mutex once it sees
	// done.
	done  atomic.Bool
	value T // written once, under mu, before done is set

	mu sync.Mutex
	// busy: some caller has the turn to initialise. It is an initialiser
	// polling its initialisation, or a waiter the turn was handed to that
	// has not been polled since. Newcomers queue behind it.
	busy bool
	// initWaker is the waker of the initialiser's latest poll, for Set to
	// wake it: its initialisation is then no longer needed.
	initWaker async.Waker
	// initers holds the GetOrInit and GetOrTryInit callers waiting for the
	// value or for their turn, oldest first; watchers the Wait and
	// WaitBlocking callers, which only wait for the value.
	initers, watchers waitList

	// ready and readyTry are what GetOrInit, Wait and GetOrTryInit return
	// once the cell holds a value: futures without state that read the
	// value, which every caller shares, so reading a set cell through
	// them allocates nothing. Written with value, before done is set.
	ready    InitFuture[T]
	readyTry TryInitFuture[T]
}

// Get returns the value and true if the cell holds one, and otherwise the
// zero value and false. It never waits.
func (c *OnceCell[T]) Get() (T, bool) {
	if c.done.Load() {
		return c.value, true
	}
	var zero T
	return zero, false
}

// Set stores v if the cell holds no value, and returns ErrAlreadySet if
// it does. Everyone waiting gets v. An initialisation running at the time
// is no longer needed: its caller is woken, cancels it at its next poll,
// and gets v too.
func (c *OnceCell[T]) Set(v T) error {
	c.mu.Lock()
	if c.done.Load() {
		c.mu.Unlock()
		return ErrAlreadySet
	}
	initer := c.initWaker
	c.storeLocked(v)
	c.mu.Unlock()
	if initer != nil { // called after unlocking: it may re-enter c
		initer.Wake()
	}
	c.wakeAll()
	return nil
}

// GetOrInit returns a future of the cell's value. If the cell is empty
// when the future is first polled and nobody is initialising it, the
// future calls init and polls the future it returns as part of its own
// polls; its value becomes the cell's. Otherwise the future waits in line
// for the value, and runs init only if every initialiser before it was
// cancelled (see OnceCell). init must not be nil, nor return nil; it is
// called at most once per GetOrInit.
//
// Once the cell holds a value, GetOrInit allocates nothing and returns a
// future every caller shares. While it is empty, each call allocates its
// future.
func (c *OnceCell[T]) GetOrInit(init func() async.Future[T]) *InitFuture[T] {
	if init == nil {
		panic("lock: OnceCell.GetOrInit with a nil init")
	}
	if c.done.Load() {
		return &c.ready
	}
	return &InitFuture[T]{op: cellOp[T]{c: c, plain: init}}
}

// GetOrTryInit is GetOrInit with an initialisation that can fail. If the
// future init returns is ready with an error, the cell stays empty, this
// future is ready with that error, and the next caller in line (or the
// next to come) runs its own initialisation. The future's value is
// otherwise the cell's value, with no error.
func (c *OnceCell[T]) GetOrTryInit(init func() async.Future[async.Result[T]]) *TryInitFuture[T] {
	if init == nil {
		panic("lock: OnceCell.GetOrTryInit with a nil init")
	}
	if c.done.Load() {
		return &c.readyTry
	}
	return &TryInitFuture[T]{op: cellOp[T]{c: c, try: init}}
}

// Wait returns a future that is ready with the cell's value once it holds
// one, set by Set or by another caller's initialisation. It never
// initialises the cell itself.
func (c *OnceCell[T]) Wait() *InitFuture[T] {
	if c.done.Load() {
		return &c.ready
	}
	return &InitFuture[T]{op: cellOp[T]{c: c}}
}

// WaitBlocking blocks the calling goroutine until the cell holds a value,
// and returns it: the way for a plain goroutine to wait for what tasks
// initialise. Never call it from inside a future's Poll: it would block
// the executor, and perhaps the task that was to set the value.
func (c *OnceCell[T]) WaitBlocking() T {
	if c.done.Load() {
		return c.value
	}
	o := &cellOp[T]{c: c}
	bw := park.New()
	for c.enter(o, bw) != cellSet {
		bw.Wait()
	}
	return c.value
}

// storeLocked makes v the cell's value and releases the turn to
// initialise. The caller then wakes everyone waiting (wakeAll) after
// unlocking.
func (c *OnceCell[T]) storeLocked(v T) {
	c.value = v
	c.ready = InitFuture[T]{op: cellOp[T]{c: c, shared: true}}
	c.readyTry = TryInitFuture[T]{op: cellOp[T]{c: c, shared: true}}
	c.busy, c.initWaker = false, nil
	c.done.Store(true) // publishes the writes above to Get's load
}

// wakeAll empties both lists once the cell holds a value, calling the
// wakers a batch at a time after unlocking. No waiter joins them after
// done is set, and each waiter taken out is idle: its next poll finds
// the value.
func (c *OnceCell[T]) wakeAll() {
	var b waitq.Batch
	for {
		c.mu.Lock()
		for !b.Full() {
			w, waker := c.initers.popFront()
			if w == nil {
				w, waker = c.watchers.popFront()
			}
			if w == nil {
				break
			}
			b.Add(waker)
		}
		more := !c.initers.empty() || !c.watchers.empty()
		c.mu.Unlock()
		b.Wake()
		if !more {
			return
		}
	}
}

// cellStep is what a caller that is not initialising finds at a poll.
type cellStep uint8

const (
	cellWait cellStep = iota // queued: wait for a wake
	cellSet                  // the cell holds a value
	cellInit                 // the caller has the turn: it initialises
)

// enter is the poll of a caller that is not initialising: it finds the
// value, takes the turn to initialise (if o may), or waits in line with
// waker.
func (c *OnceCell[T]) enter(o *cellOp[T], waker async.Waker) cellStep {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done.Load() {
		if o.w.Data.state == queued {
			c.listOf(o).remove(&o.w)
		}
		o.w.Data.state = idle
		return cellSet
	}
	switch {
	case o.w.Data.state == queued:
		o.w.SetWaker(waker) // a spurious poll: keep the newest waker
		return cellWait
	case o.w.Data.state == granted:
		// An initialiser before o gave up and handed o the turn.
		o.w.Data.state = idle
		c.initWaker = waker
		return cellInit
	case o.canInit() && !c.busy:
		c.busy = true
		c.initWaker = waker
		return cellInit
	}
	c.listOf(o).pushBack(&o.w, waker)
	return cellWait
}

// stillEmpty is the poll of the initialiser: it notes the newest waker,
// for Set, and reports whether the cell is still empty.
func (c *OnceCell[T]) stillEmpty(waker async.Waker) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done.Load() {
		return false
	}
	c.initWaker = waker
	return true
}

// finish ends an initialisation that completed with r. A value is stored
// and everyone is woken; an error hands the turn to the next in line. If
// Set stored a value meanwhile, r is dropped and that value is returned.
func (c *OnceCell[T]) finish(r async.Result[T]) async.Result[T] {
	c.mu.Lock()
	if c.done.Load() {
		c.mu.Unlock()
		return async.Ok(c.value)
	}
	if r.Err != nil {
		waker := c.passLocked()
		c.mu.Unlock()
		if waker != nil {
			waker.Wake()
		}
		return r
	}
	c.storeLocked(r.Value)
	c.mu.Unlock()
	c.wakeAll()
	return r
}

// leave withdraws o, which is not initialising: out of its list, or, if
// the turn was handed to it, handing the turn on.
func (c *OnceCell[T]) leave(o *cellOp[T]) {
	c.mu.Lock()
	var waker async.Waker
	switch o.w.Data.state {
	case queued:
		c.listOf(o).remove(&o.w)
	case granted:
		o.w.Data.state = idle
		waker = c.passLocked()
	}
	c.mu.Unlock()
	if waker != nil {
		waker.Wake()
	}
}

// abandon gives back the turn of an initialiser that was cancelled or
// failed: the next in line gets it.
func (c *OnceCell[T]) abandon() {
	c.mu.Lock()
	waker := c.passLocked()
	c.mu.Unlock()
	if waker != nil {
		waker.Wake()
	}
}

// passLocked hands the turn to initialise to the oldest caller in line
// and returns its waker, to call after unlocking; with nobody in line, the
// turn goes to the next newcomer. Once the cell holds a value there is no
// turn to hand on.
func (c *OnceCell[T]) passLocked() async.Waker {
	c.initWaker = nil
	if c.done.Load() {
		return nil
	}
	w, waker := c.initers.popFront()
	if w == nil {
		c.busy = false
		return nil
	}
	w.Data.state = granted
	return waker
}

// listOf returns the list o waits in.
func (c *OnceCell[T]) listOf(o *cellOp[T]) *waitList {
	if o.canInit() {
		return &c.initers
	}
	return &c.watchers
}

// cellOp is the state of one GetOrInit, GetOrTryInit or Wait: its place
// in line and, while it has the turn, its initialisation.
type cellOp[T any] struct {
	c *OnceCell[T]
	w waiter // guarded by c.mu
	// plain or try is the initialisation the caller offers; neither for
	// Wait.
	plain func() async.Future[T]
	try   func() async.Future[async.Result[T]]
	// shared marks the cell's own ready futures: they only read the value.
	shared bool

	// The initialiser's own state, touched only by the goroutine polling
	// the future: initing while it has the turn, and the future of the
	// initialisation once made.
	initing bool
	pf      async.Future[T]
	tf      async.Future[async.Result[T]]
}

// canInit reports whether the caller offers an initialisation.
func (o *cellOp[T]) canInit() bool { return o.plain != nil || o.try != nil }

func (o *cellOp[T]) poll(cx *async.Context) (async.Result[T], bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return async.Result[T]{}, false
	}
	c := o.c
	if o.shared {
		return async.Ok(c.value), true
	}
	switch {
	case o.initing:
		if !c.stillEmpty(cx.Waker()) {
			// Set stored a value: this initialisation is not needed.
			o.initing = false
			o.stopInit()
			return async.Ok(c.value), true
		}
	default:
		switch c.enter(o, cx.Waker()) {
		case cellWait:
			return async.Result[T]{}, false
		case cellSet:
			return async.Ok(c.value), true
		}
		o.initing = true // before init runs: if it panics, Cancel gives the turn back
		o.startInit()
	}
	r, ok := o.pollInit(cx)
	if !ok {
		return async.Result[T]{}, false
	}
	o.initing, o.pf, o.tf = false, nil, nil
	return c.finish(r), true
}

// startInit calls the caller's initialisation.
func (o *cellOp[T]) startInit() {
	if o.plain != nil {
		o.pf = o.plain()
		if o.pf == nil {
			panic("lock: OnceCell.GetOrInit's init returned a nil future")
		}
		return
	}
	o.tf = o.try()
	if o.tf == nil {
		panic("lock: OnceCell.GetOrTryInit's init returned a nil future")
	}
}

// pollInit polls the initialisation with the caller's Context, so that
// it wakes the caller's task itself.
func (o *cellOp[T]) pollInit(cx *async.Context) (async.Result[T], bool) {
	if o.pf != nil {
		v, ok := o.pf.Poll(cx)
		return async.Ok(v), ok
	}
	return o.tf.Poll(cx)
}

// stopInit cancels the initialisation, if it was made.
func (o *cellOp[T]) stopInit() {
	if o.pf != nil {
		o.pf.Cancel()
		o.pf = nil
	}
	if o.tf != nil {
		o.tf.Cancel()
		o.tf = nil
	}
}

func (o *cellOp[T]) cancel() {
	switch {
	case o.shared:
	case o.initing:
		o.initing = false
		o.stopInit() // first, so two initialisations never overlap
		o.c.abandon()
	default:
		o.c.leave(o)
	}
}

// InitFuture is the future of OnceCell.GetOrInit and OnceCell.Wait: the
// cell's value.
type InitFuture[T any] struct{ op cellOp[T] }

// Poll is ready with the cell's value. While the cell is empty, it runs
// the caller's initialisation if it is the caller's turn (polling it with
// the same Context), and otherwise waits in line. It takes a unit of the
// task's cooperative budget first.
func (f *InitFuture[T]) Poll(cx *async.Context) (T, bool) {
	r, ok := f.op.poll(cx)
	return r.Value, ok
}

// Cancel leaves the line. If the future was initialising, its
// initialisation is cancelled and the turn goes to the next in line,
// which runs its own; the cell stays empty. If the turn had been handed
// to this future and it had not started yet, the turn is handed on.
func (f *InitFuture[T]) Cancel() { f.op.cancel() }

// TryInitFuture is the future of OnceCell.GetOrTryInit: the cell's value,
// or the error of this caller's failed initialisation.
type TryInitFuture[T any] struct{ op cellOp[T] }

// Poll is InitFuture's Poll, with the error of a failed initialisation.
func (f *TryInitFuture[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	return f.op.poll(cx)
}

// Cancel is InitFuture's Cancel.
func (f *TryInitFuture[T]) Cancel() { f.op.cancel() }
