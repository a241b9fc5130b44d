package netfd

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
)

// pollIOFixture is a reactor, a registered socket pair and a hand-made
// Context whose waker counts: PollIO as a leaf future sees it, without a
// Stream or an FD around the source.
type pollIOFixture struct {
	r    *reactor.Reactor
	s    *reactor.Source
	a, b int
	cx   *async.Context
	w    *countWaker
}

func newPollIOFixture(t *testing.T) *pollIOFixture {
	t.Helper()
	before := openFDs()
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
	f := &pollIOFixture{r: r, s: s, a: fds[0], b: fds[1], w: &countWaker{}}
	f.cx = testfut.ReactorContext(f.w, r)
	t.Cleanup(func() {
		if !s.Closed() {
			s.Deregister()
		}
		r.Close()
		unix.Close(fds[0])
		unix.Close(fds[1])
		if after := openFDs(); after != before {
			t.Errorf("open descriptors: %d before the test, %d after", before, after)
		}
	})
	return f
}

// read is one PollIO of a read into buf.
func (f *pollIOFixture) read(buf []byte) (async.Result[int], bool) {
	return PollIO(f.cx, f.s, reactor.Read, IOFunc[int](func() (int, error) {
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

// shortRead is an IOOp that reads like a Stream does, reporting a read
// shorter than its buffer as drained, and counts its calls.
type shortRead struct {
	fd    int
	buf   []byte
	calls int
}

func (op *shortRead) Do() (int, bool, error) {
	op.calls++
	n, err := unix.Read(op.fd, op.buf)
	return n, err == nil && n < len(op.buf), err
}

func TestPollIOClearsReadinessWhenDrained(t *testing.T) {
	f := newPollIOFixture(t)
	unix.Write(f.b, []byte("ping"))
	op := &shortRead{fd: f.a, buf: make([]byte, 16)}
	if res, ok := PollIO(f.cx, f.s, reactor.Read, op); !ok || res.Err != nil || res.Value != 4 {
		t.Fatalf("PollIO on a socket holding 4 bytes: %+v, %v", res, ok)
	}
	if f.s.Ready()&reactor.Readable != 0 {
		t.Fatal("a drained read did not clear the readable bit")
	}
	// The next read waits for an event without a call that would only
	// have said EAGAIN.
	if res, ok := PollIO(f.cx, f.s, reactor.Read, op); ok {
		t.Fatalf("PollIO after a drained read: ready with %+v", res)
	}
	if op.calls != 1 {
		t.Fatalf("%d reads, want 1: the drained socket was read again", op.calls)
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
	res, ok := PollIO(f.cx, f.s, reactor.Write, IOFunc[int](func() (int, error) {
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

// take reports whether w was woken since the last take, and forgets it.
func (w *countWaker) take() (woken bool) { return w.n.Swap(0) > 0 }
