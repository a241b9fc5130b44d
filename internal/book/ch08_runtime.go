package book

// Chapter 8, "Runtimes, Wakers, and the Reactor-Executor Pattern".
//
// The book's runtime splits in two: a reactor on a thread of its own waits
// for events and calls the wakers that futures left with it; an executor
// runs the tasks, polls each one only when its waker was called, and parks
// its thread when no task is ready. Its program spawns five requests,
//
//	coroutine fn request(i: usize) {
//	    let path = format!("/{}/HelloWorld{i}", i * 1000);
//	    let txt = Http::get(&path).wait;
//	    println!("{txt}");
//	}
//
// and the executor says why it sleeps each time it parks: "main: N pending
// tasks. Sleep until notified." (main is the thread's name), and "main: All
// tasks are finished" at the end.
//
// Here executor.BlockOn is the book's block_on and async.Spawn its spawn.
// Two things differ. BlockOn returns when the future given to it is ready,
// and cancels the tasks still alive then; the book's block_on runs until
// every task is done. So the main future here waits for the handles of its
// tasks. And the executor has no hook that runs when it parks, so the main
// future prints the line itself: each time it is polled and finds tasks
// still pending, it prints their number and returns pending. It is polled
// only when a task finishes and wakes it, so the lines come at the points
// where the book's executor parks: once after the spawns, and once after
// each task ends. The one difference is the moment: the book's executor
// prints when its queue is empty, this line comes as the main future
// gives way, before the executor runs whatever other task is ready and
// then parks. With these tasks, which wake one at a time, that is the same
// line at the same place in the output.
//
// The program runs twice, once for each shape of the runtime: by default
// the executor turns the reactor itself when it is idle and sleeps in
// epoll_wait (tokio's shape); with executor.WithReactorGoroutine the
// reactor turns on a goroutine of its own and wakes the executor through
// the wakers, the book's shape.

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
)

// chapter8Requests is how many tasks the programs of chapter 8 spawn.
const chapter8Requests = 5

// Chapter8Runtime runs the program at the book's pace: task i asks for a
// delay of i seconds, so each run takes about four seconds.
func Chapter8Runtime(w io.Writer, server string) error {
	return Chapter8RuntimeDelays(w, server, time.Second)
}

// Chapter8RuntimeDelays is Chapter8Runtime with task i asking for a delay of
// i*step. For each shape of the runtime it writes a heading, "Program
// starting", the bodies HelloWorld0 to HelloWorld4 as the tasks print them,
// the main future's "main: N pending tasks. Sleep until notified." lines,
// "main: All tasks are finished", and "ELAPSED TIME: " with the time the
// run took.
func Chapter8RuntimeDelays(w io.Writer, server string, step time.Duration) error {
	if step < 0 {
		return fmt.Errorf("book: chapter 8: negative delay step %v", step)
	}
	p := &printer{w: w}
	shapes := []struct {
		title string
		opts  []executor.Option
	}{
		{"The executor turns the reactor when it is idle (the default)", nil},
		{"The reactor turns on a goroutine of its own (WithReactorGoroutine, the book's shape)",
			[]executor.Option{executor.WithReactorGoroutine()}},
	}
	for i, shape := range shapes {
		if i > 0 {
			p.println()
		}
		p.printf("== %s ==\n", shape.title)
		start := time.Now()
		res, err := executor.Run(&chapter8Main{p: p, server: server, step: step}, shape.opts...)
		if err = errors.Join(err, res.Err); err != nil {
			return fmt.Errorf("book: chapter 8: %w", err)
		}
		p.printf("ELAPSED TIME: %v\n", time.Since(start).Round(time.Millisecond))
	}
	return p.Err()
}

// chapter8Main is the main future: its first poll spawns the tasks, and
// every poll collects those that finished and reports those that did not.
// It fails with the first task that fails.
type chapter8Main struct {
	p      *printer
	server string
	step   time.Duration

	handles []async.JoinHandle[error] // nil until the first poll
	done    []bool                    // done[i]: handles[i] was ready
	left    int                       // tasks not finished
}

func (m *chapter8Main) Poll(cx *async.Context) (async.Result[struct{}], bool) {
	if m.handles == nil {
		m.p.println("Program starting")
		m.handles = make([]async.JoinHandle[error], chapter8Requests)
		for i := range m.handles {
			m.handles[i] = async.Spawn(cx, getAndPrint(m.p, m.server, chapter7Path(i, m.step), ""))
		}
		m.done = make([]bool, len(m.handles))
		m.left = len(m.handles)
	}
	// A handle that is not ready keeps our waker: the task wakes us when
	// it finishes, and that is the only reason we are polled again.
	for i, h := range m.handles {
		if m.done[i] {
			continue
		}
		r, ok := h.Poll(cx)
		if !ok {
			continue
		}
		m.done[i] = true
		m.left--
		if err := errors.Join(r.Err, r.Value); err != nil {
			m.Cancel() // the others are of no use now
			return async.Err[struct{}](fmt.Errorf("task %d: %w", i, err)), true
		}
	}
	if m.left > 0 {
		// Where the book's executor parks.
		m.p.printf("main: %d pending tasks. Sleep until notified.\n", m.left)
		return async.Result[struct{}]{}, false
	}
	m.p.println("main: All tasks are finished")
	return async.Result[struct{}]{}, true
}

// Cancel stops waiting and aborts the tasks still running. The executor
// would cancel them when BlockOn returns anyway; a future that owns tasks
// lets go of them itself.
func (m *chapter8Main) Cancel() {
	for i, h := range m.handles {
		if !m.done[i] {
			m.done[i] = true
			h.Cancel()
			h.Abort()
		}
	}
}
