package timer_test

import (
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(fdCheck{m}) }

// fdCheck runs the tests and fails them if they leave more or fewer open
// descriptors than they found: every executor's reactor must be closed.
type fdCheck struct{ m *testing.M }

func (c fdCheck) Run() int {
	// The Go runtime opens its own poller's descriptors on first use of a
	// timer; do that before counting.
	time.Sleep(time.Millisecond)
	before := fdcheck.Open()
	code := c.m.Run()
	if after := fdcheck.Open(); after != before {
		fmt.Fprintf(os.Stderr, "timer tests: %d open descriptors before, %d after\n", before, after)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// patience bounds real time in these tests: far above what a correct run
// needs, so only a hang or a clock that does not jump reaches it.
const patience = 10 * time.Second

// steps is a hand-written state machine in a compact form: it runs its
// functions in order, one per state, and is pending while the current one
// reports false.
type steps struct {
	fns    []func(cx *async.Context) bool
	i      int
	cancel func()
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

func (s *steps) Cancel() {
	if s.cancel != nil {
		s.cancel()
	}
}

// await returns a step that polls f until it is ready and stores its value
// in *out (if out is not nil).
func await[T any](f async.Future[T], out *T) func(cx *async.Context) bool {
	return func(cx *async.Context) bool {
		v, ok := f.Poll(cx)
		if ok && out != nil {
			*out = v
		}
		return ok
	}
}

// do returns a step that runs fn and goes on.
func do(fn func(cx *async.Context)) func(cx *async.Context) bool {
	return func(cx *async.Context) bool { fn(cx); return true }
}

// slowValue is a future that is ready with v once its sleep ends, and
// counts its cancellations.
type slowValue struct {
	sleep   async.Future[struct{}]
	v       int
	cancels int
}

func (f *slowValue) Poll(cx *async.Context) (int, bool) {
	if _, ok := f.sleep.Poll(cx); !ok {
		return 0, false
	}
	return f.v, true
}

func (f *slowValue) Cancel() {
	f.cancels++
	f.sleep.Cancel()
}

// slowResult is a future that can fail: once its sleep ends it is ready
// with err, or with v if err is nil. If op is set, it names itself in the
// error of a timeout (timer.TimeoutErrorer), and records whether it was
// asked before it was cancelled.
type slowResult struct {
	sleep       async.Future[struct{}]
	v           int
	err         error
	op          string
	cancels     int
	askedFirst  bool // TimeoutError was called before Cancel
	timeoutArgs []error
}

func (f *slowResult) Poll(cx *async.Context) (async.Result[int], bool) {
	if _, ok := f.sleep.Poll(cx); !ok {
		return async.Result[int]{}, false
	}
	return async.Result[int]{Value: f.v, Err: f.err}, true
}

func (f *slowResult) Cancel() {
	f.cancels++
	f.sleep.Cancel()
}

// namedResult is a slowResult that implements timer.TimeoutErrorer.
type namedResult struct{ slowResult }

func (f *namedResult) TimeoutError(err error) error {
	f.askedFirst = f.cancels == 0
	f.timeoutArgs = append(f.timeoutArgs, err)
	return &net.OpError{Op: f.op, Net: "test", Err: err}
}
