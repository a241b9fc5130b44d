package executor_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"golang.org/x/sys/unix"
)

// socketPair returns a connected pair of non-blocking Unix stream sockets,
// closed when the test ends. (SOCK_NONBLOCK is Linux's; this builds on
// every system the event queue supports.)
func socketPair(t *testing.T) [2]int {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Close(fd) })
	}
	return fds
}

// gate is a future that becomes ready when opened, from any goroutine. It
// counts polls and cancels, and keeps the waker it was last given, so tests
// can see whether a cancelled future let go of it.
type gate struct {
	mu       sync.Mutex
	open     bool
	waker    async.Waker
	polls    atomic.Int32
	cancels  atomic.Int32
	value    int
	panicMsg string
}

func (g *gate) Poll(cx *async.Context) (int, bool) {
	g.polls.Add(1)
	if g.panicMsg != "" {
		panic(g.panicMsg)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open {
		return g.value, true
	}
	g.waker = cx.Waker()
	return 0, false
}

func (g *gate) Cancel() {
	g.cancels.Add(1)
	g.mu.Lock()
	g.waker = nil
	g.mu.Unlock()
}

// Open makes the gate ready with v and wakes its waiter, outside the lock.
func (g *gate) Open(v int) {
	g.mu.Lock()
	g.open, g.value = true, v
	w := g.waker
	g.waker = nil
	g.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (g *gate) holdsWaker() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waker != nil
}

// spinner wakes itself on every poll and never completes: the worst
// neighbour a fair executor must survive.
type spinner struct{ polls atomic.Int64 }

func (s *spinner) Poll(cx *async.Context) (int, bool) {
	s.polls.Add(1)
	cx.Waker().Wake()
	return 0, false
}

func (s *spinner) Cancel() {}

// steps runs a list of functions, one per poll, each returning whether the
// step is done; it is a hand-written state machine in a compact form.
type steps struct {
	fns []func(cx *async.Context) bool
	i   int
}

func (s *steps) Poll(cx *async.Context) (struct{}, bool) {
	for s.i < len(s.fns) {
		if !s.fns[s.i](cx) {
			return struct{}{}, false
		}
		s.i++
	}
	return struct{}{}, true
}

func (s *steps) Cancel() {}

func run(fns ...func(cx *async.Context) bool) *steps { return &steps{fns: fns} }

// await polls f as one step and stores its value.
func await[T any](f async.Future[T], out *T) func(cx *async.Context) bool {
	return func(cx *async.Context) bool {
		v, ok := f.Poll(cx)
		if ok && out != nil {
			*out = v
		}
		return ok
	}
}

// do runs fn once as a step.
func do(fn func(cx *async.Context)) func(cx *async.Context) bool {
	return func(cx *async.Context) bool { fn(cx); return true }
}

// liveTasks returns the number of tasks alive on ex, of either kind.
func liveTasks(ex executor.Executor) int {
	switch ex := ex.(type) {
	case *executor.CurrentThread:
		return ex.Stats().Live
	case *executor.MultiThread:
		return ex.Metrics().Live
	}
	panic("liveTasks: unknown executor")
}
