package reactor_test

import (
	"errors"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
)

// flag is a waker that records that it was called.
type flag struct{ woken atomic.Int32 }

func (f *flag) Wake()              { f.woken.Add(1) }
func (f *flag) take() (woken bool) { return f.woken.Swap(0) > 0 }

// pollIOFixture is a reactor, a registered socket pair and a hand-made
// Context whose waker is a flag: PollIO as a leaf future sees it.
type pollIOFixture struct {
	r    *reactor.Reactor
	s    *reactor.Source
	a, b int
	cx   *async.Context
	w    *flag
}

func newPollIOFixture(t *testing.T) *pollIOFixture {
	t.Helper()
	before := fdCount()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socketpair: %v", err)
	}
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatalf("set non-blocking: %v", err)
		}
	}
	r, err := reactor.New(nil)
	if err != nil {
		t.Fatalf("reactor.New: %v", err)
	}
	s, err := r.Register(fds[0])
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	f := &pollIOFixture{r: r, s: s, a: fds[0], b: fds[1], w: &flag{}}
	f.cx = testfut.ReactorContext(f.w, r)
	t.Cleanup(func() {
		if !s.Closed() {
			s.Deregister()
		}
		r.Close()
		unix.Close(fds[0])
		unix.Close(fds[1])
		if after := fdCount(); after != before {
			t.Errorf("open descriptors: %d before the test, %d after", before, after)
		}
	})
	return f
}

func fdCount() int {
	ents, _ := os.ReadDir("/proc/self/fd")
	return len(ents)
}

// read is one PollIO of a read into buf.
func (f *pollIOFixture) read(buf []byte) (async.Result[int], bool) {
	return async.PollIO(f.cx, f.s, reactor.Read, async.IOFunc[int](func() (int, error) {
		return unix.Read(f.a, buf)
	}))
}

// turnUntilWoken turns the reactor until the fixture's waker is called.
func (f *pollIOFixture) turnUntilWoken(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !f.w.take() {
		if time.Now().After(deadline) {
			t.Fatal("the task's waker was not woken")
		}
		if _, err := f.r.Turn(time.Second); err != nil {
			t.Fatalf("Turn: %v", err)
		}
	}
}

func TestPollIOWaitsForAnEvent(t *testing.T) {
	f := newPollIOFixture(t)
	buf := make([]byte, 16)

	// The new source is assumed readable: the read is tried, hits EAGAIN,
	// the readiness is cleared and the waker stored.
	if res, ok := f.read(buf); ok {
		t.Fatalf("PollIO on an empty socket: ready with %+v", res)
	}
	if f.s.Ready()&reactor.Readable != 0 {
		t.Fatal("EAGAIN did not clear the readable bit")
	}
	if f.w.take() {
		t.Fatal("PollIO woke the task itself while waiting")
	}

	go func() {
		time.Sleep(5 * time.Millisecond)
		unix.Write(f.b, []byte("ping"))
	}()
	f.turnUntilWoken(t)
	res, ok := f.read(buf)
	if !ok || res.Err != nil || string(buf[:res.Value]) != "ping" {
		t.Fatalf("PollIO after the event: %+v, %v; want 4 bytes \"ping\"", res, ok)
	}

	// Drained: the next read waits again.
	if res, ok := f.read(buf); ok {
		t.Fatalf("PollIO on a drained socket: ready with %+v", res)
	}
}

func TestPollIOReportsClosedSource(t *testing.T) {
	f := newPollIOFixture(t)
	buf := make([]byte, 16)
	if _, ok := f.read(buf); ok {
		t.Fatal("PollIO on an empty socket is ready")
	}
	if err := f.s.Deregister(); err != nil {
		t.Fatalf("Deregister: %v", err)
	}
	if !f.w.take() {
		t.Fatal("Deregister did not wake the waiting task")
	}
	res, ok := f.read(buf)
	if !ok || !errors.Is(res.Err, reactor.ErrClosed) {
		t.Fatalf("PollIO on a deregistered source: %+v, %v; want ErrClosed", res, ok)
	}
}

func TestPollIORetriesEINTRAndReturnsErrors(t *testing.T) {
	f := newPollIOFixture(t)
	calls := 0
	res, ok := async.PollIO(f.cx, f.s, reactor.Write, async.IOFunc[int](func() (int, error) {
		calls++
		if calls < 3 {
			return 0, unix.EINTR
		}
		return 0, unix.EPIPE
	}))
	if !ok || !errors.Is(res.Err, unix.EPIPE) || calls != 3 {
		t.Fatalf("PollIO: %+v, %v after %d calls; want EPIPE after 3", res, ok, calls)
	}
}

func TestPollIOYieldsWhenBudgetIsSpent(t *testing.T) {
	f := newPollIOFixture(t)
	unix.Write(f.b, make([]byte, async.Budget+1))
	buf := make([]byte, 1)
	for i := range async.Budget {
		if res, ok := f.read(buf); !ok || res.Value != 1 {
			t.Fatalf("read %d: %+v, %v", i, res, ok)
		}
	}
	if _, ok := f.read(buf); ok {
		t.Fatal("PollIO went on past the task's budget")
	}
	if !f.w.take() {
		t.Fatal("PollIO out of budget did not wake the task to run again")
	}
	testfut.ResetBudget(f.cx)
	if res, ok := f.read(buf); !ok || res.Value != 1 {
		t.Fatalf("read with a new budget: %+v, %v", res, ok)
	}
}
