package netfd

import (
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// fakeAccept answers accept calls from a script of errors, then with
// descriptor fd; it records the reactor's time of every call. Only the
// executor's goroutine calls it.
type fakeAccept struct {
	script []error
	fd     int
	now    func() time.Time
	calls  []time.Time
}

func (f *fakeAccept) accept(int) (int, error) {
	if f.now != nil {
		f.calls = append(f.calls, f.now())
	}
	if len(f.script) > 0 {
		err := f.script[0]
		f.script = f.script[1:]
		return -1, err
	}
	if f.fd < 0 {
		return -1, unix.EMFILE // out of descriptors for good
	}
	return f.fd, nil
}

// newAcceptor returns an Acceptor over one end of a socket pair (a real
// descriptor the reactor can register) whose accept calls go to fake, and
// a descriptor fake may hand out as the accepted one; the test's cleanup
// closes everything.
func newAcceptor(t *testing.T, fake *fakeAccept) *Acceptor {
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
	}
	if fake.fd == 0 {
		fake.fd = fds[1]
	}
	a := &Acceptor{}
	a.Init(fds[0], fake.accept)
	t.Cleanup(func() {
		a.Close()
		unix.Close(fds[1])
	})
	return a
}

// TestAcceptBacksOff runs out of descriptors ten times on the paused
// clock: the waits between the attempts double from 5 ms to 1 s, and the
// caller sees none of the failures, only the connection at the end.
func TestAcceptBacksOff(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fake := &fakeAccept{}
		for range 10 {
			fake.script = append(fake.script, unix.EMFILE)
		}
		fake.script[3] = unix.ENFILE
		fake.script[5] = unix.ENOBUFS
		fake.script[7] = unix.ENOMEM
		a := newAcceptor(t, fake)
		got, err := executor.Run(async.Go(func(co *async.Co) error {
			fake.now = co.Context().Reactor().Now
			nfd, err := async.Await(co, a.Accept()).Get()
			if err != nil {
				return err
			}
			if nfd != fake.fd {
				return fmt.Errorf("accepted descriptor %d, want %d", nfd, fake.fd)
			}
			if n := co.Context().Reactor().Timers(); n != 0 {
				return fmt.Errorf("%d timers armed after the accept", n)
			}
			return nil
		}), x.With(executor.WithPausedClock())...)
		if err != nil || got != nil {
			t.Fatal(err, got)
		}
		want := []time.Duration{5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000}
		if len(fake.calls) != len(want)+1 {
			t.Fatalf("%d accept calls, want %d", len(fake.calls), len(want)+1)
		}
		for i, w := range want {
			w *= time.Millisecond
			// A timer fires on the first tick at or after its deadline.
			if gap := fake.calls[i+1].Sub(fake.calls[i]); gap < w || gap > w+2*time.Millisecond {
				t.Errorf("wait %d: %v, want %v", i, gap, w)
			}
		}
	})
}

// TestAcceptSkipsAborted takes the next connection after one that was
// aborted in the queue, at once.
func TestAcceptSkipsAborted(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fake := &fakeAccept{script: []error{unix.ECONNABORTED, unix.ECONNABORTED}}
		a := newAcceptor(t, fake)
		_, err := executor.Run(async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			r, ok := a.Accept().Poll(cx)
			if !ok || r.Err != nil || r.Value != fake.fd {
				t.Errorf("Accept: %+v, %v; want descriptor %d at once", r, ok, fake.fd)
			}
			return struct{}{}, true
		}), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestAcceptOtherErrors returns any other error to the caller.
func TestAcceptOtherErrors(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fake := &fakeAccept{script: []error{unix.EINVAL}}
		a := newAcceptor(t, fake)
		_, err := executor.Run(async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			r, ok := a.Accept().Poll(cx)
			if !ok || !errors.Is(r.Err, unix.EINVAL) {
				t.Errorf("Accept: %+v, %v; want EINVAL", r, ok)
			}
			return struct{}{}, true
		}), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestAcceptCancelStopsBackoff cancels an accept that is waiting out a
// backoff: its timer must be gone.
func TestAcceptCancelStopsBackoff(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fake := &fakeAccept{fd: -1}
		a := newAcceptor(t, fake)
		_, err := executor.Run(async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			f := a.Accept()
			if r, ok := f.Poll(cx); ok {
				t.Errorf("Accept out of descriptors is ready: %+v", r)
				return struct{}{}, true
			}
			if n := cx.Reactor().Timers(); n != 1 {
				t.Errorf("%d timers armed while backing off, want 1", n)
			}
			f.Cancel()
			if n := cx.Reactor().Timers(); n != 0 {
				t.Errorf("%d timers armed after Cancel", n)
			}
			if a.waiter != nil {
				t.Error("the Acceptor keeps the waker of a cancelled accept")
			}
			return struct{}{}, true
		}), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestCloseWakesBackoff closes an Acceptor whose accept has been out of
// descriptors for seconds: the waiting task must wake at once, not when
// its timer fires, and fail with net.ErrClosed. On the paused clock "at
// once" is exact: the clock moves only when every task waits, so a 1 ms
// timeout beats the accept's 1 s timer only if Close woke the task.
func TestCloseWakesBackoff(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fake := &fakeAccept{fd: -1}
		a := newAcceptor(t, fake)
		got, err := executor.Run(async.Go(func(co *async.Co) error {
			fake.now = co.Context().Reactor().Now
			acceptor := async.Spawn(co.Context(), a.Accept())
			async.Await(co, timer.Sleep(5*time.Second))
			// Twelve calls in 5 s (at 0, 5 ms, 15, 35, ..., 2.275 s, 3.275,
			// 4.275), where a spinning accept would have made millions.
			if n := len(fake.calls); n > 13 || a.acc.backoff != maxAcceptBackoff {
				return fmt.Errorf("%d accept calls and a backoff of %v after 5 s; want 12 and %v", n, a.acc.backoff, maxAcceptBackoff)
			}
			if err := a.Close(); err != nil {
				return err
			}
			r, err := async.Get(co, timer.Timeout(acceptor, time.Millisecond))
			if err != nil {
				return fmt.Errorf("accept not woken by Close: %v", err)
			}
			if err := r.Err; !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("accept on an Acceptor closed meanwhile: %v; want net.ErrClosed", err)
			}
			if n := co.Context().Reactor().Timers(); n != 0 {
				return fmt.Errorf("%d timers armed after the close", n)
			}
			return nil
		}), x.With(executor.WithPausedClock())...)
		if err != nil || got != nil {
			t.Fatal(err, got)
		}
	})
}
