package oneshot

import (
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
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

// counted wraps a future and counts its polls.
type counted[T any] struct {
	f     async.Future[T]
	polls int
}

func (c *counted[T]) Poll(cx *async.Context) (T, bool) {
	c.polls++
	return c.f.Poll(cx)
}

func (c *counted[T]) Cancel() { c.f.Cancel() }

// fn is a future written as a closure, for tests.
func fn[T any](f func(cx *async.Context) (T, bool)) async.Future[T] { return async.PollFunc[T](f) }

// run runs f on a new executor of x's kind and fails the test on an
// executor error.
func run[T any](t *testing.T, x rttest.Executor, f async.Future[T], opts ...executor.Option) T {
	t.Helper()
	v, err := executor.Run(f, x.With(opts...)...)
	if err != nil {
		t.Fatalf("executor.Run: %v", err)
	}
	return v
}

// spawnBoth is a future that spawns a and b and is ready with both results
// once both tasks are done.
type spawnBoth[A, B any] struct {
	a   async.Future[A]
	b   async.Future[B]
	ha  async.JoinHandle[A]
	hb  async.JoinHandle[B]
	ra  async.Result[A]
	got int
}

type pair[A, B any] struct {
	a async.Result[A]
	b async.Result[B]
}

func both[A, B any](a async.Future[A], b async.Future[B]) *spawnBoth[A, B] {
	return &spawnBoth[A, B]{a: a, b: b}
}

func (s *spawnBoth[A, B]) Poll(cx *async.Context) (pair[A, B], bool) {
	if s.got == 0 {
		s.ha = async.Spawn(cx, s.a)
		s.hb = async.Spawn(cx, s.b)
		s.got = 1
	}
	if s.got == 1 {
		r, ok := s.ha.Poll(cx)
		if !ok {
			return pair[A, B]{}, false
		}
		s.ra, s.got = r, 2
	}
	rb, ok := s.hb.Poll(cx)
	if !ok {
		return pair[A, B]{}, false
	}
	return pair[A, B]{s.ra, rb}, true
}

func (s *spawnBoth[A, B]) Cancel() {
	if s.got == 1 {
		s.ha.Cancel()
	}
	if s.got >= 1 {
		s.hb.Cancel()
	}
}
