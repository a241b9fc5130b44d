package aio

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// testTimeout bounds every test's run, so that a test stuck waiting
// fails with a message instead of hanging the package until go test's
// own timeout. It is far beyond what any test needs.
const testTimeout = time.Minute

// run runs fn as the main coroutine of a new executor of x's kind and
// fails t with what it returns.
func run(t *testing.T, x rttest.Executor, fn func(co *async.Co) error) {
	t.Helper()
	res, runErr := executor.Run(timer.TimeoutValue(async.Go(fn), testTimeout), x.Options...)
	switch {
	case runErr != nil:
		t.Fatalf("executor: %v", runErr)
	case res.Err != nil:
		t.Fatalf("the test did not finish within %v", testTimeout)
	case res.Value != nil:
		t.Fatal(res.Value)
	}
}

// spawn starts fn as a task of the executor running co.
func spawn(co *async.Co, fn func(co *async.Co) error) async.JoinHandle[error] {
	return async.Spawn(co.Context(), async.Go(fn))
}

// join awaits h and returns its error, or the task's failure.
func join(co *async.Co, h async.JoinHandle[error]) error {
	r := async.Await(co, h)
	return errors.Join(r.Err, r.Value)
}

// handContext returns a Context with a counting waker, for polling by hand.
func handContext() (*async.Context, *testfut.Waker) {
	w := &testfut.Waker{}
	return testfut.NewContext(w), w
}

// mustReady polls f once and fails t unless it is ready.
func mustReady[T any](t *testing.T, cx *async.Context, f async.Future[T]) T {
	t.Helper()
	v, ok := f.Poll(cx)
	if !ok {
		t.Fatalf("%T is pending, want ready", f)
	}
	return v
}

// mustPend polls f once and fails t unless it is pending.
func mustPend[T any](t *testing.T, cx *async.Context, f async.Future[T]) {
	t.Helper()
	if v, ok := f.Poll(cx); ok {
		t.Fatalf("%T is ready with %v, want pending", f, v)
	}
}

// trickle is a Reader that hands out its data step bytes at a time (1 if
// step is 0), and before each read is pending once, having woken its task,
// as a socket that is not yet readable would be. After the data it
// returns end (io.EOF if nil).
type trickle struct {
	data  []byte
	end   error
	step  int
	buf   []byte
	polls int
}

func (t *trickle) Read(buf []byte) async.Future[async.Result[int]] {
	t.buf = buf
	return t
}

func (t *trickle) Poll(cx *async.Context) (async.Result[int], bool) {
	t.polls++
	if t.polls%2 == 1 {
		cx.Waker().Wake()
		return async.Result[int]{}, false
	}
	if len(t.data) == 0 {
		if t.end == nil {
			return async.Err[int](io.EOF), true
		}
		return async.Err[int](t.end), true
	}
	n := copy(t.buf[:min(max(t.step, 1), len(t.buf))], t.data)
	t.data = t.data[n:]
	return async.Ok(n), true
}

func (t *trickle) Cancel() {}

// trickleWriter is a Writer that takes step bytes at a time (1 if step is
// 0), pending once before each write as trickle is, and fails with fail
// once it holds failAfter bytes (if fail is set). It counts its writes.
type trickleWriter struct {
	got       bytes.Buffer
	step      int
	fail      error
	failAfter int
	writes    int
	buf       []byte
	polls     int
}

func (w *trickleWriter) Write(buf []byte) async.Future[async.Result[int]] {
	w.buf = buf
	return w
}

func (w *trickleWriter) Poll(cx *async.Context) (async.Result[int], bool) {
	w.polls++
	if w.polls%2 == 1 {
		cx.Waker().Wake()
		return async.Result[int]{}, false
	}
	if w.fail != nil && w.got.Len() >= w.failAfter {
		return async.Err[int](w.fail), true
	}
	n := min(max(w.step, 1), len(w.buf))
	w.got.Write(w.buf[:n])
	w.writes++
	return async.Ok(n), true
}

func (w *trickleWriter) Cancel() {}

// sink is a Writer that is always ready, takes everything and records the
// size of each write; with keep set it keeps the bytes too.
type sink struct {
	keep   bool
	got    bytes.Buffer
	sizes  []int
	record bool
	buf    []byte
}

func (s *sink) Write(buf []byte) async.Future[async.Result[int]] {
	s.buf = buf
	return s
}

func (s *sink) Poll(*async.Context) (async.Result[int], bool) {
	if s.keep {
		s.got.Write(s.buf)
	}
	if s.record {
		s.sizes = append(s.sizes, len(s.buf))
	}
	return async.Ok(len(s.buf)), true
}

func (s *sink) Cancel() {}

// repeat is a Reader that is always ready and returns its pattern over
// and over, as a fast peer sending the same messages would.
type repeat struct {
	pattern []byte
	off     int
	buf     []byte
}

func (r *repeat) Read(buf []byte) async.Future[async.Result[int]] {
	r.buf = buf
	return r
}

func (r *repeat) Poll(*async.Context) (async.Result[int], bool) {
	n := 0
	for n < len(r.buf) {
		k := copy(r.buf[n:], r.pattern[r.off:])
		n += k
		r.off = (r.off + k) % len(r.pattern)
	}
	return async.Ok(n), true
}

func (r *repeat) Cancel() {}

// duplex is one end of a two-pipe connection: it reads what the other end
// writes, and CloseWrite ends the other end's stream.
type duplex struct {
	*PipeReader
	*PipeWriter
}

// Close closes both directions.
func (d duplex) Close() error {
	d.PipeReader.Close()
	return d.PipeWriter.Close()
}

// duplexPair returns the two ends of a connection of pipes holding size
// bytes each way.
func duplexPair(size int) (duplex, duplex) {
	ar, bw := Pipe(size)
	br, aw := Pipe(size)
	return duplex{ar, aw}, duplex{br, bw}
}

// noWaiters fails t if any of the pipes keeps a waker.
func noWaiters(t *testing.T, ends ...duplex) {
	t.Helper()
	for i, d := range ends {
		for _, p := range []*pipe{d.PipeReader.rd.p, d.PipeWriter.wr.p} {
			if r, w := p.waiters(); r || w {
				t.Errorf("end %d: a pipe keeps a waker (reader %v, writer %v)", i, r, w)
			}
		}
	}
}

// readAll reads r to end of stream.
func readAll(co *async.Co, r Reader) ([]byte, error) {
	var got []byte
	buf := make([]byte, 1000)
	for {
		n, err := async.Await(co, r.Read(buf)).Get()
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return got, err
		}
	}
}

// pattern returns n bytes that are not all alike, so that a misplaced
// byte shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%23 + i/997%3)
	}
	return b
}

// probe wraps a future and polls it with a waker of its own that counts
// wakes and passes them on, so a test can prove that nothing wakes the
// future after it was cancelled.
type probe[T any] struct {
	f       async.Future[T]
	scratch async.Context
	w       probeWaker
}

type probeWaker struct {
	mu     sync.Mutex
	parent async.Waker
	wakes  atomic.Int64
}

func (w *probeWaker) Wake() {
	w.wakes.Add(1)
	w.mu.Lock()
	p := w.parent
	w.mu.Unlock()
	if p != nil {
		p.Wake()
	}
}

func newProbe[T any](f async.Future[T]) *probe[T] { return &probe[T]{f: f} }

func (p *probe[T]) Poll(cx *async.Context) (T, bool) {
	p.w.mu.Lock()
	p.w.parent = cx.Waker()
	p.w.mu.Unlock()
	return async.PollWith(cx, &p.scratch, async.Waker(&p.w), p.f)
}

func (p *probe[T]) Cancel() {
	p.f.Cancel()
	p.w.mu.Lock()
	p.w.parent = nil
	p.w.mu.Unlock()
}

// wakes returns how many times the wrapped future's waker was called.
func (p *probe[T]) wakes() int64 { return p.w.wakes.Load() }
