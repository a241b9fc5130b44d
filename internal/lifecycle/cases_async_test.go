package lifecycle

import (
	"sync/atomic"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/timer"
)

// asyncCases are the root package's futures: the trivial ones, the
// combinators (over instrumented leaves, timers and socket reads, so that
// their cancellation is seen to reach every child), coroutines and join
// handles.
func asyncCases() []lcase {
	return []lcase{
		{name: "async.Ready", body: func(h *H) {
			cancel(h, async.Ready(7), 0)
		}},
		{name: "async.Pending", pendable: true, body: func(h *H) {
			cancel(h, async.Pending[int](), 0)
		}},
		{name: "async.Yield", pendable: true, body: func(h *H) {
			cancel(h, async.Yield(), 0)
			await(h, async.Yield()) // the task still yields and is polled again
		}},
		{name: "async.Map", pendable: true, body: func(h *H) {
			a, b := tcpPair(h)
			defer a.Close()
			defer b.Close()
			var calls int
			cancel(h, async.Map(b.Read(make([]byte, 8)), func(async.Result[int]) int { calls++; return 0 }), 1)
			if calls != 0 {
				h.errorf("Map's function ran %d times for a cancelled future", calls)
			}
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "async.Then/first", pendable: true, body: func(h *H) {
			p := testfut.New[int]()
			var calls int
			cancel(h, async.Then(p, func(int) async.Future[int] { calls++; return async.Ready(0) }), 0)
			testfut.AssertCancelled(h.t, p)
			testfut.AssertClean(h.t, p)
			if calls != 0 {
				h.errorf("Then's function ran %d times for a cancelled future", calls)
			}
		}},
		{name: "async.Then/second", pendable: true, body: func(h *H) {
			a, b := tcpPair(h)
			defer a.Close()
			defer b.Close()
			var calls int
			cancel(h, async.Then(async.Ready(0), func(int) async.Future[async.Result[int]] {
				calls++
				return b.Read(make([]byte, 8))
			}), 1)
			if want := map[bool]int{false: 0, true: 1}[h.pending()]; calls != want {
				h.errorf("Then's function ran %d times, want %d", calls, want)
			}
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "async.Join2", pendable: true, body: func(h *H) {
			a, b := tcpPair(h)
			defer a.Close()
			defer b.Close()
			p := testfut.New[int]()
			cancel(h, async.Join2(p, b.Read(make([]byte, 8))), 1)
			testfut.AssertCancelled(h.t, p)
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "async.Join3", pendable: true, body: func(h *H) {
			a, b := tcpPair(h)
			defer a.Close()
			defer b.Close()
			p := testfut.New[int]()
			cancel(h, async.Join3(p, timer.Sleep(time.Hour), b.Read(make([]byte, 8))), 1)
			testfut.AssertCancelled(h.t, p)
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "async.JoinAll", pendable: true, body: func(h *H) {
			p, q := testfut.New[int](), testfut.New[int]()
			var deferred, after atomic.Bool
			co := async.Go(func(co *async.Co) int {
				defer deferred.Store(true)
				async.Await(co, timer.Sleep(time.Hour))
				after.Store(true)
				return 0
			})
			cancel(h, async.JoinAll[async.Future[int]](p, sleepInt(time.Hour), co, q), 0)
			testfut.AssertCancelled(h.t, p)
			testfut.AssertCancelled(h.t, q)
			if !deferred.Load() || after.Load() {
				h.errorf("a coroutine in the join: deferred calls ran %v, code after its Await ran %v; want true, false",
					deferred.Load(), after.Load())
			}
		}},
		{name: "async.Select", pendable: true, body: func(h *H) {
			a, b := tcpPair(h)
			defer a.Close()
			defer b.Close()
			p := testfut.New[int]()
			read := async.Map(b.Read(make([]byte, 8)), func(r async.Result[int]) int { return r.Value })
			cancel(h, async.Select[async.Future[int]](p, sleepInt(time.Hour), read), 1)
			testfut.AssertCancelled(h.t, p)
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "async.Select2", pendable: true, body: func(h *H) {
			a, b := tcpPair(h)
			defer a.Close()
			defer b.Close()
			cancel(h, async.Select2(b.Read(make([]byte, 8)), timer.Sleep(time.Hour)), 1)
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "async.Race", pendable: true, body: func(h *H) {
			p, q := testfut.New[int](), testfut.New[int]()
			cancel(h, async.Race[async.Future[int]](p, sleepInt(time.Hour), q), 0)
			testfut.AssertCancelled(h.t, p)
			testfut.AssertCancelled(h.t, q)
		}},
		{name: "async.Go", pendable: true, body: func(h *H) {
			// A coroutine that owns a connection, closes it in a deferred
			// call and awaits a read on it. Cancelled before its first
			// poll, it runs until that first Await, which unwinds it, so
			// the deferred Close runs and the peer reads end of stream.
			a, b := tcpPair(h)
			defer a.Close()
			var before, after, deferred, nilContext bool
			f := async.Go(func(co *async.Co) int {
				defer func() {
					deferred = true
					b.Close()
				}()
				before = true
				nilContext = co.Context() == nil
				async.Await(co, b.Read(make([]byte, 8)))
				after = true
				return 1
			})
			cancel(h, f, 1)
			if !before || !deferred || after {
				h.errorf("cancelled coroutine: code before its first Await ran %v, its deferred calls %v, code after the Await %v; want true, true, false",
					before, deferred, after)
			}
			if nilContext != !h.pending() {
				h.errorf("co.Context() was nil %v before the first Await; want %v (nil only while cancelled)", nilContext, !h.pending())
			}
			if b.Close() == nil { // closes it, so that a failure leaks nothing
				h.fatalf("the coroutine's deferred Close did not run")
			}
			expectEOF(h, a)
		}},
		{name: "async.Go/nested", pendable: true, body: func(h *H) {
			// A coroutine awaiting a coroutine that owns a connection and
			// awaits a read on it: both unwind, innermost first, and the
			// inner one's deferred Close runs, whether the outer one was
			// polled or not. Unpolled, the outer coroutine runs until its first Await,
			// which must cancel the inner one it is handed before it
			// unwinds (coroutine.go, Co.enter).
			a, b := tcpPair(h)
			defer a.Close()
			var order []string
			inner := async.Go(func(co *async.Co) int {
				defer func() {
					order = append(order, "inner")
					b.Close()
				}()
				async.Await(co, b.Read(make([]byte, 8)))
				return 0
			})
			outer := async.Go(func(co *async.Co) int {
				defer func() { order = append(order, "outer") }()
				return async.Await(co, inner)
			})
			cancel(h, outer, 1)
			if len(order) != 2 || order[0] != "inner" || order[1] != "outer" {
				h.errorf("deferred calls ran: %v; want [inner outer]", order)
			}
			if b.Close() == nil { // closes it, so that a failure leaks nothing more
				h.fatalf("the inner coroutine's deferred Close did not run: the connection it owned would leak")
			}
			expectEOF(h, a)
		}},
		{name: "async.JoinHandle", pendable: true, body: func(h *H) {
			// Cancelling an unpolled (or pending) JoinHandle stops awaiting
			// the task, not the task: it still runs to completion.
			tx, rx := oneshot.New[int]()
			var ran atomic.Bool
			jh := async.Spawn(h.co.Context(), async.Go(func(co *async.Co) int {
				v, _ := async.Await(co, rx).Get()
				ran.Store(true)
				return v
			}))
			cancel(h, async.Future[async.Result[int]](jh), 0)
			h.must(tx.Send(5), "send")
			for i := 0; !jh.Finished(); i++ {
				if i > 1000 {
					h.fatalf("the task never finished after its handle was cancelled")
				}
				await(h, async.Yield())
			}
			if !ran.Load() {
				h.errorf("the task finished without running to its end")
			}
		}},
		{name: "async.JoinHandle/abort-after-cancel", pendable: true, body: func(h *H) {
			// The handle's Cancel leaves Abort working.
			jh := async.Spawn(h.co.Context(), sleepInt(time.Hour))
			// Wait until the task has armed its timer: on the multi-thread
			// executor it may run on another worker, later than one Yield.
			for i := 0; h.reactor().Timers() != 1; i++ {
				if i > 1000 {
					h.fatalf("the spawned task never armed its timer")
				}
				await(h, async.Yield())
			}
			cancel(h, async.Future[async.Result[int]](jh), 0)
			if n := h.reactor().Timers(); n != 1 {
				h.errorf("%d timers armed by the running task, want 1", n)
			}
			jh.Abort()
			for i := 0; !jh.Finished(); i++ {
				if i > 1000 {
					h.fatalf("the aborted task never finished")
				}
				await(h, async.Yield())
			}
		}},
	}
}

// sleepInt is a sleep of d as a Future[int], for combinators of one type.
func sleepInt(d time.Duration) async.Future[int] {
	return async.Map(timer.Sleep(d), func(struct{}) int { return 0 })
}
