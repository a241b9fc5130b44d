package unixsock

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/timer"
)

// recvFrom receives one datagram on c and checks its bytes and sender.
func recvFrom(co *async.Co, c *PacketConn, want, wantFrom string) error {
	buf := make([]byte, 64)
	d, err := async.Await(co, c.RecvFrom(buf)).Get()
	if err != nil {
		return err
	}
	if got := string(buf[:d.N]); got != want || d.From != wantFrom || d.Truncated {
		return fmt.Errorf("received %q from %q (truncated %v); want %q from %q", got, d.From, d.Truncated, want, wantFrom)
	}
	return nil
}

func sendTo(co *async.Co, c *PacketConn, msg, path string) error {
	n, err := async.Await(co, c.SendTo([]byte(msg), path)).Get()
	if err == nil && n != len(msg) {
		err = fmt.Errorf("sent %d bytes of %d", n, len(msg))
	}
	return err
}

func TestDatagramsWithSenderPath(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		dir := t.TempDir()
		srvPath, cliPath := filepath.Join(dir, "srv"), filepath.Join(dir, "cli")
		run(t, x, func(co *async.Co) error {
			srv, err := ListenPacket(srvPath)
			if err != nil {
				return err
			}
			defer srv.Close()
			cli, err := ListenPacket(cliPath)
			if err != nil {
				return err
			}
			defer cli.Close()
			if a, ok := srv.LocalAddr().(*net.UnixAddr); !ok || a.Name != srvPath || a.Net != "unixgram" {
				return fmt.Errorf("server's local address %#v, want %s", srv.LocalAddr(), srvPath)
			}
			if a := srv.RemoteAddr(); a != nil {
				return fmt.Errorf("an unconnected socket's remote address is %v, want nil", a)
			}
			// The server answers whoever sent, by the path it read.
			server := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				buf := make([]byte, 64)
				for range 3 {
					d, err := async.Await(co, srv.RecvFrom(buf)).Get()
					if err != nil {
						return err
					}
					reply := strings.ToUpper(string(buf[:d.N]))
					if err := sendTo(co, srv, reply, d.From); err != nil {
						return err
					}
				}
				return nil
			}))
			for _, msg := range []string{"ping", "again", "last"} {
				if err := sendTo(co, cli, msg, srvPath); err != nil {
					return err
				}
				if err := recvFrom(co, cli, strings.ToUpper(msg), srvPath); err != nil {
					return err
				}
			}
			if r := async.Await(co, server); r.Err != nil || r.Value != nil {
				return errors.Join(r.Err, r.Value)
			}

			// An unnamed sender reads as "".
			anon, err := DialPacket(srvPath)
			if err != nil {
				return err
			}
			defer anon.Close()
			if a := anon.RemoteAddr(); a == nil || a.String() != srvPath {
				return fmt.Errorf("dialled socket's remote address %v, want %s", a, srvPath)
			}
			if a, ok := anon.LocalAddr().(*net.UnixAddr); !ok || a.Name != "" {
				return fmt.Errorf("dialled socket's local address %#v, want an unnamed one", anon.LocalAddr())
			}
			if _, err := async.Await(co, anon.Send([]byte("anon"))).Get(); err != nil {
				return err
			}
			if err := recvFrom(co, srv, "anon", ""); err != nil {
				return err
			}
			// And the next named one is read again, after the cached sender.
			if err := sendTo(co, cli, "named", srvPath); err != nil {
				return err
			}
			return recvFrom(co, srv, "named", cliPath)
		})
		for _, p := range []string{srvPath, cliPath} {
			if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("after Close, Lstat(%s): %v; want the socket file gone", p, err)
			}
		}
	})
}

func TestPacketPair(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			a, b, err := PacketPair()
			if err != nil {
				return err
			}
			defer a.Close()
			defer b.Close()
			// Datagrams keep their bounds, empty ones included.
			for _, msg := range []string{"one", "", "three"} {
				if _, err := async.Await(co, a.Send([]byte(msg))).Get(); err != nil {
					return err
				}
			}
			buf := make([]byte, 64)
			for _, want := range []string{"one", "", "three"} {
				d, err := async.Await(co, b.Recv(buf)).Get()
				if err != nil || string(buf[:d.N]) != want || d.From != "" {
					return fmt.Errorf("Recv: %+v %q, %v; want %q", d, buf[:d.N], err, want)
				}
			}
			// A datagram longer than the buffer is cut, and says so.
			if _, err := async.Await(co, b.Send([]byte("0123456789"))).Get(); err != nil {
				return err
			}
			d, err := async.Await(co, a.Recv(buf[:4])).Get()
			if err != nil || d.N != 4 || !d.Truncated || string(buf[:4]) != "0123" {
				return fmt.Errorf("Recv into a short buffer: %+v, %v; want 4 bytes, truncated", d, err)
			}
			return nil
		})
	})
}

func TestDatagramAbstractName(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("abstract names are Linux's")
	}
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		name := fmt.Sprintf("@asyncgo-unixsock-dgram-%d-%d", os.Getpid(), time.Now().UnixNano())
		run(t, x, func(co *async.Co) error {
			srv, err := ListenPacket(name)
			if err != nil {
				return err
			}
			defer srv.Close()
			cli, err := ListenPacket(name + "-client")
			if err != nil {
				return err
			}
			defer cli.Close()
			if err := sendTo(co, cli, "hi", name); err != nil {
				return err
			}
			return recvFrom(co, srv, "hi", name+"-client")
		})
	})
}

func TestSendToNowhere(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		dir := t.TempDir()
		missing := filepath.Join(dir, "missing")
		// A socket file nobody has bound any more.
		stale := filepath.Join(dir, "stale")
		fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		err = unix.Bind(fd, &unix.SockaddrUnix{Name: stale})
		unix.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			c, err := ListenPacket(filepath.Join(dir, "me"))
			if err != nil {
				return err
			}
			defer c.Close()
			for _, tc := range []struct {
				path string
				want error
			}{{missing, syscall.ENOENT}, {stale, syscall.ECONNREFUSED}} {
				_, err := async.Await(co, c.SendTo([]byte("x"), tc.path)).Get()
				if !errors.Is(err, tc.want) || !strings.Contains(fmt.Sprint(err), tc.path) {
					return fmt.Errorf("SendTo %s: %v; want %v naming the path", tc.path, err, tc.want)
				}
			}
			if _, err := DialPacket(missing); !errors.Is(err, syscall.ENOENT) {
				return fmt.Errorf("DialPacket %s: %v; want ENOENT", missing, err)
			}
			return nil
		})
	})
}

// TestSendToFullReceiver sends until the receiver's queue is full and the
// send has to wait, then drains the receiver: the waiting send completes.
func TestSendToFullReceiver(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		dir := t.TempDir()
		run(t, x, func(co *async.Co) error {
			srv, err := ListenPacket(filepath.Join(dir, "srv"))
			if err != nil {
				return err
			}
			defer srv.Close()
			cli, err := ListenPacket(filepath.Join(dir, "cli"))
			if err != nil {
				return err
			}
			defer cli.Close()
			msg := make([]byte, 1024)
			var scratch async.Context
			sent := 0
			var f async.Future[async.Result[int]]
			for {
				f = cli.SendTo(msg, filepath.Join(dir, "srv"))
				r, ok := async.PollWith(co.Context(), &scratch, async.NoopWaker(), f)
				if !ok {
					break
				}
				if r.Err != nil {
					return r.Err
				}
				if sent++; sent > 100000 {
					return errors.New("sent 100000 datagrams without the receiver's queue filling")
				}
			}
			// f waits; hand it to a task, and drain the receiver.
			waiter := async.Spawn(co.Context(), f)
			async.Await(co, timer.Sleep(20*time.Millisecond)) // let it wait
			buf := make([]byte, 2048)
			for range sent + 1 {
				if _, err := async.Get(co, timer.Timeout(srv.RecvFrom(buf), 10*time.Second)); err != nil {
					return fmt.Errorf("receive: %v; the waiting send never completed", err)
				}
			}
			r := async.Await(co, timer.Timeout(waiter, 10*time.Second))
			if r.Err != nil || r.Value.Err != nil {
				return fmt.Errorf("the waiting send: %v, %v", r.Err, r.Value.Err)
			}
			return nil
		})
	})
}

func TestCloseWakesRecv(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			a, b, err := PacketPair()
			if err != nil {
				return err
			}
			defer b.Close()
			reader := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				_, err := async.Await(co, a.Recv(make([]byte, 64))).Get()
				return err
			}))
			async.Await(co, timer.Sleep(20*time.Millisecond)) // let the reader wait
			if err := a.Close(); err != nil {
				return err
			}
			r := async.Await(co, timer.Timeout(reader, 10*time.Second))
			if r.Err != nil {
				return fmt.Errorf("receiver not woken by Close: %v", r.Err)
			}
			if err := r.Value; !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("receive on a socket closed meanwhile: %v; want net.ErrClosed", err)
			}
			return nil
		})
	})
}

func TestCancelledRecvReleasesWaker(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			a, b, err := PacketPair()
			if err != nil {
				return err
			}
			defer a.Close()
			defer b.Close()
			var wakes atomic.Int32
			w := async.WakerFunc(func() { wakes.Add(1) })
			var scratch async.Context
			buf := make([]byte, 16)
			f := a.RecvFrom(buf)
			if _, ok := async.PollWith(co.Context(), &scratch, w, f); ok {
				return errors.New("receive on an idle socket was ready")
			}
			f.Cancel()
			if _, err := async.Await(co, b.Send([]byte("x"))).Get(); err != nil {
				return err
			}
			async.Await(co, timer.Sleep(50*time.Millisecond)) // the reactor sees the datagram
			if n := wakes.Load(); n != 0 {
				return fmt.Errorf("a cancelled receive's waker was woken %d times", n)
			}
			d, err := async.Await(co, a.Recv(buf)).Get()
			if err != nil || string(buf[:d.N]) != "x" {
				return fmt.Errorf("receive after a cancelled one: %+v, %v", d, err)
			}
			return nil
		})
	})
}

// TestDatagramsAllocateNothing: once the sender and the destination are
// known, a SendTo and a RecvFrom allocate nothing (on Linux, where netfd's
// system calls allocate nothing either).
func TestDatagramsAllocateNothing(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("x/sys/unix's receive allocates the sender's address here")
	}
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		dir := t.TempDir()
		srvPath, cliPath := filepath.Join(dir, "srv"), filepath.Join(dir, "cli")
		run(t, x, func(co *async.Co) error {
			srv, err := ListenPacket(srvPath)
			if err != nil {
				return err
			}
			defer srv.Close()
			cli, err := ListenPacket(cliPath)
			if err != nil {
				return err
			}
			defer cli.Close()
			// A context of its own, whose budget is refilled for each round
			// trip: a real task's would run out and make it yield.
			cx := testfut.ReactorContext(async.NoopWaker(), co.Context().Reactor())
			msg, buf := []byte("ping"), make([]byte, 64)
			var failed error
			roundTrip := func() {
				testfut.ResetBudget(cx)
				if r, ok := cli.SendTo(msg, srvPath).Poll(cx); !ok || r.Err != nil {
					failed = fmt.Errorf("send: %v, %v", ok, r.Err)
				}
				if r, ok := srv.RecvFrom(buf).Poll(cx); !ok || r.Err != nil || r.Value.From != cliPath {
					failed = fmt.Errorf("receive: %v, %+v", ok, r)
				}
			}
			roundTrip() // learns the sender and the destination
			if n := testing.AllocsPerRun(100, roundTrip); n != 0 {
				return fmt.Errorf("a SendTo and a RecvFrom allocate %v times", n)
			}
			return failed
		})
	})
}

// TestSendToQueueFullOfOthers: the receiver's queue is full of another
// sender's datagrams. On Linux the kernel then gives the waiting sender
// no event when the queue drains (it wakes a sender only as its own
// datagrams are read), so the send must find out by trying again.
func TestSendToQueueFullOfOthers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		dir := t.TempDir()
		srvPath := filepath.Join(dir, "srv")
		// The body runs on the executor's goroutines, which on a
		// MultiThread are not the test's: it reports a skip here, and the
		// test skips after run.
		skip := false
		run(t, x, func(co *async.Co) error {
			srv, err := ListenPacket(srvPath)
			if err != nil {
				return err
			}
			defer srv.Close()
			other, err := ListenPacket(filepath.Join(dir, "other"))
			if err != nil {
				return err
			}
			defer other.Close()
			cli, err := ListenPacket(filepath.Join(dir, "cli"))
			if err != nil {
				return err
			}
			defer cli.Close()
			var scratch async.Context
			sent := 0
			for {
				f := other.SendTo([]byte("other"), srvPath)
				r, ok := async.PollWith(co.Context(), &scratch, async.NoopWaker(), f)
				if !ok {
					f.Cancel()
					break
				}
				if r.Err != nil {
					return r.Err
				}
				if sent++; sent > 100000 {
					return errors.New("sent 100000 datagrams without the receiver's queue filling")
				}
			}
			f := cli.SendTo([]byte("mine"), srvPath)
			if _, ok := async.PollWith(co.Context(), &scratch, async.NoopWaker(), f); ok {
				skip = true
				return nil
			}
			waiter := async.Spawn(co.Context(), f)
			// Let the waiter try again and wait, with nothing but its own
			// registration's first event spent.
			async.Await(co, timer.Sleep(20*time.Millisecond))
			buf := make([]byte, 64)
			for range sent {
				if err := recvFrom(co, srv, "other", filepath.Join(dir, "other")); err != nil {
					return err
				}
			}
			r := async.Await(co, timer.Timeout(waiter, 10*time.Second))
			if r.Err != nil || r.Value.Err != nil {
				return fmt.Errorf("the waiting send after the queue drained: %v, %v", r.Err, r.Value.Err)
			}
			d, err := async.Await(co, srv.RecvFrom(buf)).Get()
			if err != nil || string(buf[:d.N]) != "mine" {
				return fmt.Errorf("received %q, %v; want \"mine\"", buf[:d.N], err)
			}
			return nil
		})
		if skip {
			t.Skip("the receiver's queue took a datagram from another sender; cannot test the wait here")
		}
	})
}

// polls returns how many times ex has polled tasks so far. A MultiThread's
// workers publish their counts when they park and every
// executor.EventInterval polls, so a figure may lag by up to that much per
// worker; the bounds these tests put on polls are far wider, and a
// spinning task makes thousands.
func polls(ex executor.Executor) uint64 {
	switch ex := ex.(type) {
	case *executor.CurrentThread:
		return ex.Stats().Polls
	case *executor.MultiThread:
		var n uint64
		for _, w := range ex.Metrics().Workers {
			n += w.Polls
		}
		return n
	}
	panic("polls: unknown executor")
}

// TestSendToFullQueueDoesNotSpin: while the receiver's queue stays full, a
// waiting SendTo tries again on its backoff timer, not at every turn of
// the reactor (see sendToFuture). The bound on polls is generous: pacing
// makes about 10 in 100 ms on any machine, spinning thousands.
func TestSendToFullQueueDoesNotSpin(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		dir := t.TempDir()
		srvPath := filepath.Join(dir, "srv")
		ex := x.New(t)
		defer ex.Close()
		err, runErr := executor.BlockOn(ex, async.Go(func(co *async.Co) error {
			srv, err := ListenPacket(srvPath)
			if err != nil {
				return err
			}
			defer srv.Close()
			cli, err := ListenPacket(filepath.Join(dir, "cli"))
			if err != nil {
				return err
			}
			defer cli.Close()
			var scratch async.Context
			var f async.Future[async.Result[int]]
			for sent := 0; ; sent++ {
				if sent > 100000 {
					return errors.New("sent 100000 datagrams without the receiver's queue filling")
				}
				f = cli.SendTo([]byte("x"), srvPath)
				r, ok := async.PollWith(co.Context(), &scratch, async.NoopWaker(), f)
				if !ok {
					break
				}
				if r.Err != nil {
					return r.Err
				}
			}
			waiter := async.Spawn(co.Context(), f)
			before := polls(ex)
			async.Await(co, timer.Sleep(100*time.Millisecond))
			if polls := polls(ex) - before; polls > 500 {
				return fmt.Errorf("a send waiting on a full queue was polled %d times in 100 ms", polls)
			}
			waiter.Abort()
			async.Await(co, waiter)
			if n := co.Context().Reactor().Timers(); n != 0 {
				return fmt.Errorf("%d timers armed after the waiting send was aborted", n)
			}
			return nil
		}))
		if err := errors.Join(runErr, err); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSendConnectedFullQueue: a connected socket's Send to a full queue
// waits for the kernel's event (Linux wakes a connected sender when its
// peer's queue has room), without spinning, and completes once the
// receiver reads.
func TestSendConnectedFullQueue(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		srvPath := filepath.Join(t.TempDir(), "srv")
		ex := x.New(t)
		defer ex.Close()
		err, runErr := executor.BlockOn(ex, async.Go(func(co *async.Co) error {
			srv, err := ListenPacket(srvPath)
			if err != nil {
				return err
			}
			defer srv.Close()
			cli, err := DialPacket(srvPath)
			if err != nil {
				return err
			}
			defer cli.Close()
			var scratch async.Context
			var f async.Future[async.Result[int]]
			sent := 0
			for ; ; sent++ {
				if sent > 100000 {
					return errors.New("sent 100000 datagrams without the receiver's queue filling")
				}
				f = cli.Send([]byte("x"))
				r, ok := async.PollWith(co.Context(), &scratch, async.NoopWaker(), f)
				if !ok {
					break
				}
				if r.Err != nil {
					return r.Err
				}
			}
			waiter := async.Spawn(co.Context(), f)
			before := polls(ex)
			async.Await(co, timer.Sleep(50*time.Millisecond))
			if polls := polls(ex) - before; polls > 500 {
				return fmt.Errorf("a send waiting on a full queue was polled %d times in 50 ms", polls)
			}
			buf := make([]byte, 8)
			for range sent + 1 {
				if _, err := async.Get(co, timer.Timeout(srv.RecvFrom(buf), 10*time.Second)); err != nil {
					return fmt.Errorf("receive: %v; the waiting send never completed", err)
				}
			}
			if r := async.Await(co, waiter); r.Err != nil || r.Value.Err != nil {
				return fmt.Errorf("the waiting send: %v, %v", r.Err, r.Value.Err)
			}
			return nil
		}))
		if err := errors.Join(runErr, err); err != nil {
			t.Fatal(err)
		}
	})
}
