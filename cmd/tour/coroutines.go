package main

import (
	"fmt"
	"io"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/timer"
)

// coroutines shows async/await the Go way: a plain function that awaits a
// request and a timer, suspended and resumed by the executor without a
// goroutine of its own blocking anywhere.
func coroutines(w io.Writer, server string) error {
	fmt.Fprintln(w, "async.Go turns a plain function into a future; async.Await suspends it until")
	fmt.Fprintln(w, "a future is ready. The book's async/await, without a state machine by hand:")
	fmt.Fprintln(w)
	start := time.Now()
	since := func() string { return fmt.Sprintf("%.2fs", time.Since(start).Seconds()) }
	f := async.Go(func(co *async.Co) error {
		resp, err := async.Get(co, http1.Get("http://"+server+"/300/HelloAwait"))
		if err != nil {
			return err
		}
		body, err := async.Get(co, resp.Body.ReadAll(maxBody))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s  awaited http1.Get and its body: %d, body %q\n", since(), resp.StatusCode, body)
		async.Await(co, timer.Sleep(200*time.Millisecond))
		fmt.Fprintf(w, "  %s  awaited timer.Sleep(200ms)\n", since())
		return nil
	})
	err, runErr := executor.Run(f)
	if runErr != nil {
		return runErr
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Each Await that found its future pending returned the coroutine to the executor,")
	fmt.Fprintln(w, "which slept in the reactor until the socket or the timer woke the task.")
	return nil
}
