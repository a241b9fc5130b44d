package mpsc

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// countWaker counts its wakes; it is safe from any goroutine.
type countWaker struct{ n atomic.Int64 }

func (w *countWaker) Wake()      { w.n.Add(1) }
func (w *countWaker) wakes() int { return int(w.n.Load()) }

// handContext returns a Context with waker w and no runtime, for polling
// by hand.
func handContext(w async.Waker) *async.Context {
	cx := testfut.NewContext(w)
	return cx
}

// steps is a future made of steps run one after the other; each returns
// whether it is done, and a step that is not done has arranged a wake.
type steps struct {
	fns    []func(cx *async.Context) bool
	i      int
	polls  int
	cancel func()
}

func (s *steps) Poll(cx *async.Context) (struct{}, bool) {
	s.polls++
	for s.i < len(s.fns) {
		if !s.fns[s.i](cx) {
			return struct{}{}, false
		}
		s.i++
	}
	return struct{}{}, true
}

func (s *steps) Cancel() {
	if s.cancel != nil {
		s.cancel()
	}
}

func task(fns ...func(cx *async.Context) bool) *steps { return &steps{fns: fns} }

// await is a step that polls f until it is ready and passes its value to
// then.
func await[T any](f func() async.Future[T], then func(T)) func(cx *async.Context) bool {
	var cur async.Future[T]
	return func(cx *async.Context) bool {
		if cur == nil {
			cur = f()
		}
		v, ok := cur.Poll(cx)
		if !ok {
			return false
		}
		cur = nil
		if then != nil {
			then(v)
		}
		return true
	}
}

// until is a step that is done once cond holds, yielding meanwhile: it
// wakes its own task and is pending. A test whose premise is that a task
// it spawned has run (and queued, say) states it with until: on the
// current-thread executor one yield gives the spawned task its turn, but
// on the multi-thread one that task may still be waiting for a worker
// when the spawner is polled again. After a great many tries it gives up,
// so that the test's own assertion reports what did not happen.
func until(cond func() bool) func(cx *async.Context) bool {
	tries := 0
	return func(cx *async.Context) bool {
		if cond() || tries >= 1<<20 {
			return true
		}
		tries++
		cx.Waker().Wake()
		return false
	}
}

// do is a step that runs fn once.
func do(fn func()) func(cx *async.Context) bool {
	return func(*async.Context) bool { fn(); return true }
}

// repeat is a step that runs the step made by mk n times, a fresh one for
// each i.
func repeat(n int, mk func(i int) func(cx *async.Context) bool) func(cx *async.Context) bool {
	i := 0
	var cur func(cx *async.Context) bool
	return func(cx *async.Context) bool {
		for i < n {
			if cur == nil {
				cur = mk(i)
			}
			if !cur(cx) {
				return false
			}
			cur = nil
			i++
		}
		return true
	}
}

// spawnAll is a future that spawns every future of fs and is ready once
// all of them are; it fails the test if one ends in an error.
type spawnAll struct {
	t  *testing.T
	fs []async.Future[struct{}]
	hs []async.JoinHandle[struct{}]
}

func all(t *testing.T, fs ...async.Future[struct{}]) *spawnAll { return &spawnAll{t: t, fs: fs} }

func (s *spawnAll) Poll(cx *async.Context) (struct{}, bool) {
	if s.hs == nil {
		for _, f := range s.fs {
			s.hs = append(s.hs, async.Spawn(cx, f))
		}
	}
	for len(s.hs) > 0 {
		r, ok := s.hs[0].Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if r.Err != nil {
			s.t.Errorf("task: %v", r.Err)
		}
		s.hs = s.hs[1:]
	}
	return struct{}{}, true
}

func (s *spawnAll) Cancel() {
	for _, h := range s.hs {
		h.Cancel()
	}
}

// newExecutor returns an executor of x's kind that the test closes,
// checking that no timer was left armed.
func newExecutor(t *testing.T, x rttest.Executor, opts ...executor.Option) executor.Executor {
	t.Helper()
	ex, err := x.Make(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if n := ex.Reactor().Timers(); n != 0 {
			t.Errorf("%d timers left armed", n)
		}
		if err := ex.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return ex
}

// blockOn runs f on ex and fails the test on an executor error.
func blockOn[T any](t *testing.T, ex executor.Executor, f async.Future[T]) T {
	t.Helper()
	v, err := executor.BlockOn(ex, f)
	if err != nil {
		t.Fatalf("BlockOn: %v", err)
	}
	return v
}

// checkIdle fails the test unless nothing waits in c and no slot is held.
func checkIdle[T any](t *testing.T, c *channel[T]) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiters.Len() != 0 || c.reserved != 0 || c.rxWaker != nil {
		t.Errorf("channel not idle: %d waiters, %d reserved slots, receiver waker %v",
			c.waiters.Len(), c.reserved, c.rxWaker)
	}
}

// yield lets other goroutines run while a test waits for one of them to
// reach a state it can observe (a queued waiter, a stored waker).
func yield() { runtime.Gosched() }

// receiverWaits reports whether the receiver's waker is stored.
func (c *channel[T]) receiverWaits() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rxWaker != nil
}

// granted reports whether a slot was granted to f and not yet filled.
func (f *SendFuture[T]) granted() bool {
	f.s.c.mu.Lock()
	defer f.s.c.mu.Unlock()
	return f.w.Data.state == granted
}

// runTasks spawns fs on a new executor of x's kind with a paused clock and waits for
// all of them. Tasks that only wait on each other and deadlock make the
// paused clock jump to the guard's deadline, so a lost wakeup fails the
// test at once instead of hanging it.
func runTasks(t *testing.T, x rttest.Executor, fs ...async.Future[struct{}]) {
	t.Helper()
	ex := newExecutor(t, x, executor.WithPausedClock())
	r := blockOn(t, ex, async.Future[async.Result[struct{}]](timer.TimeoutValue(async.Future[struct{}](all(t, fs...)), time.Hour)))
	if r.Err != nil {
		t.Fatalf("tasks deadlocked: %v", r.Err)
	}
}
