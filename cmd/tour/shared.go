package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/broadcast"
	"github.com/asyncgo/async/cancel"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/group"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/lock"
)

// sharedState shows the pieces services share state with: a semaphore
// bounding work, a task set collecting it, a broadcast channel, and a
// cancel token ending listeners; examples/chat is a server built of them.
func sharedState(w io.Writer, server string) error {
	fmt.Fprintln(w, "Six tasks in a group.Set fetch from the delayserver, 200 ms each, but a lock.Semaphore of")
	fmt.Fprintln(w, "2 permits lets only two fetch at once; Next collects them as they finish:")
	fmt.Fprintln(w)
	if err := boundedFetches(w, server); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Three listener tasks subscribe to a broadcast channel: each hears every message. A")
	fmt.Fprintln(w, "cancel.Token then ends them all: cancel.WithToken cancels the Recv each one waits in.")
	fmt.Fprintln(w)
	if err := roomAndToken(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "examples/chat builds a whole chat server of these pieces, with a lock.Mutex held across")
	fmt.Fprintln(w, "writes, slow clients dropped and a graceful shutdown on SIGINT:")
	fmt.Fprintln(w, "  go run ./examples/chat -addr 127.0.0.1:7010    (then: nc 127.0.0.1 7010)")
	return nil
}

// boundedFetches runs six fetches, two at a time, and prints each as it
// finishes, with when.
func boundedFetches(w io.Writer, server string) error {
	start := time.Now()
	var client http1.Client // one pool of connections for the six
	defer client.CloseIdle()
	err, runErr := executor.Run(async.Go(func(co *async.Co) error {
		sem := lock.NewSemaphore(2)
		var fetches group.Set[string]
		for i := range 6 {
			fetches.Spawn(co.Context(), async.Go(func(co *async.Co) string {
				async.Await(co, sem.Acquire(1))
				defer sem.Release(1)
				resp, err := async.Get(co, client.Get(fmt.Sprintf("http://%s/200/fetch-%d", server, i)))
				if err != nil {
					return err.Error()
				}
				body, err := async.Get(co, resp.Body.ReadAll(maxBody))
				if err != nil {
					return err.Error()
				}
				return string(body)
			}))
		}
		for fetches.Len() > 0 {
			got, err := async.Get(co, fetches.Next())
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "  %.1fs  %s\n", time.Since(start).Seconds(), got)
		}
		return nil
	}))
	if err := errors.Join(err, runErr); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "\nThey finished in three waves of two, in %.1fs: the semaphore held the other four in line.\n", time.Since(start).Seconds())
	return err
}

// roomAndToken sends two messages to three listeners on a broadcast
// channel, then cancels them with a token.
func roomAndToken(w io.Writer) error {
	_, err := executor.Run(async.Do(func(co *async.Co) {
		room, first := broadcast.New[string](8)
		stop := cancel.New()
		var listeners group.Set[struct{}]
		for i, rx := range []*broadcast.Receiver[string]{first, room.Subscribe(), room.Subscribe()} {
			listeners.Spawn(co.Context(), async.Do(func(co *async.Co) {
				defer rx.Close()
				for {
					msg, err := async.Get(co, cancel.WithToken(stop, rx.Recv()))
					if err != nil {
						fmt.Fprintf(w, "  listener %d: %v\n", i, err)
						return
					}
					fmt.Fprintf(w, "  listener %d heard %q\n", i, msg)
				}
			}))
		}
		room.Send("hello")
		room.Send("world")
		async.Await(co, async.Yield()) // let them hear both
		stop.Cancel()
		async.Await(co, listeners.Wait())
	}))
	return err
}
