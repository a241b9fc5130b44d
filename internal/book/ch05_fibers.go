package book

// Chapter 5, "Creating Our Own Fibers".
//
// The book builds stackful green threads by hand: a stack per thread, a
// context switch in assembly, and a runtime that round-robins between the
// threads each time one calls yield_thread. Its program spawns two of them,
// one counting to 10 and one to 15, and they take turns until the first
// is done; then the second counts on alone.
//
// Go has stackful coroutines already: a coroutine of async.Go runs on a
// goroutine's stack of its own, and the Go runtime switches to and from it
// directly (iter.Pull), never through the scheduler. So here each fiber is
// a coroutine spawned as a task on a current-thread executor, and
// yield_thread is async.Await(co, async.Yield()): the task wakes itself and
// gives way, the executor polls the other fiber, and the next poll resumes
// the first one inside Await. The executor's queue is FIFO, which gives the
// book's round robin. Nothing waits for I/O, so this program needs no
// server.

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
)

// Chapter5Fibers runs the program of chapter 5 and writes what it prints to
// w: "THREAD 1 STARTING", then the two fibers' lines "thread: N counter: I"
// in turn, each fiber yielding after each line, "THREAD 1 FINISHED" after
// fiber 1's tenth line, fiber 2 alone up to its fifteenth, "THREAD 2
// FINISHED", and "FINISHED" once the main future saw both end.
func Chapter5Fibers(w io.Writer) error {
	p := &printer{w: w}
	main := async.Go(func(co *async.Co) error {
		// The book's runtime.spawn: each fiber is a task of its own, and
		// runs once this coroutine waits.
		one := async.Spawn(co.Context(), fiber(p, 1, 10))
		two := async.Spawn(co.Context(), fiber(p, 2, 15))
		r1 := async.Await(co, one)
		r2 := async.Await(co, two)
		if err := errors.Join(r1.Err, r2.Err); err != nil {
			return err
		}
		p.println("FINISHED")
		return nil
	})
	failed, err := executor.Run(main)
	if err = errors.Join(err, failed); err != nil {
		return fmt.Errorf("book: chapter 5: %w", err)
	}
	return p.Err()
}

// fiber is one of the book's green threads: it prints count lines,
// yielding to the other fibers after each.
func fiber(p *printer, id, count int) async.Future[struct{}] {
	return async.Do(func(co *async.Co) {
		p.printf("THREAD %d STARTING\n", id)
		for i := range count {
			p.printf("thread: %d counter: %d\n", id, i)
			// yield_thread: wake ourselves and give way. The executor
			// queues this task behind the other fiber, which runs next.
			async.Await(co, async.Yield())
		}
		p.printf("THREAD %d FINISHED\n", id)
	})
}

// printer is where the programs of chapters 5 to 10 write their lines. It
// keeps each line whole when several goroutines print (chapter 8's
// executors on their own threads), and it remembers the first write error
// and stops writing after it, so that a program prints freely and reports a
// failed write once, at the end.
type printer struct {
	mu  sync.Mutex
	w   io.Writer
	err error // the first write error; guarded by mu
}

// printf writes one formatted piece of output in a single Write.
func (p *printer) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return
	}
	if _, err := fmt.Fprintf(p.w, format, args...); err != nil {
		p.err = fmt.Errorf("book: write output: %w", err)
	}
}

// println writes args separated by spaces and a newline, in a single Write.
func (p *printer) println(args ...any) {
	p.printf("%s", fmt.Sprintln(args...))
}

// Err returns the first write error, or nil.
func (p *printer) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}
