package lifecycle

import (
	"errors"
	"fmt"
	"testing"

	"go.uber.org/goleak"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/task"
)

// shape is one way to build an executor.
type shape struct {
	name  string
	opts  []executor.Option
	multi bool // a MultiThread: opts hold executor.WithWorkers
}

// shapes are the executor shapes that every case runs on: the
// current-thread executor's three, and the multi-thread executor with
// rttest.Workers workers (so that the case's task and the tasks it wakes
// move between them), with its clock running and paused.
var shapes = []shape{
	{"default", nil, false},
	{"reactor-goroutine", []executor.Option{executor.WithReactorGoroutine()}, false},
	{"paused-clock", []executor.Option{executor.WithPausedClock()}, false},
	{"multi-thread", []executor.Option{executor.WithWorkers(rttest.Workers)}, true},
	{"multi-thread-paused-clock", []executor.Option{executor.WithWorkers(rttest.Workers), executor.WithPausedClock()}, true},
}

// mode is when a case cancels the future under test.
type mode int

const (
	// unpolled: the future is cancelled without ever being polled.
	unpolled mode = iota
	// afterPending: the future is polled once, inside the task, with a
	// waker of the test's own; that poll must be pending (the future
	// stored the waker somewhere); then it is cancelled.
	afterPending
)

func (m mode) String() string {
	if m == unpolled {
		return "unpolled"
	}
	return "after-pending-poll"
}

// lcase is one row of the table: a future-returning API, made, cancelled
// (by calling cancel exactly once) and then shown to have left its object
// usable.
type lcase struct {
	name string
	// pendable: a first poll can be pending, so the case runs in the
	// after-pending-poll table too. A case whose first poll is always ready
	// (Ready, a dns literal, a UDP send) cannot be cancelled after it.
	pendable bool
	// wakeRace: a goroutine of the future's own (a lookup) may have taken
	// the waker just before the cancellation and call it just after, a
	// spurious wake the contract allows; the check that the waker is never
	// called after the cancellation is then skipped.
	wakeRace bool
	body     func(h *H)
}

// H is what a case's body gets: the coroutine it runs in (as a task of the
// executor under test) and the step under test, cancel.
type H struct {
	t  *testing.T
	ex executor.Executor
	// multi: ex is a MultiThread, whose other worker may run a task the
	// case woke while the case's own task runs on.
	multi bool
	co    *async.Co
	mode  mode

	w             testfut.Waker // the waker of the pending poll
	cancelled     bool
	wakesAtCancel int
}

// failure is what fatalf panics with: t.Fatal must not be called inside a
// coroutine (runtime.Goexit would end the executor's goroutine), so the
// panic unwinds the task and the test reports it.
type failure string

func (h *H) fatalf(format string, args ...any) {
	panic(failure(fmt.Sprintf(format, args...)))
}

func (h *H) errorf(format string, args ...any) {
	h.t.Helper()
	h.t.Errorf(format, args...)
}

// must fails the case at once if err is not nil.
func (h *H) must(err error, what string) {
	if err != nil {
		h.fatalf("%s: %v", what, err)
	}
}

// pending reports whether the case runs in the after-pending-poll mode.
func (h *H) pending() bool { return h.mode == afterPending }

// reactor is the reactor of the executor under test.
func (h *H) reactor() *reactor.Reactor { return h.co.Context().Reactor() }

// await awaits f in the case's task.
func await[T any](h *H, f async.Future[T]) T { return async.Await(h.co, f) }

// get awaits a fallible future and fails the case if it fails.
func get[T any](h *H, what string, f async.Future[async.Result[T]]) T {
	v, err := await(h, f).Get()
	h.must(err, what)
	return v
}

// cancel is the step under test. In the unpolled mode it cancels f at
// once; in the after-pending-poll mode it first polls f once with a
// Context of the task's executor and reactor but a counting waker of the
// test's own, and fails the case if that poll is ready. Then it checks that
// the cancellation did not panic, left no timer armed that was not armed
// before, and no more reactor sources than before plus regs: the sockets
// of the test's own that f operates on and that its poll may have
// registered (they stay registered until the test closes them).
func cancel[T any](h *H, f async.Future[T], regs int) {
	h.t.Helper()
	if h.cancelled {
		h.fatalf("the case cancels twice")
	}
	r := h.reactor()
	sources, timers := r.Sources(), r.Timers()
	if h.pending() {
		tcx := task.NewContext((*task.Context)(h.co.Context()).Spawner(), r)
		tcx.SetWaker(&h.w)
		cx := (*async.Context)(tcx)
		if pollOnce(h, f, cx) {
			h.fatalf("the first poll was ready, so the future cannot be cancelled after a pending one")
		}
	} else {
		regs = 0
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				h.fatalf("Cancel panicked: %v", p)
			}
		}()
		f.Cancel()
	}()
	h.cancelled = true
	h.wakesAtCancel = h.w.Wakes()
	if n := r.Timers(); n != timers {
		h.errorf("%d timers armed after the cancellation, %d before it", n, timers)
	}
	if n := r.Sources(); n > sources+regs {
		h.errorf("%d reactor sources after the cancellation, %d before it (the future's own sockets may add %d)", n, sources, regs)
	}
}

// pollOnce polls f with cx and reports whether it was ready; a panic fails
// the case.
func pollOnce[T any](h *H, f async.Future[T], cx *async.Context) (ready bool) {
	defer func() {
		if p := recover(); p != nil {
			h.fatalf("the first poll panicked: %v", p)
		}
	}()
	_, ready = f.Poll(cx)
	return ready
}

// runTable runs every case of the table in mode m, on every shape.
func runTable(t *testing.T, m mode, cases []lcase) {
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases named %q", c.name)
		}
		seen[c.name] = true
		if m == afterPending && !c.pendable {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			onEachShape(t, func(t *testing.T, s shape) { runCase(t, s, m, c) })
		})
	}
}

// onEachShape runs body once on each shape of the executors.
func onEachShape(t *testing.T, body func(t *testing.T, s shape)) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) { body(t, s) })
	}
}

// runCase runs c's body as a task of a new executor of shape s, checks
// what the cancellation must have released, and closes the executor.
// After the body the reactor must hold no timer and no source (the body
// closes its sockets), the waker of the pending poll must not have been
// called since the cancellation (a future that let go of it cannot call
// it), and after the executor is closed no goroutine and no descriptor may
// be left.
func runCase(t *testing.T, s shape, m mode, c lcase) {
	fdcheck.Check(t)
	h := &H{t: t, mode: m, multi: s.multi}
	body := async.Go(func(co *async.Co) struct{} {
		h.co = co
		c.body(h)
		if !h.cancelled {
			h.fatalf("the case never called cancel")
		}
		r := h.reactor()
		if n := r.Timers(); n != 0 {
			h.errorf("%d timers armed at the end of the case", n)
		}
		if n := r.Sources(); n != 0 {
			h.errorf("%d reactor sources registered at the end of the case", n)
		}
		if n := h.w.Wakes() - h.wakesAtCancel; n != 0 && !c.wakeRace {
			h.errorf("the waker of the cancelled future's poll was called %d times after the cancellation: something kept it", n)
		}
		return struct{}{}
	})
	var ex executor.Executor
	var err error
	if s.multi {
		ex, err = executor.NewMultiThread(s.opts...)
	} else {
		ex, err = executor.NewCurrentThread(s.opts...)
	}
	if err != nil {
		t.Fatalf("executor: %v", err)
	}
	h.ex = ex
	res, err := executor.BlockOn(ex, async.Go(func(co *async.Co) async.Result[struct{}] {
		return async.Await(co, async.Spawn(co.Context(), body))
	}))
	if err = errors.Join(err, ex.Close()); err != nil {
		t.Fatalf("executor: %v", err)
	}
	if res.Err != nil {
		if p, ok := res.Err.(*async.PanicError); ok {
			if f, ok := p.Value.(failure); ok {
				t.Fatal(string(f))
			}
			t.Fatalf("the case panicked: %v\n%s", p.Value, p.Stack)
		}
		t.Fatalf("the case's task: %v", res.Err)
	}
	goleak.VerifyNone(t)
}
