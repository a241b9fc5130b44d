package bridge

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/tcp"
)

// patience bounds real time in these tests: far above what a correct run
// needs, so only a hang reaches it.
const patience = 10 * time.Second

// harness is an executor, of either kind, that a goroutine of its own
// runs until the test ends, as a program that bridges runs one.
type harness struct {
	t    testing.TB
	ex   executor.Executor
	quit quit
	done chan error

	pauseOnce, closeOnce sync.Once
}

func newHarness(t testing.TB, x rttest.Executor) *harness {
	t.Helper()
	ex, err := x.Make()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ex: ex, done: make(chan error, 1)}
	go func() {
		_, err := executor.BlockOn[struct{}](ex, &h.quit)
		h.done <- err
	}()
	t.Cleanup(h.stop)
	return h
}

// stop ends BlockOn, which cancels the tasks still alive, checks that no
// timer is left armed, and closes the executor.
func (h *harness) stop() {
	h.pause()
	h.closeOnce.Do(func() {
		if n := h.ex.Reactor().Timers(); n != 0 {
			h.t.Errorf("%d timers left armed", n)
		}
		if err := h.ex.Close(); err != nil {
			h.t.Errorf("executor Close: %v", err)
		}
	})
}

// pause ends BlockOn and leaves the executor open, but run by nobody.
func (h *harness) pause() {
	h.pauseOnce.Do(func() {
		h.quit.fire()
		select {
		case err := <-h.done:
			if err != nil {
				h.t.Errorf("BlockOn: %v", err)
			}
		case <-time.After(patience):
			h.t.Fatal("the executor did not stop")
		}
	})
}

// quit is a future that is ready once fire is called, from any goroutine.
type quit struct {
	mu    sync.Mutex
	fired bool
	waker async.Waker
}

func (q *quit) Poll(cx *async.Context) (struct{}, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waker = cx.Waker()
	return struct{}{}, q.fired
}

func (q *quit) Cancel() {}

func (q *quit) fire() {
	q.mu.Lock()
	q.fired = true
	w := q.waker
	q.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// await runs f on the harness's executor and waits for its value.
func await[T any](h *harness, f async.Future[T]) T {
	h.t.Helper()
	ch := make(chan T, 1)
	executor.Spawn(h.ex, async.Go(func(co *async.Co) struct{} {
		ch <- async.Await(co, f)
		return struct{}{}
	})).Detach()
	select {
	case v := <-ch:
		return v
	case <-time.After(patience):
		h.t.Fatal("the future did not complete")
		panic("unreachable")
	}
}

// pair returns both ends of a new loopback connection; the test's cleanup
// closes them (closing twice is harmless).
func pair(h *harness) (client, server *tcp.Conn) {
	h.t.Helper()
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	defer l.Close()
	client, err = await(h, tcp.Connect(l.Addr().String())).Get()
	if err != nil {
		h.t.Fatal(err)
	}
	server, err = await(h, l.Accept()).Get()
	if err != nil {
		client.Close()
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// serveEcho spawns a task that copies c back to itself until end of
// stream, then closes it.
func serveEcho(h *harness, c *tcp.Conn) {
	executor.Spawn(h.ex, async.Go(func(co *async.Co) error {
		defer c.Close()
		buf := make([]byte, 4096)
		for {
			n, err := async.Await(co, c.Read(buf)).Get()
			if n > 0 {
				if _, werr := async.Await(co, c.WriteAll(buf[:n])).Get(); werr != nil {
					return werr
				}
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
		}
	})).Detach()
}

// bridged returns a net.Conn over the client end of a pair whose server
// end echoes.
func bridged(h *harness) net.Conn {
	client, server := pair(h)
	serveEcho(h, server)
	nc := NetConn(h.ex, client)
	h.t.Cleanup(func() { nc.Close() })
	return nc
}

// waitFor waits, within patience, for cond to hold.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(patience); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitBlocked waits until a call on h is blocked, waiting for its
// operation.
func waitBlocked(t testing.TB, h *half) {
	t.Helper()
	waitFor(t, "a call to block", func() bool { return h.waiting.Load() > 0 })
}

// result is a call's outcome, sent from the goroutine that made it.
type result struct {
	n   int
	err error
}

// goCall runs fn on a goroutine and returns where its result will come.
func goCall(fn func() (int, error)) <-chan result {
	ch := make(chan result, 1)
	go func() {
		n, err := fn()
		ch <- result{n, err}
	}()
	return ch
}

// within waits for a result, within patience.
func within(t testing.TB, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(patience):
		t.Fatal("the call did not return")
		return result{}
	}
}
