package bridge

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
)

func TestCloseUnblocksRead(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		ch := goCall(func() (int, error) { return nc.Read(make([]byte, 8)) })
		waitBlocked(t, nc.(*netConn).rd)
		if err := nc.Close(); err != nil {
			t.Fatal(err)
		}
		if r := within(t, ch); !errors.Is(r.err, net.ErrClosed) {
			t.Fatalf("blocked Read after Close = %d, %v; want net.ErrClosed", r.n, r.err)
		}
		if _, err := nc.Read(make([]byte, 8)); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Read after Close: %v; want net.ErrClosed", err)
		}
		if _, err := nc.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Write after Close: %v; want net.ErrClosed", err)
		}
		if err := nc.Close(); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("second Close: %v; want net.ErrClosed", err)
		}
	})
}

func TestCloseUnblocksWrite(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		client, _ := pair(h) // the server end never reads
		nc := NetConn(h.ex, client)
		ch := goCall(func() (int, error) { return nc.Write(make([]byte, 64<<20)) })
		waitBlocked(t, nc.(*netConn).wr)
		nc.Close()
		if r := within(t, ch); !errors.Is(r.err, net.ErrClosed) {
			t.Fatalf("blocked Write after Close = %d, %v; want net.ErrClosed", r.n, r.err)
		}
	})
}

// A peer that closes with data unread resets the connection: the bridge
// reports an error, and goes on reporting errors.
func TestPeerReset(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		client, server := pair(h)
		nc := NetConn(h.ex, client)
		defer nc.Close()
		if _, err := nc.Write([]byte("ab")); err != nil {
			t.Fatal(err)
		}
		// The server reads one byte, so the other has arrived, and closes with
		// it unread: the kernel answers with a reset.
		if _, err := await(h, server.Read(make([]byte, 1))).Get(); err != nil {
			t.Fatal(err)
		}
		server.Close()
		_, err := nc.Read(make([]byte, 8))
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("Read after the peer's reset: %v; want ECONNRESET", err)
		}
		// Writing to a reset connection fails too (EPIPE, or ECONNRESET).
		var werr error
		for i := 0; i < 100 && werr == nil; i++ {
			_, werr = nc.Write(make([]byte, 1024))
		}
		if werr == nil {
			t.Fatal("writes to a reset connection kept succeeding")
		}
	})
}

// While no goroutine runs the executor, a call waiting for its socket
// waits, but its deadline and Close still end it: neither needs the
// executor.
func TestExecutorNotRunning(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		client, _ := pair(h)
		nc := NetConn(h.ex, client)
		defer nc.Close()
		if _, err := nc.Write([]byte("x")); err != nil { // the first call looks at the stack
			t.Fatal(err)
		}
		h.pause()
		nc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		if _, err := nc.Read(make([]byte, 8)); !isTimeout(err) {
			t.Fatalf("Read with a deadline: %v; want a timeout", err)
		}
		nc.SetReadDeadline(time.Time{})
		ch := goCall(func() (int, error) { return nc.Read(make([]byte, 8)) })
		waitBlocked(t, nc.(*netConn).rd)
		nc.Close()
		if r := within(t, ch); !errors.Is(r.err, net.ErrClosed) {
			t.Fatalf("Read after Close: %v; want net.ErrClosed", r.err)
		}
	})
}

// Closing the executor closes its reactor, which fails a call in flight
// and the calls after it.
func TestExecutorClosed(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		client, _ := pair(h)
		nc := NetConn(h.ex, client)
		defer nc.Close()
		ch := goCall(func() (int, error) { return nc.Read(make([]byte, 8)) })
		waitBlocked(t, nc.(*netConn).rd)
		h.stop()
		if r := within(t, ch); r.err == nil {
			t.Fatal("a Read in flight when the executor closed succeeded")
		}
		if _, err := nc.Read(make([]byte, 8)); err == nil {
			t.Fatal("a Read after the executor closed succeeded")
		}
	})
}

// A bridge called from inside the executor fails instead of deadlocking:
// from a task, a coroutine, and the future given to BlockOn.
func TestCalledOnExecutor(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		client, _ := pair(h)
		read := func() error {
			_, err := NetConn(h.ex, client).Read(make([]byte, 1))
			return err
		}
		errs := make(chan error, 2)
		executor.Spawn(h.ex, async.PollFunc[struct{}](func(*async.Context) (struct{}, bool) {
			errs <- read()
			return struct{}{}, true
		})).Detach()
		executor.Spawn(h.ex, async.Go(func(*async.Co) struct{} {
			errs <- read()
			return struct{}{}
		})).Detach()
		for _, from := range []string{"a task", "a coroutine"} {
			select {
			case err := <-errs:
				if !errors.Is(err, ErrOnExecutor) {
					t.Errorf("Read from %s: %v; want ErrOnExecutor", from, err)
				}
			case <-time.After(patience):
				t.Fatalf("Read from %s did not return", from)
			}
		}
		ex := x.New(t)
		err, runErr := executor.BlockOn(ex, async.PollFunc[error](func(*async.Context) (error, bool) {
			_, err := NetConn(ex, client).Read(make([]byte, 1))
			return err, true
		}))
		if runErr != nil || !errors.Is(err, ErrOnExecutor) {
			t.Errorf("Read from BlockOn's future: %v, %v; want ErrOnExecutor", err, runErr)
		}
	})
}
