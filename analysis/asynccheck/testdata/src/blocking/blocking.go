package blocking

import (
	"context"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/lock"
	"github.com/asyncgo/async/mpsc"
)

func work() async.Future[int] { return async.Ready(1) }

// executor.Run and BlockOn inside a coroutine.
func inCoroutine(ex executor.Executor) async.Future[int] {
	return async.Go(func(co *async.Co) int {
		v, _ := executor.Run(work())         // want `executor.Run inside a coroutine blocks the executor that polls it; await the future instead \(async.Await\(co, f\)\), or spawn it`
		w, _ := executor.BlockOn(ex, work()) // want `executor.BlockOn inside a coroutine blocks the executor that polls it`
		return v + w
	})
}

// Inside closures the coroutine runs where they stand.
func inCalledClosures() async.Future[int] {
	return async.Go(func(co *async.Co) int {
		defer func() {
			executor.Run(work()) // want `executor.Run inside a coroutine`
		}()
		return func() int {
			v, _ := executor.Run(work()) // want `executor.Run inside a coroutine`
			return v
		}()
	})
}

// An executor's Shutdown waits for the BlockOn whose poll calls it.
func shutdown(ex *executor.CurrentThread, iface executor.Executor) async.Future[int] {
	return async.Go(func(co *async.Co) int {
		ex.Shutdown(context.Background())    // want `ex.Shutdown inside a coroutine blocks the executor that polls it; it waits for the very poll that calls it`
		iface.Shutdown(context.Background()) // want `iface.Shutdown inside a coroutine`
		ex.Close()
		return 0
	})
}

// The *Blocking methods are for plain goroutines.
func blockingMethods(tx *mpsc.Sender[int], rx *mpsc.Receiver[int], mu *lock.Mutex) async.Future[int] {
	return async.Go(func(co *async.Co) int {
		tx.SendBlocking(1)        // want `tx.SendBlocking inside a coroutine blocks the executor that polls it; await the future of tx.Send instead`
		v, _ := rx.RecvBlocking() // want `rx.RecvBlocking inside a coroutine`
		mu.LockBlocking()         // want `mu.LockBlocking inside a coroutine`
		return v
	})
}

// A hand-written future's Poll, and a PollFunc.
type nestedRun struct{ ex executor.Executor }

func (f *nestedRun) Poll(cx *async.Context) (int, bool) {
	v, _ := executor.BlockOn(f.ex, work()) // want `executor.BlockOn inside a future's Poll`
	return v, true
}

func (f *nestedRun) Cancel() {}

func pollFunc(mu *lock.Mutex) async.Future[int] {
	return async.PollFunc[int](func(cx *async.Context) (int, bool) {
		mu.LockBlocking() // want `mu.LockBlocking inside a future's Poll`
		return 0, true
	})
}

// Good: outside a coroutine or a poll, and where the call runs apart from
// the poll: a goroutine, the blocking pool, a function handed elsewhere.
func good(tx *mpsc.Sender[int], ex executor.Executor, spawn func(func())) {
	executor.Run(work())
	tx.SendBlocking(1)
	ex.Shutdown(context.Background())
	executor.Run(async.Go(func(co *async.Co) int {
		go func() {
			executor.Run(work())
			tx.SendBlocking(2)
		}()
		h := async.SpawnBlocking(co.Context(), func() int {
			v, _ := executor.Run(work())
			return v
		})
		spawn(func() { executor.Run(work()) })
		return async.Await(co, h).Value
	}))
}

// Good: a function that only takes a Context is not a poll.
func withContext(cx *async.Context, tx *mpsc.Sender[int]) error {
	return tx.SendBlocking(1)
}
