// Package issue13 holds the misuses that issue 13 names, written against
// the repository's real packages.
package issue13

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/lock"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/tcp"
)

// send: tx.Send(1); async.Await(co, tx.Send(2)) delivers only 2.
func send(tx *mpsc.Sender[int]) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		tx.Send(1) // want `the future returned by tx.Send is never awaited, polled or spawned, so it does nothing; await it \(async.Await\(co, ...\)\) or spawn it`
		return async.Await(co, tx.Send(2))
	})
}

// write: c.WriteAll(b) on its own line writes nothing.
func write(c *tcp.Conn, b []byte) async.Future[int] {
	return async.Go(func(co *async.Co) int {
		c.WriteAll(b)                       // want `the future returned by c.WriteAll is never awaited`
		r := async.Await(co, c.WriteAll(b)) // want `r.Err is never checked: use v, err := r.Get\(\) or check r.Err`
		return r.Value
	})
}

// others: the other checks, on the real types.
func others(mu *lock.Mutex) async.Future[int] {
	return async.Go(func(outer *async.Co) int {
		mu.Lock()                    // want `the future returned by mu.Lock is never awaited`
		mu.LockBlocking()            // want `mu.LockBlocking inside a coroutine blocks the executor`
		executor.Run(async.Ready(1)) // want `executor.Run inside a coroutine blocks the executor`
		return async.Await(outer, async.Go(func(*async.Co) int {
			return async.Await(outer, async.Ready(1)) // want `Await with the Co of another coroutine`
		}))
	})
}

// good: the same operations, awaited and checked.
func good(c *tcp.Conn, tx *mpsc.Sender[int], b []byte) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		if err := async.Await(co, tx.Send(1)); err != nil {
			return err
		}
		_, err := async.Await(co, c.WriteAll(b)).Get()
		return err
	})
}
