package book

// Chapter 8, the last program: several executors sharing one reactor.
//
// The book ends the chapter by starting eleven more threads, each with an
// executor of its own running the same async_main, beside the one on the
// main thread; all of them share the one reactor, which runs on its own
// thread. A waker knows its executor's thread and wakes exactly that one,
// so the executors never see each other's tasks.
//
// Here the reactor is a reactor.Reactor turned on a goroutine of its own,
// and each executor is an executor.CurrentThread made WithSharedReactor,
// running on a goroutine locked to an OS thread (runtime.LockOSThread), as
// the book gives each executor a thread. Each spawns five requests and
// prints every body tagged with its number. The tasks are coroutines
// (async.Go): a coroutine must be resumed only from goroutines with the
// lock state it was created with, and a current-thread executor creates,
// polls and cancels its tasks all on the goroutine that runs BlockOn, so
// that holds.
//
// At the end everything is closed in order: each executor (on its own
// goroutine, still locked), then the reactor, whose goroutine's Turn then
// fails with reactor.ErrReactorClosed, and the program waits for that
// goroutine to end.

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/poll"
	"github.com/asyncgo/async/reactor"
)

// Chapter8Executors is how many executors the program runs by default: the
// book's main thread and its eleven more.
const Chapter8Executors = 12

// Chapter8Multiexec runs the program with the given number of executors at
// the book's pace: each executor's task i asks for a delay of i seconds, so
// the whole run takes about four seconds however many executors there are.
func Chapter8Multiexec(w io.Writer, server string, executors int) error {
	return Chapter8MultiexecDelays(w, server, executors, time.Second)
}

// Chapter8MultiexecDelays is Chapter8Multiexec with task i asking for a
// delay of i*step. Executor k (1 to executors) writes "executor k: Program
// starting", then "executor k: HelloAsyncAwait-k-i" as task i prints its
// body, and "executor k: All tasks are finished"; the lines of different
// executors interleave. Last comes "ELAPSED TIME: " with the time the run
// took.
func Chapter8MultiexecDelays(w io.Writer, server string, executors int, step time.Duration) (err error) {
	switch {
	case executors < 1:
		return fmt.Errorf("book: chapter 8: %d executors; want at least 1", executors)
	case step < 0:
		return fmt.Errorf("book: chapter 8: negative delay step %v", step)
	}
	r, err := reactor.New(nil)
	if err != nil {
		return fmt.Errorf("book: chapter 8: %w", err)
	}
	var turnErr error
	turning := make(chan struct{})
	go func() {
		defer close(turning)
		turnErr = turnReactor(r)
	}()
	defer func() {
		closeErr := r.Close()
		<-turning // turnErr is set now
		if turnErr != nil && errors.Is(closeErr, reactor.ErrReactorClosed) {
			closeErr = nil // the reactor goroutine closed it already
		}
		if e := errors.Join(turnErr, closeErr); e != nil {
			err = errors.Join(err, fmt.Errorf("book: chapter 8: %w", e))
		}
	}()

	p := &printer{w: w}
	start := time.Now()
	errs := make([]error, executors)
	var wg sync.WaitGroup
	for k := range executors {
		wg.Go(func() { errs[k] = runChapter8Executor(p, r, server, k+1, step) })
	}
	wg.Wait()
	if err := firstError(errs, "executors"); err != nil {
		return fmt.Errorf("book: chapter 8: %w", err)
	}
	p.printf("ELAPSED TIME: %v\n", time.Since(start).Round(time.Millisecond))
	return p.Err()
}

// turnReactor turns r until it is closed: the book's reactor thread. If a
// turn fails for another reason, it closes r, which fails every request
// still waiting on it, so that the executors end instead of waiting for
// events that no one will deliver; and it returns that error.
func turnReactor(r *reactor.Reactor) error {
	for {
		_, err := r.Turn(poll.Forever)
		switch {
		case errors.Is(err, reactor.ErrReactorClosed):
			return nil
		case err != nil:
			r.Close()
			return fmt.Errorf("reactor goroutine: %w", err)
		}
	}
}

// runChapter8Executor is one of the book's executor threads: executor id
// on the shared reactor r, on this goroutine locked to its OS thread for
// the executor's whole life.
func runChapter8Executor(p *printer, r *reactor.Reactor, server string, id int, step time.Duration) (err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ex, err := executor.NewCurrentThread(executor.WithSharedReactor(r))
	if err != nil {
		return fmt.Errorf("executor %d: %w", id, err)
	}
	defer func() {
		if closeErr := ex.Close(); closeErr != nil {
			err = errors.Join(err, fmt.Errorf("executor %d: close: %w", id, closeErr))
		}
	}()
	failed, err := executor.BlockOn(ex, chapter8ExecutorMain(p, server, id, step))
	if err = errors.Join(err, failed); err != nil {
		return fmt.Errorf("executor %d: %w", id, err)
	}
	return nil
}

// chapter8ExecutorMain is the async_main of executor id: it spawns five
// tasks and waits for all of them.
func chapter8ExecutorMain(p *printer, server string, id int, step time.Duration) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		prefix := fmt.Sprintf("executor %d: ", id)
		p.printf("%sProgram starting\n", prefix)
		tasks := make([]async.JoinHandle[error], chapter8Requests)
		for i := range tasks {
			path := delayPath(time.Duration(i)*step, fmt.Sprintf("HelloAsyncAwait-%d-%d", id, i))
			tasks[i] = async.Spawn(co.Context(), getAndPrint(p, server, path, prefix))
		}
		results := async.Await(co, async.JoinAll(tasks...))
		errs := make([]error, len(results))
		for i, r := range results {
			if err := errors.Join(r.Err, r.Value); err != nil {
				errs[i] = fmt.Errorf("task %d: %w", i, err)
			}
		}
		if err := firstError(errs, "tasks"); err != nil {
			return err
		}
		p.printf("%sAll tasks are finished\n", prefix)
		return nil
	})
}
