package book

// Chapter 10, "Creating Your Own Runtime": spawn_many.
//
// At the end of the book the runtime runs other libraries' futures, and
// the last example spawns a hundred tasks, task i asking for a delay of
// i*10 ms, and prints each answer as it arrives. Waited for one after
// another the delays add up to 49.5 seconds; run together they take about
// the longest, one second.
//
// Here each task is a coroutine spawned with async.Spawn, and the main
// future waits for all their handles with async.JoinAll, which polls only
// the handles whose tasks finished since its last poll.
//
// The other library is this module's HTTP client, package http1: its
// futures were not written for the book, and run on its runtime as they
// are. Its Client keeps a pool of connections per host; the hundred
// requests all wait at once, so it opens a hundred, and keeps a few for a
// next round that this program does not make (it closes them at the end).

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
)

// chapter10Tasks is how many tasks the program spawns, as in the book.
const chapter10Tasks = 100

// Chapter10JoinAll runs the program at the book's pace: task i asks for a
// delay of i*10 ms, so the run takes about a second.
func Chapter10JoinAll(w io.Writer, server string) error {
	return Chapter10JoinAllDelays(w, server, 10*time.Millisecond)
}

// Chapter10JoinAllDelays is Chapter10JoinAll with task i asking for a delay
// of i*step. It writes "Program starting", the bodies HelloAsyncAwait0 to
// HelloAsyncAwait99 as the tasks print them, a line comparing the sum of
// the delays with the time the tasks took together, and "ELAPSED TIME: "
// with that time.
func Chapter10JoinAllDelays(w io.Writer, server string, step time.Duration) error {
	if step < 0 {
		return fmt.Errorf("book: chapter 10: negative delay step %v", step)
	}
	p := &printer{w: w}
	var client http1.Client
	defer client.CloseIdle()
	start := time.Now()
	failed, err := executor.Run(chapter10Main(p, &client, server, step))
	if err = errors.Join(err, failed); err != nil {
		return fmt.Errorf("book: chapter 10: %w", err)
	}
	elapsed := time.Since(start).Round(time.Millisecond)
	var sum time.Duration
	for i := range chapter10Tasks {
		sum += time.Duration(i) * step
	}
	p.printf("\n%d tasks with delays of 0 to %v, %v in all, finished together in %v.\n",
		chapter10Tasks, time.Duration(chapter10Tasks-1)*step, sum, elapsed)
	p.printf("ELAPSED TIME: %v\n", elapsed)
	return p.Err()
}

// chapter10Main spawns the tasks and joins their handles. Its value is
// the first task's error, if any failed.
func chapter10Main(p *printer, client *http1.Client, server string, step time.Duration) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		p.println("Program starting")
		tasks := make([]async.JoinHandle[error], chapter10Tasks)
		for i := range tasks {
			path := delayPath(time.Duration(i)*step, fmt.Sprintf("HelloAsyncAwait%d", i))
			tasks[i] = async.Spawn(co.Context(), fetchAndPrint(p, client, "http://"+server+path))
		}
		results := async.Await(co, async.JoinAll(tasks...))
		errs := make([]error, len(results))
		for i, r := range results {
			if err := errors.Join(r.Err, r.Value); err != nil {
				errs[i] = fmt.Errorf("task %d: %w", i, err)
			}
		}
		return firstError(errs, "tasks")
	})
}

// fetchAndPrint is the book's request(i) with another library's client:
// GET url with client, read the body, at most MaxBodyBytes as Get reads,
// and print it as getAndPrint does (see bodyText). Its value is the
// request's error.
func fetchAndPrint(p *printer, client *http1.Client, url string) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		resp, err := async.Get(co, client.Get(url))
		if err != nil {
			return err
		}
		body, err := async.Get(co, resp.Body.ReadAll(MaxBodyBytes))
		if err != nil {
			return err
		}
		p.println(bodyText(Response{Status: resp.StatusCode, Reason: resp.Reason, Body: body}))
		return nil
	})
}
