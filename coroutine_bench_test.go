package async_test

// Benchmarks of coroutines against the two other ways to write the same
// future: a hand-written state machine, and a goroutine that hands control
// back and forth over channels (how coroutines were emulated before
// iter.Pull).

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/testfut"
)

// BenchmarkCoroutineCreate makes a future whose function returns at once
// and polls it to completion.
func BenchmarkCoroutineCreate(b *testing.B) {
	cx := testfut.NewContext(&testfut.Waker{})
	b.Run("coroutine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := async.Go(func(*async.Co) int { return 1 })
			if _, ok := f.Poll(cx); !ok {
				b.Fatal("pending")
			}
		}
	})
	b.Run("state-machine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := async.Ready(1)
			if _, ok := f.Poll(cx); !ok {
				b.Fatal("pending")
			}
		}
	})
	b.Run("goroutine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out := make(chan int, 1)
			go func() { out <- 1 }()
			<-out
		}
	})
}

// pendLoop is the state machine of the coroutine that awaits a coPendOnce
// again and again: each poll completes one await and starts the next.
type pendLoop struct{ p coPendOnce }

func (l *pendLoop) Poll(cx *async.Context) (int, bool) {
	for {
		if _, ok := l.p.Poll(cx); !ok {
			return 0, false
		}
		l.p.reset()
	}
}

func (l *pendLoop) Cancel() {}

// goroutineLoop runs the same loop on a goroutine: a poll sends it the
// Context and waits until it reports pending.
type goroutineLoop struct {
	resume  chan *async.Context
	pending chan struct{}
	exited  chan struct{}
}

func newGoroutineLoop() *goroutineLoop {
	g := &goroutineLoop{
		resume:  make(chan *async.Context),
		pending: make(chan struct{}),
		exited:  make(chan struct{}),
	}
	go g.run()
	return g
}

func (g *goroutineLoop) run() {
	defer close(g.exited)
	var p coPendOnce
	for cx := range g.resume {
		for {
			if _, ok := p.Poll(cx); !ok {
				break
			}
			p.reset()
		}
		g.pending <- struct{}{}
	}
}

func (g *goroutineLoop) Poll(cx *async.Context) (int, bool) {
	g.resume <- cx
	<-g.pending
	return 0, false
}

func (g *goroutineLoop) Cancel() {
	close(g.resume)
	<-g.exited
}

// BenchmarkCoroutineAwaitRoundTrip: one op is one poll of a future that
// awaits, in a loop, a future that is pending once (waking its waker) and
// then ready; so one op completes one await and suspends in the next. The
// future is polled by hand, without an executor.
func BenchmarkCoroutineAwaitRoundTrip(b *testing.B) {
	cx := testfut.NewContext(&testfut.Waker{})
	run := func(b *testing.B, f async.Future[int]) {
		f.Poll(cx)
		b.ReportAllocs()
		for b.Loop() {
			f.Poll(cx)
		}
		b.StopTimer()
		f.Cancel()
	}
	b.Run("coroutine", func(b *testing.B) {
		var p coPendOnce
		run(b, async.Go(func(co *async.Co) int {
			for {
				p.reset()
				async.Await[struct{}](co, &p)
			}
		}))
	})
	b.Run("state-machine", func(b *testing.B) { run(b, &pendLoop{}) })
	b.Run("goroutine", func(b *testing.B) { run(b, newGoroutineLoop()) })
}

// pendTimes is a state machine that awaits a coPendOnce n times.
type pendTimes struct {
	p coPendOnce
	n int
}

func (t *pendTimes) Poll(cx *async.Context) (int, bool) {
	for ; t.n > 0; t.n-- {
		if _, ok := t.p.Poll(cx); !ok {
			return 0, false
		}
		t.p.reset()
	}
	return 0, true
}

func (t *pendTimes) Cancel() {}

// BenchmarkCoroutineAwaitOnExecutor is the round trip of
// BenchmarkCoroutineAwaitRoundTrip with a real wake: the awaited future
// wakes the task, and the current-thread executor polls it again.
func BenchmarkCoroutineAwaitOnExecutor(b *testing.B) {
	run := func(b *testing.B, f async.Future[int]) {
		ex, err := executor.NewCurrentThread()
		if err != nil {
			b.Fatal(err)
		}
		defer ex.Close()
		b.ReportAllocs()
		b.ResetTimer()
		res, err := executor.BlockOn(ex, spawnAndAwait(f))
		if err != nil || res.Err != nil {
			b.Fatal(err, res.Err)
		}
	}
	b.Run("coroutine", func(b *testing.B) {
		n := b.N
		run(b, async.Go(func(co *async.Co) int {
			var p coPendOnce
			for range n {
				p.reset()
				async.Await[struct{}](co, &p)
			}
			return 0
		}))
	})
	b.Run("state-machine", func(b *testing.B) {
		run(b, &pendTimes{n: b.N})
	})
}
