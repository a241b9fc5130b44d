package main

import (
	"fmt"
	"io"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/book"
)

// getDelays are the delays the five tasks ask for, in the order they are
// spawned: the last is answered first.
var getDelays = [...]time.Duration{500 * time.Millisecond, 400 * time.Millisecond, 300 * time.Millisecond,
	200 * time.Millisecond, 100 * time.Millisecond}

// tasksAndExecutor is chapter 4's program again, one level up: instead of
// sockets, tokens and events, five tasks, each a book.Get future, run by an
// executor on this goroutine.
func tasksAndExecutor(w io.Writer, server string) error {
	fmt.Fprintln(w, "executor.Run polls a main future on this goroutine. Its first poll spawns five tasks,")
	fmt.Fprintln(w, "each a book.Get asking for a delay of 500 down to 100 ms; then it waits on their handles")
	fmt.Fprintln(w, "and prints each answer as its task finishes.")
	fmt.Fprintln(w)
	main := &fiveGets{w: w, server: server}
	res, err := executor.Run(main)
	if err == nil {
		err = res.Err
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "\nAll five answered in %.2fs, not the %.2fs their delays add up to: the tasks waited together,\n"+
		"on one goroutine, and the main future was polled only %d times: once to spawn, then when a task's\n"+
		"completion woke it. Between polls the executor slept in the reactor.\n",
		res.Value.Seconds(), sum(getDelays[:]).Seconds(), main.polls)
	return err
}

// fiveGets is the tour's main future, written by hand as a state machine,
// the way chapter 7 of the book writes its futures before coroutines do it
// for us. It has two states: not started (handles is nil), and waiting for
// the tasks (left counts those not finished). Its value is the time all
// five took.
type fiveGets struct {
	w      io.Writer
	server string

	start   time.Time
	handles []async.JoinHandle[async.Result[book.Response]] // nil until the first poll
	done    []bool                                          // done[i]: handles[i] was ready
	left    int                                             // tasks not yet finished
	polls   int                                             // how often the executor polled us
}

func (f *fiveGets) Poll(cx *async.Context) (async.Result[time.Duration], bool) {
	f.polls++
	// First poll: spawn the tasks. Spawning only queues them: they run
	// when this poll returns and the executor takes them from its queue.
	if f.handles == nil {
		f.start = time.Now()
		for i, d := range getDelays {
			path := fmt.Sprintf("/%d/request-%d", d.Milliseconds(), i)
			f.handles = append(f.handles, async.Spawn(cx, book.Get(f.server, path)))
		}
		f.done = make([]bool, len(f.handles))
		f.left = len(f.handles)
	}
	// Every poll: look at each task not yet finished. A handle that is
	// not ready keeps our waker, so the task wakes us when it finishes;
	// that is the only reason we are polled again.
	for i, h := range f.handles {
		if f.done[i] {
			continue
		}
		r, ok := h.Poll(cx)
		if !ok {
			continue
		}
		f.done[i] = true
		f.left--
		if err := f.print(i, r); err != nil {
			return async.Err[time.Duration](err), true
		}
	}
	if f.left > 0 {
		return async.Result[time.Duration]{}, false
	}
	return async.Ok(time.Since(f.start)), true
}

// print writes the answer of task i: the task's failure, Get's error, or
// the response.
func (f *fiveGets) print(i int, r async.Result[async.Result[book.Response]]) error {
	err := r.Err
	if err == nil {
		err = r.Value.Err
	}
	if err != nil {
		return fmt.Errorf("task %d: %w", i, err)
	}
	resp := r.Value.Value
	_, err = fmt.Fprintf(f.w, "  %.2fs  task %d (delay %v): %d %s, body %q\n",
		time.Since(f.start).Seconds(), i, getDelays[i], resp.Status, resp.Reason, resp.Body)
	return err
}

// Cancel stops waiting and aborts the tasks still running. Run would cancel
// them at shutdown anyway; a future that owns tasks lets go of them itself.
func (f *fiveGets) Cancel() {
	for i, h := range f.handles {
		if !f.done[i] {
			h.Cancel()
			h.Abort()
		}
	}
}

func sum(ds []time.Duration) time.Duration {
	var total time.Duration
	for _, d := range ds {
		total += d
	}
	return total
}
