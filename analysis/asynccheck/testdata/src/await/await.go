package await

import (
	"github.com/asyncgo/async"
)

func work() async.Future[int] { return async.Ready(1) }

// An Await inside a nested coroutine with the outer coroutine's co.
func nested() async.Future[int] {
	return async.Go(func(outer *async.Co) int {
		return async.Await(outer, async.Go(func(inner *async.Co) int {
			return async.Await(outer, work()) // want `Await with the Co of another coroutine: use the co of the enclosing async.Go function`
		}))
	})
}

// The same, with the nested coroutine's parameter unnamed, and deeper in
// a closure the nested coroutine calls.
func nestedUnnamed() async.Future[int] {
	return async.Go(func(co *async.Co) int {
		return async.Await(co, async.Go(func(*async.Co) int {
			helper := func() int {
				return async.Await(co, work()) // want `Await with the Co of another coroutine`
			}
			return helper()
		}))
	})
}

// The same, with async.Go's type argument written out.
func nestedExplicit() async.Future[int] {
	return async.Go[int](func(outer *async.Co) int {
		return async.Await[int](outer, async.Go[int](func(inner *async.Co) int {
			return async.Await[int](outer, work()) // want `Await with the Co of another coroutine`
		}))
	})
}

// A goroutine captures the coroutine's co: no coroutine runs it.
func inGoroutine() async.Future[int] {
	return async.Go(func(co *async.Co) int {
		done := make(chan int)
		go func() {
			done <- async.Await(co, work()) // want `Await with a Co captured by a goroutine, which no coroutine runs`
		}()
		return <-done
	})
}

// A goroutine started by a named function that got the co.
func helperStartsGoroutine(co *async.Co) {
	go func() {
		async.Await(co, work()) // want `Await with a Co captured by a goroutine`
	}()
}

// SpawnBlocking's function runs on a pool's goroutine.
func inBlockingPool() async.Future[async.Result[int]] {
	return async.Go(func(co *async.Co) async.Result[int] {
		return async.Await(co, async.SpawnBlocking(co.Context(), func() int {
			return async.Await(co, work()) // want `Await with a Co in a function given to SpawnBlocking`
		}))
	})
}

// Await outside any coroutine.
func withNil() int {
	return async.Await(nil, work()) // want `Await outside a coroutine`
}

// Good: each coroutine awaits with its own co.
func own() async.Future[int] {
	return async.Go(func(outer *async.Co) int {
		a := async.Await(outer, work())
		b := async.Await(outer, async.Go(func(inner *async.Co) int {
			return async.Await(inner, work())
		}))
		return a + b
	})
}

// Good: a named function awaits with the co it is given, as a coroutine's
// helper does.
func helper(co *async.Co) int { return async.Await(co, work()) }

func body(co *async.Co) int { return helper(co) + async.Await(co, work()) }

func bodyFuture() async.Future[int] { return async.Go(body) }

// Good: closures the coroutine runs itself, called at once, deferred,
// kept in a variable, or ranged over, and a local copy of the co.
func closures() async.Future[int] {
	return async.Go(func(co *async.Co) int {
		n := func() int { return async.Await(co, work()) }()
		defer func() { async.Await(co, work()) }()
		get := func() int { return async.Await(co, work()) }
		n += get()
		for v := range func(yield func(int) bool) { yield(1) } {
			n += v + async.Await(co, work())
		}
		mine := co
		return n + async.Await(mine, work())
	})
}

// Good: what the syntax cannot tell is left alone: a Co in a struct, or
// a closure handed to some other function.
type session struct{ co *async.Co }

func (s *session) step() int { return async.Await(s.co, work()) }

func handedOver(run func(func())) async.Future[int] {
	return async.Go(func(co *async.Co) int {
		run(func() { async.Await(co, work()) })
		return 0
	})
}
