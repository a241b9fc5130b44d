package executor_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
)

// newRaw makes an executor of x's kind without closing it at the end of
// the test: the test shuts it down itself.
func newRaw(t *testing.T, x rttest.Executor) executor.Executor {
	t.Helper()
	ex, err := x.Make()
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// Shutdown from another goroutine, while a BlockOn serves: the BlockOn
// returns ErrShutdown, every task's future is cancelled and lets go of
// its socket, timer and channel slot, and nothing is left behind.
func TestShutdownDuringBlockOn(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		defer goleak.VerifyNone(t)
		ex := newRaw(t, x)
		ln, err := tcp.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		tx, rx := mpsc.New[int](1)
		defer tx.Close()
		started := make(chan struct{})
		main := async.Go(func(co *async.Co) error {
			accepting := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				defer ln.Close()
				_, err := async.Await(co, ln.Accept()).Get()
				return err
			}))
			sleeping := async.Spawn(co.Context(), timer.Sleep(time.Hour))
			receiving := async.Spawn(co.Context(), rx.Recv())
			close(started)
			async.Await(co, accepting)
			async.Await(co, sleeping)
			async.Await(co, receiving)
			return errors.New("the tasks ended by themselves")
		})
		ended := make(chan error, 1)
		go func() {
			_, err := executor.BlockOn(ex, main)
			ended <- err
		}()
		<-started
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := ex.Shutdown(ctx); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		if err := <-ended; !errors.Is(err, async.ErrShutdown) {
			t.Fatalf("BlockOn after Shutdown: %v; want ErrShutdown", err)
		}
		if r := ex.Reactor(); r.Timers() != 0 || r.Sources() != 0 {
			t.Errorf("after Shutdown: %d timers and %d sources left", r.Timers(), r.Sources())
		}
		if err := ex.Shutdown(ctx); !errors.Is(err, executor.ErrClosed) {
			t.Errorf("second Shutdown: %v; want ErrClosed", err)
		}
		if _, err := executor.BlockOn(ex, async.Ready(1)); !errors.Is(err, executor.ErrClosed) {
			t.Errorf("BlockOn after Shutdown: %v; want ErrClosed", err)
		}
		h := executor.Spawn(ex, async.Ready(1))
		if r, ok := h.Poll(testfut.NewContext(async.NoopWaker())); !ok || !errors.Is(r.Err, async.ErrShutdown) {
			t.Errorf("spawn after Shutdown: %+v; want ErrShutdown", r)
		}
	})
}

// Shutdown waits for blocking calls only until its context is done: a call
// that does not return leaves Shutdown with the context's error.
func TestShutdownGivesUpOnBlockingCalls(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		defer goleak.VerifyNone(t)
		ex := newRaw(t, x)
		release := make(chan struct{})
		running := make(chan struct{})
		_, err := executor.BlockOn(ex, async.Go(func(co *async.Co) int {
			async.SpawnBlocking(co.Context(), func() int {
				close(running)
				<-release
				return 0
			}).Detach()
			for !isClosed(running) { // let the executor start the call
				async.Await(co, async.Yield())
			}
			return 0
		}))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if err := ex.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown with a blocking call stuck: %v; want DeadlineExceeded", err)
		}
		close(release) // the call returns, and its goroutine with it
		deadline := time.Now().Add(10 * time.Second)
		for goleak.Find() != nil && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	})
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
