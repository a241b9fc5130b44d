package async_test

// Tests of coroutines (coroutine.go): Go and Await.

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/timer"
)

// newCoExecutor returns an executor of x's kind with opts that is closed
// when the test ends, after checking that no timer or socket registration
// is left.
func newCoExecutor(t *testing.T, x rttest.Executor, opts ...executor.Option) executor.Executor {
	t.Helper()
	ex, err := x.Make(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r := ex.Reactor()
		if n := r.Timers(); n != 0 {
			t.Errorf("%d timers left armed", n)
		}
		if n := r.Sources(); n != 0 {
			t.Errorf("%d sources left registered", n)
		}
		if err := ex.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return ex
}

// coSocketpair returns a connected pair of non-blocking Unix sockets,
// closed when the test ends.
func coSocketpair(t *testing.T) [2]int {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unix.Close(fds[0])
		unix.Close(fds[1])
	})
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	return [2]int{fds[0], fds[1]}
}

// coReadOnce reads a socket once through the reactor. It registers the
// socket at its first poll and deregisters it when ready or cancelled.
type coReadOnce struct {
	fd      int
	src     *reactor.Source
	buf     [16]byte
	cancels int
}

func (r *coReadOnce) Poll(cx *async.Context) (int, bool) {
	if r.src == nil {
		src, err := cx.Reactor().Register(r.fd)
		if err != nil {
			panic(err)
		}
		r.src = src
	}
	res, ok := netfd.PollIO(cx, r.src, reactor.Read, netfd.IOFunc[int](func() (int, error) { return unix.Read(r.fd, r.buf[:]) }))
	if !ok {
		return 0, false
	}
	r.src.Deregister()
	r.src = nil
	return res.Value, true
}

func (r *coReadOnce) Cancel() {
	r.cancels++
	if r.src != nil {
		r.src.Deregister()
		r.src = nil
	}
}

// coPendOnce is pending at its first poll, waking its waker, and ready at
// the next; reset makes it pending again, so one value serves many awaits.
type coPendOnce struct{ pended bool }

func (p *coPendOnce) Poll(cx *async.Context) (struct{}, bool) {
	if p.pended {
		return struct{}{}, true
	}
	p.pended = true
	cx.Waker().Wake()
	return struct{}{}, false
}

func (p *coPendOnce) Cancel() {}
func (p *coPendOnce) reset()  { p.pended = false }

// coPanicky panics when polled and counts its cancels.
type coPanicky struct{ cancels int }

func (p *coPanicky) Poll(*async.Context) (int, bool) { panic("coPanicky polled") }
func (p *coPanicky) Cancel()                         { p.cancels++ }

// innermostPanic follows the *PanicError chain of err to the one that
// holds the original panic value: a coroutine's future re-panics a
// *PanicError, which the task machinery may wrap again.
func innermostPanic(t *testing.T, err error) *async.PanicError {
	t.Helper()
	var pe *async.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want a *async.PanicError", err, err)
	}
	for {
		inner, ok := pe.Value.(*async.PanicError)
		if !ok {
			return pe
		}
		pe = inner
	}
}

// mustPanic calls fn and returns what it panicked with, failing the test
// if it did not panic.
func mustPanic(t *testing.T, fn func()) (r any) {
	t.Helper()
	defer func() { r = recover() }()
	fn()
	t.Fatal("did not panic")
	return nil
}

// TestCoroutineAwaitsInSequence: one function awaits a sleep, a channel
// fed by another coroutine under backpressure, and the handles of spawned
// tasks, and returns what they produced.
func TestCoroutineAwaitsInSequence(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		ex := newCoExecutor(t, x, executor.WithPausedClock())
		r := ex.Reactor()
		start := r.Now()
		got, err := executor.BlockOn(ex, async.Go(func(co *async.Co) int {
			async.Await(co, timer.Sleep(time.Minute))
			cx := co.Context()
			slow := async.Spawn(cx, async.Go(func(co *async.Co) int {
				async.Await(co, timer.Sleep(time.Second))
				return 200
			}))
			quick := async.Spawn(cx, async.Ready(3000))
			tx, rx := mpsc.New[int](1) // room for one: the producer must wait
			producer := async.Spawn(cx, async.Go(func(co *async.Co) error {
				defer tx.Close()
				for i := 1; i <= 4; i++ {
					if err := async.Await(co, tx.Send(i)); err != nil {
						return err
					}
				}
				return nil
			}))
			sum := 0
			for {
				res := async.Await(co, rx.Recv())
				if errors.Is(res.Err, mpsc.ErrClosed) {
					break
				}
				sum += res.Value
			}
			if res := async.Await(co, producer); res.Err != nil || res.Value != nil {
				panic(fmt.Sprintf("producer: %+v", res))
			}
			return sum + async.Await(co, slow).Value + async.Await(co, quick).Value
		}))
		if err != nil || got != 3210 {
			t.Fatalf("BlockOn = %d, %v; want 3210", got, err)
		}
		if elapsed := r.Now().Sub(start); elapsed < time.Minute+time.Second || elapsed > time.Minute+2*time.Second {
			t.Errorf("the paused clock moved %v, want a minute and a second", elapsed)
		}
	})
}

// TestGet: Get gives a fallible future's value and error as two values,
// for a future behind the interface and for a JoinHandle, a struct.
func TestGet(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		boom := errors.New("boom")
		got, err := executor.Run(async.Go(func(co *async.Co) string {
			v, err := async.Get(co, async.Ready(async.Ok(7)))
			if v != 7 || err != nil {
				t.Errorf("Get(Ok(7)) = %v, %v", v, err)
			}
			s, err := async.Get(co, async.Ready(async.Err[string](boom)))
			if s != "" || err != boom {
				t.Errorf("Get(Err(boom)) = %q, %v", s, err)
			}
			h := async.Spawn(co.Context(), async.Go(func(co *async.Co) string {
				async.Await(co, async.Yield())
				return "spawned"
			}))
			s, err = async.Get(co, h)
			if err != nil {
				return err.Error()
			}
			return s
		}), x.Options...)
		if err != nil || got != "spawned" {
			t.Fatalf("Run = %q, %v; want spawned", got, err)
		}
	})
}

// TestDo: Do runs a function without a result as a coroutine, awaits
// included, and its panics reach the JoinHandle as Go's do.
func TestDo(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		var steps []string
		_, err := executor.Run(async.Do(func(co *async.Co) {
			steps = append(steps, "start")
			async.Await(co, timer.Sleep(time.Minute))
			h := async.Spawn(co.Context(), async.Do(func(co *async.Co) {
				async.Await(co, async.Yield())
				panic("boom")
			}))
			var pe *async.PanicError
			if _, err := async.Get(co, h); !errors.As(err, &pe) || pe.Value != "boom" {
				t.Errorf("a Do that panicked: %v; want a PanicError of boom", err)
			}
			steps = append(steps, "end")
		}), x.With(executor.WithPausedClock())...)
		if err != nil || strings.Join(steps, " ") != "start end" {
			t.Fatalf("Run(Do) = %v, steps %q", err, steps)
		}
	})
	mustPanic(t, func() { async.Do(nil) }) //asynccheck:ignore Do(nil) panics before there is a future
}

// counter is the book's fiber: it prints its name and count n times,
// giving way to the other tasks after each.
func counter(log *[]string, name string, n int) async.Future[int] {
	return async.Go(func(co *async.Co) int {
		for i := range n {
			*log = append(*log, fmt.Sprint(name, i))
			async.Await(co, async.Yield())
		}
		return n
	})
}

// TestCoroutineFibersTakeTurns: two counters that yield after each step
// run in alternation on one executor. CurrentThread only: strict
// alternation is the order of its one run queue, and the two counters
// share the log unlocked; on a MultiThread they run side by side (see
// TestCoroutinesMoveBetweenWorkers).
func TestCoroutineFibersTakeTurns(t *testing.T) {
	noLeaks(t)
	var log []string
	total, err := executor.Run(async.Go(func(co *async.Co) int {
		a := async.Spawn(co.Context(), counter(&log, "a", 3))
		b := async.Spawn(co.Context(), counter(&log, "b", 3))
		return async.Await(co, a).Value + async.Await(co, b).Value
	}))
	if err != nil || total != 6 {
		t.Fatalf("Run = %d, %v; want 6", total, err)
	}
	if got, want := strings.Join(log, " "), "a0 b0 a1 b1 a2 b2"; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
}

// TestCoroutinePingPong: two coroutines pass a count back and forth
// through two channels, each waiting for the other.
func TestCoroutinePingPong(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		const rounds = 100
		got, err := executor.Run(async.Go(func(co *async.Co) int {
			pingTx, pingRx := mpsc.New[int](1)
			pongTx, pongRx := mpsc.New[int](1)
			async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
				defer pongTx.Close()
				for {
					res := async.Await(co, pingRx.Recv())
					if res.Err != nil {
						return struct{}{}
					}
					async.Await(co, pongTx.Send(res.Value+1))
				}
			})).Detach()
			n := 0
			for range rounds {
				async.Await(co, pingTx.Send(n))
				n = async.Await(co, pongRx.Recv()).Value
			}
			pingTx.Close()
			if res := async.Await(co, pongRx.Recv()); !errors.Is(res.Err, mpsc.ErrClosed) {
				panic(fmt.Sprintf("after the last round: %+v", res))
			}
			return n
		}), x.Options...)
		if err != nil || got != rounds {
			t.Fatalf("Run = %d, %v; want %d", got, err, rounds)
		}
	})
}

// TestCoroutineLosingSelectUnwinds: a coroutine that loses a Select is
// cancelled: the sleep it awaited is disarmed first, then its deferred
// calls run, and its goroutine ends.
func TestCoroutineLosingSelectUnwinds(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		ex := newCoExecutor(t, x, executor.WithPausedClock())
		r := ex.Reactor()
		deferred, timersInDefer := false, -1
		slow := async.Go(func(co *async.Co) int {
			defer func() { deferred, timersInDefer = true, r.Timers() }()
			async.Await(co, timer.Sleep(time.Hour))
			return 1
		})
		got, err := executor.BlockOn(ex, async.Select2[int, struct{}](slow, timer.Sleep(time.Minute)))
		if err != nil || got.Index != 1 {
			t.Fatalf("BlockOn(Select2) = %+v, %v; want the minute's sleep", got, err)
		}
		if !deferred {
			t.Error("the losing coroutine's deferred call did not run")
		}
		if timersInDefer != 0 {
			t.Errorf("%d timers armed when the deferred call ran, want 0: the awaited sleep must be cancelled first", timersInDefer)
		}
		if n := r.Timers(); n != 0 {
			t.Errorf("%d timers armed after the select, want 0", n)
		}
	})
}

// TestCoroutineAbortReleasesSocket: aborting a task whose coroutine waits
// in Await on a socket read deregisters the socket from the reactor and
// runs the coroutine's deferred calls.
func TestCoroutineAbortReleasesSocket(t *testing.T) {
	shapes := []struct {
		name string
		x    rttest.Executor
		opts []executor.Option
	}{
		{"executor turns the reactor", rttest.Executors[0], nil},
		{"reactor goroutine", rttest.Executors[0], []executor.Option{executor.WithReactorGoroutine()}},
		{"multi-thread", rttest.Executors[1], nil},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			noLeaks(t)
			fds := coSocketpair(t)
			ex := newCoExecutor(t, s.x, s.opts...)
			r := ex.Reactor()
			read := &coReadOnce{fd: fds[0]}
			deferred, sourcesInDefer := false, -1
			reader := async.Go(func(co *async.Co) int {
				defer func() { deferred, sourcesInDefer = true, r.Sources() }()
				return async.Await(co, read)
			})
			res, err := executor.BlockOn(ex, async.Go(func(co *async.Co) async.Result[int] {
				h := async.Spawn(co.Context(), reader)
				// On a MultiThread the reader may run on the other worker:
				// give it (generous) time rather than a count of yields.
				deadline := time.Now().Add(10 * time.Second)
				for i := 0; r.Sources() == 0; i++ {
					if !s.x.Multi && i == 100 || time.Now().After(deadline) {
						panic("the reader never registered its socket")
					}
					async.Await(co, async.Yield())
				}
				h.Abort()
				return async.Await(co, h)
			}))
			if err != nil || !errors.Is(res.Err, async.ErrAborted) {
				t.Fatalf("BlockOn = %+v, %v; want the reader's ErrAborted", res, err)
			}
			if !deferred || read.cancels != 1 {
				t.Errorf("deferred call ran: %v; read cancelled %d times; want true, 1", deferred, read.cancels)
			}
			if sourcesInDefer != 0 {
				t.Errorf("%d sources registered when the deferred call ran, want 0", sourcesInDefer)
			}
			if n := r.Sources(); n != 0 {
				t.Errorf("%d sources registered after the abort, want 0", n)
			}
		})
	}
}

// TestCoroutineShutdownRunsDefers: a coroutine task still waiting when
// BlockOn returns is cancelled by the shutdown, and its deferred calls run.
func TestCoroutineShutdownRunsDefers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		// A real clock: a paused one may jump the hour on a MultiThread,
		// between the main task's Yield and its next poll, when every
		// task looks idle for an instant, and the sleeper would finish.
		ex := newCoExecutor(t, x)
		deferred := false
		var h async.JoinHandle[int]
		_, err := executor.BlockOn(ex, async.Go(func(co *async.Co) struct{} {
			h = async.Spawn(co.Context(), async.Go(func(co *async.Co) int {
				defer func() { deferred = true }()
				async.Await(co, timer.Sleep(time.Hour))
				return 1
			}))
			async.Await(co, async.Yield()) // the task runs and waits for the sleep
			return struct{}{}
		}))
		if err != nil {
			t.Fatal(err)
		}
		if !h.Finished() {
			t.Fatal("the task is alive after BlockOn returned")
		}
		if res, _ := h.Poll(testfut.NewContext(async.NoopWaker())); !errors.Is(res.Err, async.ErrShutdown) {
			t.Errorf("task result %+v, want ErrShutdown", res)
		}
		if !deferred {
			t.Error("the coroutine's deferred call did not run at shutdown")
		}
		if n := ex.Reactor().Timers(); n != 0 {
			t.Errorf("%d timers armed after shutdown, want 0", n)
		}
	})
}

// TestCoroutineCancelBeforeFirstPoll: a coroutine that was never polled
// runs when it is cancelled, until its first Await unwinds it, so that its
// deferred calls run; co.Context() is nil meanwhile, the code after the
// Await never runs, and no goroutine is left.
func TestCoroutineCancelBeforeFirstPoll(t *testing.T) {
	noLeaks(t)
	var steps []string
	f := async.Go(func(co *async.Co) int {
		defer func() { steps = append(steps, "deferred") }()
		steps = append(steps, fmt.Sprintf("started, context %v", co.Context()))
		async.Await(co, async.Yield())
		steps = append(steps, "after the Await")
		return 1
	})
	f.Cancel()
	if got := strings.Join(steps, "; "); got != "started, context <nil>; deferred" {
		t.Fatalf("cancelling an unpolled coroutine ran: %s", got)
	}
	f.Cancel() // a second Cancel does nothing
	if len(steps) != 2 {
		t.Fatalf("second Cancel ran the function again: %v", steps)
	}

	// A function that returns without awaiting runs to its end.
	ran := false
	async.Go(func(*async.Co) int { ran = true; return 1 }).Cancel()
	if !ran {
		t.Fatal("the function of an unpolled coroutine did not run at Cancel")
	}

	// A panic in it is Cancel's, as for deferred calls during cancellation.
	defer func() {
		pe, ok := recover().(*async.PanicError)
		if !ok || pe.Value != "in the prefix" {
			t.Fatalf("Cancel panicked with %v; want a *PanicError", pe)
		}
	}()
	async.Go(func(*async.Co) int { panic("in the prefix") }).Cancel()
}

// TestCoroutineAbortedBeforeFirstPollRunsDefers: a coroutine task aborted
// right after Spawn, or shut down before it ran, still runs its deferred
// calls, so a socket it was given is closed on every path.
func TestCoroutineAbortedBeforeFirstPollRunsDefers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		for _, how := range []string{"abort", "shutdown"} {
			t.Run(how, func(t *testing.T) {
				ex := newCoExecutor(t, x)
				fds := coSocketpair(t)
				fd, err := unix.Dup(fds[0])
				if err != nil {
					t.Fatal(err)
				}
				closed := false
				_, err = executor.BlockOn(ex, async.Go(func(co *async.Co) struct{} {
					h := async.Spawn(co.Context(), async.Go(func(co *async.Co) int {
						defer func() { closed = unix.Close(fd) == nil }()
						async.Await(co, timer.Sleep(time.Hour))
						return 1
					}))
					if how == "abort" {
						h.Abort()
						async.Await(co, h)
					}
					return struct{}{}
				}))
				if err != nil {
					t.Fatal(err)
				}
				if !closed {
					t.Fatal("the descriptor given to the coroutine was not closed")
				}
			})
		}
	})
}

// panicsAfterAYield is named so that the test can find it in the stack.
func panicsAfterAYield(co *async.Co) int {
	async.Await(co, async.Yield())
	panic(errCoBoom)
}

var errCoBoom = errors.New("boom")

// TestCoroutinePanicReachesJoinHandle: a panic in a coroutine becomes the
// task's *PanicError, with the coroutine's stack, and the executor goes
// on running the other tasks.
func TestCoroutinePanicReachesJoinHandle(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		got, err := executor.Run(async.Go(func(co *async.Co) [2]async.Result[int] {
			bad := async.Spawn(co.Context(), async.Go(panicsAfterAYield))
			good := async.Spawn(co.Context(), async.Go(func(co *async.Co) int {
				for range 3 {
					async.Await(co, async.Yield())
				}
				return 7
			}))
			return [2]async.Result[int]{async.Await(co, bad), async.Await(co, good)}
		}), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
		pe := innermostPanic(t, got[0].Err)
		if pe.Value != errCoBoom || !errors.Is(got[0].Err, errCoBoom) {
			t.Errorf("panic value %v, want %v reachable with errors.Is", pe.Value, errCoBoom)
		}
		if !strings.Contains(string(pe.Stack), "panicsAfterAYield") {
			t.Errorf("the stack does not show where the coroutine panicked:\n%s", pe.Stack)
		}
		if got[1].Err != nil || got[1].Value != 7 {
			t.Errorf("the other task: %+v, want 7", got[1])
		}
	})
}

// TestCoroutineAwaitedPanicCancelsFuture: a future that panics in Await
// is cancelled afterwards, as the Future contract requires.
func TestCoroutineAwaitedPanicCancelsFuture(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		p := &coPanicky{}
		res, err := executor.Run(spawnAndAwait(async.Go(func(co *async.Co) int {
			return async.Await[int](co, p)
		})), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
		if pe := innermostPanic(t, res.Err); pe.Value != "coPanicky polled" {
			t.Errorf("panic value %v, want coPanicky's", pe.Value)
		}
		if p.cancels != 1 {
			t.Errorf("the panicking future was cancelled %d times, want 1", p.cancels)
		}
	})
}

// TestCoroutineNested: a coroutine awaits another; cancelling the outer
// one unwinds both, the inner first, and cancels what the inner awaited.
func TestCoroutineNested(t *testing.T) {
	noLeaks(t)
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		got, err := executor.Run(async.Go(func(co *async.Co) int {
			return 1 + async.Await(co, async.Go(func(co *async.Co) int {
				async.Await(co, timer.Sleep(time.Second))
				return 41
			}))
		}), x.With(executor.WithPausedClock())...)
		if err != nil || got != 42 {
			t.Fatalf("Run = %d, %v; want 42", got, err)
		}
	})

	leaf := testfut.New[int]()
	var order []string
	outer := async.Go(func(co *async.Co) int {
		defer func() { order = append(order, "outer") }()
		return async.Await(co, async.Go(func(co *async.Co) int {
			defer func() { order = append(order, "inner") }()
			return async.Await[int](co, leaf)
		}))
	})
	if _, ok := outer.Poll(testfut.NewContext(&testfut.Waker{})); ok {
		t.Fatal("outer ready before its leaf")
	}
	outer.Cancel()
	testfut.AssertCancelled(t, leaf)
	testfut.AssertClean(t, leaf)
	if got := strings.Join(order, " "); got != "inner outer" {
		t.Errorf("deferred calls ran in the order %q, want \"inner outer\"", got)
	}
}

// TestCoroutineSharesTaskBudget: the futures a coroutine awaits spend the
// budget of the task's poll, so a coroutine draining a channel that is
// always ready gives way after Budget receives, and is woken to go on.
func TestCoroutineSharesTaskBudget(t *testing.T) {
	noLeaks(t)
	const n = 1000
	tx, rx := mpsc.Unbounded[int]()
	for i := range n {
		if err := tx.Send(i); err != nil {
			t.Fatal(err)
		}
	}
	tx.Close()
	received := 0
	f := async.Go(func(co *async.Co) int {
		for async.Await(co, rx.Recv()).Err == nil {
			received++
		}
		return received
	})
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	testfut.ResetBudget(cx)
	if _, ok := f.Poll(cx); ok || received != async.Budget || w.Wakes() != 1 {
		t.Fatalf("after one poll: ready %v, %d received, %d wakes; want pending, %d, 1", ok, received, w.Wakes(), async.Budget)
	}
	for polls := 1; ; polls++ {
		testfut.ResetBudget(cx)
		if got, ok := f.Poll(cx); ok {
			if got != n {
				t.Errorf("received %d values, want %d", got, n)
			}
			break
		}
		if polls > n {
			t.Fatal("the coroutine never finished")
		}
	}
}

// TestCoroutineWakerFollowsPoll: Await polls with the Context of the
// current poll, so the awaited future always holds the newest waker.
func TestCoroutineWakerFollowsPoll(t *testing.T) {
	noLeaks(t)
	leaf := testfut.New[int]()
	f := async.Go(func(co *async.Co) int { return async.Await[int](co, leaf) })
	w1, w2 := &testfut.Waker{}, &testfut.Waker{}
	f.Poll(testfut.NewContext(w1))
	f.Poll(testfut.NewContext(w2))
	leaf.Complete(5)
	if w1.Wakes() != 0 || w2.Wakes() != 1 {
		t.Errorf("wakes: first waker %d, second %d; want 0, 1", w1.Wakes(), w2.Wakes())
	}
	if v, ok := f.Poll(testfut.NewContext(w2)); !ok || v != 5 {
		t.Errorf("Poll = %d, %v; want 5, true", v, ok)
	}
	testfut.AssertClean(t, leaf)
}

// TestAwaitMisusePanics: Await on a nil future, with the Co of a finished
// coroutine, or with the Co of an enclosing coroutine, panics clearly.
func TestAwaitMisusePanics(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		_, err := executor.Run(async.Go(func(co *async.Co) int { return async.Await[int](co, nil) }), x.Options...)
		if pe := innermostPanic(t, err); !strings.Contains(fmt.Sprint(pe.Value), "async: Await on a nil future") {
			t.Errorf("Await(nil) panicked with %v", pe.Value)
		}

		_, err = executor.Run(async.Go(func(outer *async.Co) int {
			return async.Await(outer, async.Go(func(*async.Co) int {
				return async.Await(outer, async.Ready(1)) //asynccheck:ignore the wrong Co, on purpose: it must panic
			}))
		}), x.Options...)
		if pe := innermostPanic(t, err); !strings.Contains(fmt.Sprint(pe.Value), "async: Await called outside its coroutine") {
			t.Errorf("Await with the outer Co panicked with %v", pe.Value)
		}

		var leaked *async.Co
		if _, err := executor.Run(async.Go(func(co *async.Co) int { leaked = co; return 1 }), x.Options...); err != nil {
			t.Fatal(err)
		}
		r := mustPanic(t, func() { async.Await(leaked, async.Ready(1)) })
		if !strings.Contains(fmt.Sprint(r), "async: Await called outside its coroutine") {
			t.Errorf("Await after the coroutine returned panicked with %v", r)
		}
	})
}

// TestCoroutineSwallowedCancel: a recover in the coroutine that swallows
// the cancellation cannot keep it waiting: the next Await panics again,
// and a value returned after it is discarded.
func TestCoroutineSwallowedCancel(t *testing.T) {
	t.Run("awaits again", func(t *testing.T) {
		noLeaks(t)
		leaf := testfut.New[int]()
		var first, second any
		deferred := false
		f := async.Go(func(co *async.Co) int {
			defer func() { deferred = true }()
			func() {
				defer func() { first = recover() }()
				async.Await[int](co, leaf)
			}()
			defer func() { second = recover(); panic(second) }()
			return async.Await(co, async.Ready(2))
		})
		if _, ok := f.Poll(testfut.NewContext(&testfut.Waker{})); ok {
			t.Fatal("ready before its leaf")
		}
		f.Cancel()
		testfut.AssertCancelled(t, leaf)
		for i, r := range []any{first, second} {
			if err, ok := r.(error); !ok || !strings.HasPrefix(err.Error(), "async: Await in a cancelled coroutine") {
				t.Errorf("Await %d after cancellation panicked with %v", i, r)
			}
		}
		if !deferred {
			t.Error("the deferred call did not run")
		}
	})
	t.Run("returns", func(t *testing.T) {
		noLeaks(t)
		leaf := testfut.New[int]()
		f := async.Go(func(co *async.Co) (n int) {
			defer func() {
				if recover() != nil {
					n = 99
				}
			}()
			return async.Await[int](co, leaf)
		})
		f.Poll(testfut.NewContext(&testfut.Waker{}))
		f.Cancel() // returns, and the 99 goes nowhere
		testfut.AssertCancelled(t, leaf)
	})
}

// TestCoroutineCancelRepanicsDeferredPanic: a panic in a deferred call
// during cancellation comes out of Cancel as a *PanicError, after the
// awaited future was cancelled.
func TestCoroutineCancelRepanicsDeferredPanic(t *testing.T) {
	noLeaks(t)
	leaf := testfut.New[int]()
	f := async.Go(func(co *async.Co) int {
		defer func() { panic("cleanup failed") }()
		return async.Await[int](co, leaf)
	})
	f.Poll(testfut.NewContext(&testfut.Waker{}))
	r := mustPanic(t, f.Cancel)
	if pe, ok := r.(*async.PanicError); !ok || pe.Value != "cleanup failed" {
		t.Errorf("Cancel panicked with %v, want a *PanicError of the deferred panic", r)
	}
	testfut.AssertCancelled(t, leaf)
}

// TestCoroutineAwaitRoundTripAllocatesNothing: once the coroutine runs, a
// poll that resumes it, completes one Await and suspends it in the next
// allocates nothing.
func TestCoroutineAwaitRoundTripAllocatesNothing(t *testing.T) {
	noLeaks(t)
	var p coPendOnce
	f := async.Go(func(co *async.Co) int {
		for {
			p.reset()
			async.Await[struct{}](co, &p)
		}
	})
	cx := testfut.NewContext(&testfut.Waker{})
	f.Poll(cx)
	allocs := testing.AllocsPerRun(1000, func() { f.Poll(cx) })
	f.Cancel()
	if allocs != 0 {
		t.Errorf("an Await round trip allocated %v times, want 0", allocs)
	}
}

// onGoroutine runs fn on a new goroutine, locked to its OS thread if
// locked is set, and returns its value.
func onGoroutine[T any](locked bool, fn func() T) T {
	out := make(chan T)
	go func() {
		if locked {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		out <- fn()
	}()
	return <-out
}

// coWorkout exercises every path that switches into a coroutine: awaits,
// spawned coroutine tasks, a nested coroutine, a coroutine that loses a
// Select and one that is aborted. Its value is 1+2+3+4 = 10.
func coWorkout() async.Future[int] {
	return async.Go(func(co *async.Co) int {
		async.Await(co, timer.Sleep(time.Millisecond))
		one := async.Spawn(co.Context(), async.Go(func(co *async.Co) int {
			async.Await(co, async.Yield())
			return 1
		}))
		two := async.Await(co, async.Go(func(co *async.Co) int {
			async.Await(co, timer.Sleep(time.Millisecond))
			return 2
		}))
		sel := async.Await(co, async.Select2(
			async.Go(func(co *async.Co) int { async.Await(co, timer.Sleep(time.Hour)); return 0 }),
			async.Go(func(co *async.Co) int { async.Await(co, async.Yield()); return 3 })))
		stuck := async.Spawn(co.Context(), async.Go(func(co *async.Co) int {
			return async.Await(co, async.Pending[int]())
		}))
		async.Await(co, async.Yield())
		stuck.Abort()
		if res := async.Await(co, stuck); !errors.Is(res.Err, async.ErrAborted) {
			panic(fmt.Sprintf("stuck task: %+v", res))
		}
		return async.Await(co, one).Value + two + sel.V2 + 4
	})
}

// TestCoroutineOSThreadLockState: a coroutine runs on an executor whose
// goroutine is locked to its OS thread, and on one that is not; the
// goroutine that calls Go does not matter, since the coroutine is created
// at the first poll. (Polling one coroutine from goroutines of different
// lock states aborts the process, so it cannot be tested.)
func TestCoroutineOSThreadLockState(t *testing.T) {
	cases := []struct {
		name                  string
		madeLocked, runLocked bool
	}{
		{"unlocked", false, false},
		{"locked", true, true},
		{"made on a locked goroutine, run on an unlocked one", true, false},
		{"made on an unlocked goroutine, run on a locked one", false, true},
	}
	type result struct {
		v   int
		err error
	}
	// On a MultiThread the locked goroutine only waits in Run: the
	// unlocked workers poll the coroutines.
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				noLeaks(t)
				f := onGoroutine(c.madeLocked, coWorkout)
				got := onGoroutine(c.runLocked, func() result {
					v, err := executor.Run(f, x.With(executor.WithPausedClock())...)
					return result{v, err}
				})
				if got.err != nil || got.v != 10 {
					t.Fatalf("Run = %d, %v; want 10", got.v, got.err)
				}
			})
		}
	})
}

// The book's fibers: two counters take turns on one executor, each
// giving way after every step.
func ExampleGo() {
	counter := func(name string) async.Future[struct{}] {
		return async.Go(func(co *async.Co) struct{} {
			for i := range 3 {
				fmt.Println(name, i)
				async.Await(co, async.Yield())
			}
			return struct{}{}
		})
	}
	executor.Run(async.Go(func(co *async.Co) struct{} {
		a := async.Spawn(co.Context(), counter("a"))
		b := async.Spawn(co.Context(), counter("b"))
		async.Await(co, a)
		async.Await(co, b)
		return struct{}{}
	}))
	// Output:
	// a 0
	// b 0
	// a 1
	// b 1
	// a 2
	// b 2
}

// Await reads like a blocking call: here a sleep on a paused clock.
func ExampleAwait() {
	msg, _ := executor.Run(async.Go(func(co *async.Co) string {
		async.Await(co, timer.Sleep(time.Second))
		return "a second later"
	}), executor.WithPausedClock())
	fmt.Println(msg)
	// Output: a second later
}

// goroutineID returns the number of the calling goroutine.
func goroutineID() string {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	return s[:strings.IndexByte(s, ' ')]
}

// pollers records the goroutines that poll f: for a task on a
// MultiThread, the workers that resumed it.
type pollers[T any] struct {
	f    async.Future[T]
	seen map[string]bool // touched by one poll at a time
}

func (p *pollers[T]) Poll(cx *async.Context) (T, bool) {
	p.seen[goroutineID()] = true
	return p.f.Poll(cx)
}

func (p *pollers[T]) Cancel() { p.f.Cancel() }

// TestCoroutinesMoveBetweenWorkers: many coroutine tasks await yields,
// timers, a channel and each other's handles on the multi-thread
// executor, so that they are woken by one worker and stolen by another and
// resumed from different goroutines between their Awaits. Each must see
// its own state intact (under -race, the switches must be ordered), and
// some coroutine must have been resumed from more than one worker.
func TestCoroutinesMoveBetweenWorkers(t *testing.T) {
	const tasks, steps = 64, 20
	moved := false
	for attempt := 0; attempt < 20 && !moved; attempt++ {
		noLeaks(t)
		ps := make([]*pollers[int], tasks)
		tx, rx := mpsc.New[int](4)
		got, err := executor.Run(async.Go(func(co *async.Co) int {
			cx := co.Context()
			hs := make([]async.JoinHandle[int], tasks)
			for i := range tasks {
				tx := tx.Clone()
				ps[i] = &pollers[int]{seen: map[string]bool{}, f: async.Go(func(co *async.Co) int {
					sum := 0
					defer tx.Close()
					for s := range steps {
						switch s % 3 {
						case 0:
							async.Await(co, async.Yield())
						case 1:
							async.Await(co, timer.Sleep(time.Duration(i%5)*time.Millisecond))
						case 2:
							if err := async.Await(co, tx.Send(1)); err != nil {
								panic(err)
							}
						}
						sum += s
					}
					if i > 0 { // a coroutine awaits the one before it
						if r := async.Await(co, hs[i-1]); r.Err != nil {
							panic(r.Err)
						}
					}
					return sum + i
				})}
				hs[i] = async.Spawn[int](cx, ps[i])
			}
			tx.Close()
			received := 0
			for async.Await(co, rx.Recv()).Err == nil {
				received++
			}
			total := 0
			for i, h := range hs {
				res := async.Await(co, h)
				if res.Err != nil || res.Value != steps*(steps-1)/2+i {
					panic(fmt.Sprintf("task %d: %+v", i, res))
				}
				total += res.Value
			}
			return total*1000 + received
		}), executor.WithWorkers(rttest.Workers))
		if err != nil {
			t.Fatal(err)
		}
		sends := tasks * (steps / 3)
		if want := (tasks*steps*(steps-1)/2+tasks*(tasks-1)/2)*1000 + sends; got != want {
			t.Fatalf("Run = %d, want %d", got, want)
		}
		for _, p := range ps {
			if len(p.seen) > 1 {
				moved = true
			}
		}
	}
	if !moved {
		t.Fatal("no coroutine was resumed from more than one worker in 20 runs")
	}
}
