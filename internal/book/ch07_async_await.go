package book

// Chapter 7, "Coroutines and async/await": b-async-await and c-async-await.
//
// With the state machines written by a tool (the book's corofy), the book's
// async_main waits for five requests one after another,
//
//	coroutine fn async_main() {
//	    println!("Program starting");
//	    let txt = Http::get(&get_path(0)).wait;
//	    println!("{txt}");
//	    ... four more, with get_path(i) = "/{i*1000}/HelloWorld{i}"
//	}
//
// which takes the sum of the delays, ten seconds; and then turns each into
// a coroutine of its own and waits for all of them with join_all, which
// takes the longest, four seconds.
//
// Go needs no tool: async.Go runs a plain function as a coroutine, and
// async.Await is the book's .wait. Both programs are written that way here,
// and async.JoinAll is join_all. The book polls its future in a busy loop;
// here an executor polls it only when the reactor wakes it.

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
)

// chapter7Requests is how many requests each program of chapter 7 sends.
const chapter7Requests = 5

// Chapter7AsyncAwait runs both programs at the book's pace: request i asks
// for a delay of i seconds, so the first program takes about ten seconds
// and the second about four.
func Chapter7AsyncAwait(w io.Writer, server string) error {
	return Chapter7AsyncAwaitDelays(w, server, time.Second)
}

// Chapter7AsyncAwaitDelays is Chapter7AsyncAwait with request i asking for
// a delay of i*step. For each program it writes a heading, "Program
// starting", the five bodies HelloWorld0 to HelloWorld4 as they arrive, and
// "ELAPSED TIME: " with the time the program took.
func Chapter7AsyncAwaitDelays(w io.Writer, server string, step time.Duration) (err error) {
	if step < 0 {
		return fmt.Errorf("book: chapter 7: negative delay step %v", step)
	}
	p := &printer{w: w}
	ex, err := executor.NewCurrentThread()
	if err != nil {
		return fmt.Errorf("book: chapter 7: %w", err)
	}
	defer func() {
		if closeErr := ex.Close(); closeErr != nil {
			err = errors.Join(err, fmt.Errorf("book: chapter 7: %w", closeErr))
		}
	}()
	programs := []struct {
		title string
		main  async.Future[error]
	}{
		{"One after another: each request awaited before the next is sent", chapter7Sequential(p, server, step)},
		{"Together: five coroutines awaited with async.JoinAll", chapter7Joined(p, server, step)},
	}
	for i, prog := range programs {
		if i > 0 {
			p.println()
		}
		p.printf("== %s ==\n", prog.title)
		start := time.Now()
		failed, err := executor.BlockOn(ex, prog.main)
		if err = errors.Join(err, failed); err != nil {
			return fmt.Errorf("book: chapter 7: %w", err)
		}
		p.printf("ELAPSED TIME: %v\n", time.Since(start).Round(time.Millisecond))
	}
	return p.Err()
}

// chapter7Path is the book's get_path: the path of request i.
func chapter7Path(i int, step time.Duration) string {
	return delayPath(time.Duration(i)*step, fmt.Sprintf("HelloWorld%d", i))
}

// chapter7Sequential is b-async-await's async_main: each request is sent
// only when the one before it is answered.
func chapter7Sequential(p *printer, server string, step time.Duration) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		p.println("Program starting")
		for i := range chapter7Requests {
			resp, err := async.Get(co, Get(server, chapter7Path(i, step)))
			if err != nil {
				return err
			}
			p.println(bodyText(resp))
		}
		return nil
	})
}

// chapter7Joined is c-async-await's async_main: a coroutine per request,
// all of them awaited at once.
func chapter7Joined(p *printer, server string, step time.Duration) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		p.println("Program starting")
		requests := make([]async.Future[error], chapter7Requests)
		for i := range requests {
			requests[i] = getAndPrint(p, server, chapter7Path(i, step), "")
		}
		return firstError(async.Await(co, async.JoinAll(requests...)), "requests")
	})
}

// getAndPrint is the book's `coroutine fn request(i)`, used by the
// programs of chapters 7 to 10: GET path from server and print the body
// after prefix. Its value is the request's error.
func getAndPrint(p *printer, server, path, prefix string) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		resp, err := async.Get(co, Get(server, path))
		if err != nil {
			return err
		}
		p.printf("%s%s\n", prefix, bodyText(resp))
		return nil
	})
}

// firstError returns the first error of errs that is not nil, noting how
// many more there are ("and 4 more requests failed"), or nil if there is
// none. When many tasks fail together, for the same reason as a rule (no
// server), one error says it better than a hundred.
func firstError(errs []error, what string) error {
	var first error
	n := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		if n == 0 {
			first = err
		}
		n++
	}
	if n > 1 {
		return fmt.Errorf("%w (and %d more %s failed)", first, n-1, what)
	}
	return first
}
