// Package asynccheck defines an Analyzer that reports misuses of the async
// runtime (github.com/asyncgo/async) that compile, pass go vet, and then
// do nothing, lose an error, or block the executor.
//
// # Running it
//
// The command github.com/asyncgo/async/analysis/cmd/asynccheck runs the
// Analyzer. The analysis module is a module of its own, so that the
// runtime's module depends on golang.org/x/sys alone; build the command
// from it:
//
//	cd analysis && go build -o /tmp/asynccheck ./cmd/asynccheck
//
// then run it on its own, on packages named as for go build (it loads
// them with their tests), or as a tool of go vet, which runs it package
// by package with the build cache:
//
//	/tmp/asynccheck ./...
//	go vet -vettool=/tmp/asynccheck ./...
//
// Both print one line a finding, file:line:column: message, and exit
// with a non-zero status if there is one. A misuse made on purpose, as in
// a test that a misuse panics, is silenced by a line comment
// //asynccheck:ignore and the reason, on the line reported or the line
// above it:
//
//	//asynccheck:ignore a second Send while the first is pending must panic
//	tx.Send(2)
//
// # A dropped future
//
// A future does its work only when it is polled: a call that makes one
// and drops it did nothing.
//
//	c.WriteAll(b)                      // reported: writes nothing
//	tx.Send(1)                         // reported: mpsc's Send returns a future
//	async.Await(co, tx.Send(2))        // only 2 is sent
//	_ = c.WriteAll(b)                  // reported
//	go c.WriteAll(b)                   // reported, as under defer
//	mu.Lock()                          // reported: takes a place in line and holds it
//
// the future returned by c.WriteAll is never awaited, polled or spawned,
// so it does nothing; await it (async.Await(co, ...)) or spawn it.
//
// A future is recognised by its methods, Poll(*async.Context) (T, bool)
// and Cancel(), not by its name, so a concrete future type
// (*mpsc.SendFuture) counts as much as async.Future[T]. A call that
// returns anything else is never reported (oneshot's Send returns an
// error: it sends at once). Left alone are a future with a Detach method
// (async.JoinHandle: its task runs whether or not it is awaited), a future
// returned by a method of a future (aio.WriteAllFuture.Reset arms its
// receiver and returns it, to be polled later), and a future among
// several results (the Receiver of oneshot.New).
//
// # Await with the wrong Co
//
// A Co belongs to the function of its coroutine. The check reports an
// Await whose Co a function literal captured from outside, when that
// literal runs apart from the function that owns the Co:
//
//	async.Go(func(outer *async.Co) int {
//		return async.Await(outer, async.Go(func(inner *async.Co) int {
//			return async.Await(outer, f) // reported: use inner
//		}))
//	})
//	go func() { async.Await(co, f) }()  // reported: no coroutine runs a goroutine
//	async.SpawnBlocking(cx, func() T { return async.Await(co, f) }) // reported
//	async.Await(nil, f)                 // reported: outside a coroutine
//
// Await with the Co of another coroutine: use the co of the enclosing
// async.Go function.
//
// A Co that is a parameter of the function around the call (a named
// helper func(co *async.Co, ...)), a local variable of it, or captured by
// a closure the coroutine runs itself (called at once, deferred, kept in
// a variable and called) is never reported; nor is a Co read from a
// struct field, or captured by a literal handed to another function:
// what such code does with it cannot be told from the syntax.
//
// # A blocking call inside a future or a coroutine
//
// The executor that polls a future or a coroutine cannot run the tasks a
// blocking call waits for while it waits itself. Reported, inside the
// function passed to async.Go, a Poll method, or any function of Poll's
// shape func(*async.Context) (T, bool) (an async.PollFunc), and inside
// the closures those call where they stand:
//
//	executor.Run(f), executor.BlockOn(ex, f) // await f instead, or spawn it
//	ex.Shutdown(ctx)                         // waits for the poll that calls it
//	tx.SendBlocking(v), mu.LockBlocking()    // any *Blocking of the async module
//
// executor.Run inside a coroutine blocks the executor that polls it; await
// the future instead (async.Await(co, f)), or spawn it.
//
// async.SpawnBlocking is not one of them: it hands its function to the
// blocking pool. Code in a go statement, in a function given to
// SpawnBlocking, or in a literal handed to another function runs apart
// from the poll and is left alone.
//
// # A Result whose Err is never looked at
//
// A failed operation's Value is the zero value; code that reads it
// without looking at Err goes on as if the operation had succeeded.
// Reported: a local variable of type async.Result[T] whose Value is used
// while its Err is never read, its Get never called, and the variable
// goes nowhere else (passed, returned, stored, its address taken) that
// might check it.
//
//	r := async.Await(co, c.Read(buf)) // reported
//	use(buf[:r.Value])
//	for _, r := range async.Await(co, async.JoinAll(hs...)) { sum += r.Value } // reported
//
// r.Err is never checked: use v, err := r.Get() or check r.Err.
//
// Parameters and named results are left alone (their caller has them
// too), and so is a Result assigned from a poll, a call that returns
// (async.Result[T], bool) as Poll does: the Poll of a future often needs
// only readiness, or knows that Err is nil.
package asynccheck
