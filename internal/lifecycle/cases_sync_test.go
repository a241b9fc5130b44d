package lifecycle

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/broadcast"
	token "github.com/asyncgo/async/cancel" // the table's step is named cancel
	"github.com/asyncgo/async/group"
	"github.com/asyncgo/async/lock"
	"github.com/asyncgo/async/signals"
	"github.com/asyncgo/async/timer"
	"github.com/asyncgo/async/watch"
)

// sleepHour is a future that is pending for an hour, with a timer armed.
func sleepHour() async.Future[int] {
	return async.Map(timer.Sleep(time.Hour), func(struct{}) int { return 1 })
}

// syncCases are the futures of the shared-state packages: lock,
// broadcast, watch, cancel, signals and group. Each waits on something
// the case holds, so that its first poll is pending; after the
// cancellation the primitive must serve the next caller as if the
// cancelled one had never come.
func syncCases() []lcase {
	return []lcase{
		{name: "lock.Mutex.Lock", pendable: true, body: func(h *H) {
			var mu lock.Mutex
			mu.LockBlocking()
			cancel(h, mu.Lock(), 0) // queued behind the holder
			mu.Unlock()
			await(h, mu.Lock()) // not handed to the cancelled one
			mu.Unlock()
		}},
		{name: "lock.RwLock.RLock", pendable: true, body: func(h *H) {
			var rw lock.RwLock
			rw.LockBlocking()
			cancel(h, rw.RLock(), 0)
			rw.Unlock()
			await(h, rw.Lock())
			rw.Unlock()
		}},
		{name: "lock.RwLock.Lock", pendable: true, body: func(h *H) {
			var rw lock.RwLock
			rw.RLockBlocking()
			cancel(h, rw.Lock(), 0)
			rw.RUnlock()
			await(h, rw.Lock())
			rw.Unlock()
		}},
		{name: "lock.Semaphore.Acquire/partly-granted", pendable: true, body: func(h *H) {
			s := lock.NewSemaphore(1)
			cancel(h, s.Acquire(2), 0) // collects the one free permit, then waits
			if n := s.Available(); n != 1 {
				h.errorf("%d permits free after the cancellation, want the 1 it collected back", n)
			}
			s.Release(1)
			h.must(await(h, s.Acquire(2)), "acquire after the cancellation")
		}},
		{name: "lock.Notify.Notified", pendable: true, body: func(h *H) {
			var n lock.Notify
			cancel(h, n.Notified(), 0)
			n.NotifyOne() // stored as the permit: nobody waits
			await(h, n.Notified())
		}},
		{name: "lock.Barrier.Wait", pendable: true, body: func(h *H) {
			b := lock.NewBarrier(2)
			cancel(h, b.Wait(), 0) // its arrival is withdrawn
			done := make(chan bool)
			go func() { done <- b.WaitBlocking() }()
			leader := await(h, b.Wait()) // this round is the goroutine's and ours
			if other := <-done; leader == other {
				h.errorf("leaders: %v and %v, want exactly one", leader, other)
			}
		}},
		{name: "lock.OnceCell.GetOrInit", pendable: true, body: func(h *H) {
			var c lock.OnceCell[int]
			cancel(h, c.GetOrInit(sleepHour), 0) // its initialisation's timer goes too
			if v := await(h, c.GetOrInit(func() async.Future[int] { return async.Ready(7) })); v != 7 {
				h.errorf("GetOrInit after the cancellation = %d, want 7", v)
			}
		}},
		{name: "broadcast.Receiver.Recv", pendable: true, body: func(h *H) {
			tx, rx := broadcast.New[int](4)
			cancel(h, async.Future[async.Result[int]](rx.Recv()), 0)
			if _, err := tx.Send(1); err != nil {
				h.fatalf("send: %v", err)
			}
			if v := get(h, "recv after the cancellation", async.Future[async.Result[int]](rx.Recv())); v != 1 {
				h.errorf("received %d, want 1", v)
			}
			rx.Close()
			tx.Close()
		}},
		{name: "watch.Receiver.Changed", pendable: true, body: func(h *H) {
			tx, rx := watch.New(0)
			cancel(h, async.Future[error](rx.Changed()), 0)
			h.must(tx.Send(2), "send")
			h.must(await(h, async.Future[error](rx.Changed())), "changed after the cancellation")
			if v := rx.Borrow(); v != 2 {
				h.errorf("borrowed %d, want 2", v)
			}
			rx.Close()
			tx.Close()
		}},
		{name: "cancel.Token.Cancelled", pendable: true, body: func(h *H) {
			t := token.New()
			cancel(h, async.Future[struct{}](t.Cancelled()), 0)
			t.Cancel()
			await(h, async.Future[struct{}](t.Cancelled()))
		}},
		{name: "cancel.WithToken", pendable: true, body: func(h *H) {
			t := token.New()
			cancel(h, token.WithTokenValue(t, sleepHour()), 0) // the sleep's timer goes too
			t.Cancel()
			if r := await(h, token.WithTokenValue(t, sleepHour())); !errors.Is(r.Err, token.ErrCancelled) {
				h.errorf("WithToken after Cancel = %v, want ErrCancelled", r.Err)
			}
		}},
		{name: "cancel.ContextDone", pendable: true, body: func(h *H) {
			ctx, stop := context.WithCancel(context.Background())
			cancel(h, async.Future[error](token.ContextDone(ctx)), 0) // its AfterFunc is stopped
			stop()
			if err := await(h, async.Future[error](token.ContextDone(ctx))); !errors.Is(err, context.Canceled) {
				h.errorf("ContextDone after cancel = %v, want context.Canceled", err)
			}
		}},
		{name: "signals.Stream.Recv", pendable: true, body: func(h *H) {
			s := signals.Notify(syscall.SIGUSR2)
			cancel(h, async.Future[async.Result[os.Signal]](s.Recv()), 0)
			s.Stop() // ends the stream's goroutine (goleak checks)
		}},
		{name: "signals.Wait", pendable: true, body: func(h *H) {
			cancel(h, signals.Wait(syscall.SIGUSR2), 0) // its registration and goroutine go
		}},
		{name: "group.Set.Next", pendable: true, body: func(h *H) {
			// The tasks are pending with no timer: on a MultiThread another
			// worker runs them, and a timer they armed there could land
			// between cancel's counts.
			var s group.Set[int]
			s.Spawn(h.co.Context(), async.Pending[int]())
			cancel(h, async.Future[async.Result[int]](s.Next()), 0)
			s.AbortAll()
			if r := await(h, async.Future[async.Result[int]](s.Next())); !errors.Is(r.Err, async.ErrAborted) {
				h.errorf("Next after AbortAll = %v, want ErrAborted: the cancelled Next lost the task", r.Err)
			}
			if r := await(h, async.Future[async.Result[int]](s.Next())); !errors.Is(r.Err, group.ErrEmpty) {
				h.errorf("Next of an empty set = %v, want ErrEmpty", r.Err)
			}
		}},
		{name: "group.Set.Shutdown", pendable: true, body: func(h *H) {
			var s group.Set[int]
			s.Spawn(h.co.Context(), async.Pending[int]())
			cancel(h, async.Future[struct{}](s.Shutdown()), 0)
			await(h, async.Future[struct{}](s.Shutdown())) // the set stays closed; its task ends
			if n := s.Len(); n != 0 {
				h.errorf("%d tasks left after Shutdown", n)
			}
		}},
		{name: "group.Group.Wait", pendable: true, body: func(h *H) {
			var g group.Group
			g.Spawn(h.co.Context(), async.Pending[error]())
			cancel(h, async.Future[error](g.Wait()), 0)
			g.Close()
			if err := await(h, async.Future[error](g.Wait())); !errors.Is(err, async.ErrAborted) {
				h.errorf("Wait after Close = %v, want ErrAborted", err)
			}
		}},
	}
}
