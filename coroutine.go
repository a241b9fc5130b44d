package async

import (
	"iter"
	"runtime/debug"

	"github.com/asyncgo/async/task"
)

// Go returns a future that runs fn as a coroutine: a plain Go function
// that awaits futures one after another, as if they were blocking calls,
// while the task that polls it stays a future. It is the book's fibers
// (chapter 5) and its async/await (chapters 7 to 10) in one: inside fn,
//
//	n := async.Await(co, timer.Sleep(time.Second))
//
// suspends fn until the sleep is over, and the executor runs other tasks
// meanwhile. The future's value is fn's result.
//
// # How it runs
//
// The coroutine is a goroutine that the Go runtime switches to and from
// directly (iter.Pull), never through the scheduler: Poll resumes it on
// the polling goroutine's thread, and it runs until it returns or until
// Await finds its future pending, when it hands control back and Poll
// returns pending. Await polls its future with the Context of the poll
// that resumed the coroutine, so the waker the future stores is the task's
// own, and the next poll resumes fn inside Await, which polls the future
// again. fn runs on behalf of the poller, in lockstep with it: a blocking
// call in fn (a mutex, a channel, a system call) blocks the executor, as
// it would in any Poll. The cooperative budget (Context.Proceed) is the
// task's, so a coroutine whose channel is always ready still gives way.
//
// An Await that suspends costs about a tenth of a microsecond more than
// the same step of a hand-written state machine, and allocates nothing;
// creating a coroutine costs a fraction of a microsecond and a few small
// allocations; a suspended one holds a goroutine's stack but no thread.
// State machines are the fast path; coroutines the pleasant one.
//
// The coroutine is created at the first poll, on the polling goroutine,
// so Go may be called anywhere: only the goroutines that poll the future
// matter (see "Threads" below).
//
// # Cancellation
//
// Cancelling the future (an aborted task, a lost Select, a Timeout, an
// executor that shuts down) first cancels the future fn is awaiting, so
// its socket registration or timer is released, then unwinds fn: the
// pending Await panics with a value of this package that the coroutine's
// wrapper recovers, so fn's deferred calls run, while Cancel waits for
// them. Deferred calls that run then must not Await: an Await in a
// cancelled coroutine cancels the future it is given and panics again at
// once, and Co.Context returns nil.
// A future that fn made but is not awaiting is fn's to cancel, with a
// deferred call.
//
// fn runs even if the future is cancelled before its first poll (a task
// aborted or shut down before it ran, a Select branch never reached): it
// runs then, inside Cancel, until its first Await, which unwinds it at
// once. So fn's deferred calls always run, and a coroutine releases what
// it was given (a connection it closes with defer c.Close(), a semaphore
// permit it returns) on every path, as a goroutine would. The code before
// that first Await must expect co.Context() to be nil, as during any
// cancellation; a value fn returns without awaiting is discarded.
//
// A recover in fn can swallow that panic. The coroutine cannot be made to
// stop, but it cannot wait either: every Await it calls after the
// cancellation panics again, and if fn then returns, its value is
// discarded. A recover in fn should re-panic values it does not know.
//
// # Panics
//
// A panic in fn, or in a future it awaits, ends the coroutine; Poll then
// panics, on the polling goroutine, with a *PanicError holding the value
// and the coroutine's stack where it panicked, so that the task's
// JoinHandle reports it and the executor carries on. A future whose Poll
// panicked inside Await is cancelled when the coroutine's future is (as
// the Future contract requires). A panic in a deferred call that runs
// during cancellation is re-panicked by Cancel, as a *PanicError.
//
// runtime.Goexit in fn (t.FailNow and t.Fatal in a test) cannot be caught:
// iter.Pull passes it on to the goroutine that polled, which ends the
// executor's goroutine. Do not call it in a coroutine.
//
// # Threads
//
// The Go runtime requires a coroutine to be resumed only from goroutines
// whose OS-thread lock state (runtime.LockOSThread) matches that of the
// goroutine that created it, which here is the goroutine of the first
// poll; it aborts the whole process otherwise ("coro: OS thread locking
// must match locking at coroutine creation"), and no panic can be
// recovered. So:
//
//   - A future first polled by an unlocked goroutine may be polled and
//     cancelled by any unlocked goroutine, as the workers of a
//     multi-threaded executor do; never by a goroutine that is locked.
//   - A future first polled by a locked goroutine (an executor run on a
//     goroutine that called runtime.LockOSThread, as a GUI's main thread
//     must) may be polled and cancelled only by that goroutine, while it
//     stays locked the same number of times.
//   - fn must not change its own lock state across an Await (by calling
//     runtime.LockOSThread without the matching unlock before it).
//
// The current-thread executor creates, polls and cancels the coroutines
// of its tasks within one BlockOn, on the goroutine that called it, so
// that goroutine may be locked or not. An executor that moves tasks
// between worker goroutines must not lock its workers.
//
// # Leaks
//
// A coroutine that was polled holds a goroutine until it returns or its
// future is cancelled. Go has no destructors: a future dropped without
// either leaks that goroutine (goleak reports it). Tasks, combinators and
// executors always cancel what they drop.
func Go[T any](fn func(co *Co) T) Future[T] {
	if fn == nil {
		panic("async: Go of a nil function")
	}
	return &coroutine[T]{fn: fn}
}

// Do is Go for a function without a result: the future's value is the
// empty struct, and fn needs no return statement. It suits a task run for
// what it does:
//
//	async.Spawn(cx, async.Do(func(co *async.Co) {
//		async.Await(co, timer.Sleep(time.Second))
//		fmt.Println("a second later")
//	}))
func Do(fn func(co *Co)) Future[struct{}] {
	if fn == nil {
		panic("async: Do of a nil function")
	}
	return Go(func(co *Co) struct{} {
		fn(co)
		return struct{}{}
	})
}

// Co is a coroutine's handle on itself, which its function passes to
// Await. It belongs to that function: it must not be used after the
// function returns, from another goroutine, or by a coroutine nested in
// it (which has a Co of its own).
type Co struct {
	// cx is the Context of the poll that resumed the coroutine. It is set
	// only while fn runs: nil while the coroutine is suspended, while
	// Await polls a future (so that a nested coroutine calling Await with
	// this Co is caught), and during cancellation.
	cx *Context

	// yield hands control back to the poller; it reports false when the
	// poller cancels the coroutine instead of resuming it (iter.Pull's
	// stop).
	yield func(struct{}) bool

	// awaiting is the Future[T] that Await is waiting on, kept as an any
	// so that storing it costs no itab lookup; cancelling asserts it to a
	// canceler. It stays set after a Poll of it panicked, so that it is
	// cancelled then, as the Future contract requires.
	awaiting any

	// cancelled is set by Cancel: from then on Await only panics.
	cancelled bool
}

// canceler is what Co.awaiting holds: a future of some type.
type canceler interface{ Cancel() }

// cancelSignal is the panic that unwinds a cancelled coroutine. The
// coroutine's wrapper recovers it; a recover in fn that prints it shows
// what happened.
type cancelSignal struct{}

func (*cancelSignal) Error() string {
	return "async: Await in a cancelled coroutine (recovering this panic does not resume the coroutine)"
}

// errCancelled is the value of every cancellation panic; Await panics
// with it, and the wrapper recognises it by identity.
var errCancelled error = &cancelSignal{}

// Await waits for f inside the coroutine of co and returns its value. It
// polls f with the Context of the poll that is running the coroutine; if
// f is pending, the coroutine is suspended until the task is woken and
// polled again, and then f is polled again.
//
// Await must be called from the coroutine's own function (see Co). It
// panics if f is nil, if co is used elsewhere, and, to unwind the
// coroutine, when the future of the coroutine is cancelled (see Go).
func Await[T any](co *Co, f Future[T]) T {
	if f == nil {
		panic("async: Await on a nil future")
	}
	co.enter(f)
	co.awaiting = f
	for {
		cx := co.cx
		co.cx = nil // see Co.cx
		v, ok := f.Poll(cx)
		co.cx = cx
		if ok {
			co.awaiting = nil
			return v
		}
		co.suspend()
	}
}

// Get waits for f, a future that can fail, inside the coroutine of co, and
// returns its value and its error, as a Go function would:
//
//	c, err := async.Get(co, tcp.Connect(addr))
//	if err != nil {
//		return err
//	}
//
// It is Await(co, f).Get(), and panics as Await does.
func Get[T any](co *Co, f Future[Result[T]]) (T, error) {
	r := Await(co, f)
	return r.Value, r.Err
}

// Context returns the Context of the poll that is running the coroutine,
// for what Await does not do itself: spawning a task (Spawn(co.Context(),
// f)), or reaching the reactor. It is valid only until the next Await,
// which may return in a later poll with another Context, and must not be
// kept. It is nil while the coroutine is being cancelled.
func (co *Co) Context() *Context { return co.cx }

// enter checks that Await may wait now for f.
func (co *Co) enter(f canceler) {
	switch {
	case co == nil:
		panic("async: Await with a nil Co")
	case co.cancelled:
		// f was handed over to be awaited, and the cancellation would
		// have cancelled it then: release it, then unwind.
		f.Cancel()
		panic(errCancelled)
	case co.cx == nil:
		panic("async: Await called outside its coroutine's function " +
			"(after it returned, from another goroutine, or with the Co of an enclosing coroutine)")
	}
	// A future whose Poll panicked in an earlier Await, a panic that fn
	// recovered, is still owned by the coroutine: release it now.
	if f := co.awaiting; f != nil {
		co.awaiting = nil
		f.(canceler).Cancel()
	}
}

// suspend hands control back to the poller until the next poll, or
// unwinds the coroutine if it was cancelled instead.
func (co *Co) suspend() {
	co.cx = nil
	if !co.yield(struct{}{}) || co.cancelled {
		co.cancelled = true
		panic(errCancelled)
	}
}

// coroutine is the future of Go.
//
// Its fields are touched by the polling goroutine and by the coroutine's
// goroutine, never at once: each runs only while the other is blocked in
// a switch, which orders their accesses.
type coroutine[T any] struct {
	co   Co
	fn   func(*Co) T             // nil once finished or cancelled
	next func() (struct{}, bool) // resumes the coroutine; nil until started and once finished
	stop func()                  // unwinds it; nil likewise
	out  T                       // fn's result
	fail *PanicError             // what fn panicked with
	busy bool                    // Poll or Cancel is switched into the coroutine
}

// Poll resumes the coroutine, creating it at the first poll, until it
// suspends or finishes.
func (c *coroutine[T]) Poll(cx *Context) (T, bool) {
	if c.busy {
		panic("async: a coroutine's future polled from inside its own coroutine")
	}
	if c.next == nil {
		if c.fn == nil {
			panic("async: a coroutine's future polled after it completed or was cancelled")
		}
		c.next, c.stop = iter.Pull(c.body)
	}
	c.co.cx = cx
	c.busy = true
	_, suspended := c.next()
	c.busy = false
	c.co.cx = nil
	if suspended {
		var zero T
		return zero, false
	}
	c.release()
	if p := c.fail; p != nil {
		c.fail = nil
		panic(p)
	}
	out := c.out
	var zero T
	c.out = zero
	return out, true
}

// Cancel cancels the future being awaited, then unwinds the coroutine so
// that its deferred calls run (see Go).
func (c *coroutine[T]) Cancel() {
	if c.busy {
		panic("async: a coroutine's future cancelled from inside its own coroutine")
	}
	c.co.cancelled = true
	if c.next == nil && c.fn != nil {
		c.runCancelled()
		return
	}
	f := c.co.awaiting
	c.co.awaiting = nil
	defer c.unwind() // even if f.Cancel panics: the coroutine must not leak
	if f != nil {
		f.(canceler).Cancel()
	}
}

// runCancelled runs fn of a coroutine cancelled before its first poll,
// until its first Await panics to unwind it or it returns, so that its
// deferred calls run (see Go).
func (c *coroutine[T]) runCancelled() {
	c.next, c.stop = iter.Pull(c.body)
	c.busy = true
	c.next() // fn has finished when it returns: body recovers every panic
	c.busy = false
	c.unwind()
}

// unwind resumes a suspended coroutine with yield reporting false, so that
// the pending Await panics with errCancelled and the coroutine returns.
func (c *coroutine[T]) unwind() {
	stop := c.stop
	c.release()
	if stop != nil {
		c.busy = true
		stop()
		c.busy = false
	}
	var zero T
	c.out = zero // a value returned after a swallowed cancellation
	if p := c.fail; p != nil {
		c.fail = nil
		panic(p)
	}
}

// release forgets the function and the coroutine's switches.
func (c *coroutine[T]) release() {
	c.fn, c.next, c.stop = nil, nil, nil
}

// body is the coroutine: fn, with its panics recovered.
func (c *coroutine[T]) body(yield func(struct{}) bool) {
	c.co.yield = yield
	defer c.recoverPanic()
	task.Enter(c) // marks the goroutine as polling for task.Polling
}

// PollBody implements task.Poller: it runs fn.
func (c *coroutine[T]) PollBody() { c.out = c.fn(&c.co) }

// recoverPanic ends the coroutine: it keeps a panic for the poller, with
// the stack where it happened, and swallows the cancellation signal.
func (c *coroutine[T]) recoverPanic() {
	c.co.yield, c.co.cx = nil, nil
	r := recover()
	if r == nil || r == errCancelled {
		return
	}
	if p, ok := r.(*PanicError); ok {
		c.fail = p // from a nested coroutine: it has the deepest stack
		return
	}
	c.fail = &PanicError{Value: r, Stack: debug.Stack()}
}
