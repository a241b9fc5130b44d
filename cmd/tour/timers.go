package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

// timersAndTimeouts shows a timeout cancelling a request, and a sleep of
// an hour on a paused clock.
func timersAndTimeouts(w io.Writer, server string) error {
	if err := timeoutGet(w, server); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return pausedSleep(w)
}

// timeoutGet runs a request the server answers after 2 s under a timeout
// of 300 ms, and shows that the timeout cancelled it.
func timeoutGet(w io.Writer, server string) error {
	const patience = 300 * time.Millisecond
	ex, err := executor.NewCurrentThread()
	if err != nil {
		return err
	}
	defer ex.Close()
	fmt.Fprintf(w, "timer.Timeout(fetch(server, \"/2000/slow\"), %v): the server answers after 2s.\n", patience)
	f := &whilePending[async.Result[page]]{
		f: timer.Timeout(fetch(server, "/2000/slow"), patience),
		fn: func(cx *async.Context) {
			fmt.Fprintf(w, "  pending: the reactor watches %d socket and %d timer\n", cx.Reactor().Sources(), cx.Reactor().Timers())
		},
	}
	start := time.Now()
	r, err := executor.BlockOn(ex, f)
	if err != nil {
		return err
	}
	switch {
	case r.Err == nil:
		return fmt.Errorf("the request did not time out: %d %s", r.Value.status, r.Value.body)
	case !errors.Is(r.Err, timer.ErrTimeout):
		return r.Err
	}
	fmt.Fprintf(w, "  %.2fs: %v\n", time.Since(start).Seconds(), r.Err)
	_, err = fmt.Fprintf(w, "  the timeout cancelled the request, which closed its socket: the reactor watches %d sockets and %d timers\n",
		ex.Reactor().Sources(), ex.Reactor().Timers())
	return err
}

// pausedSleep sleeps for an hour on a paused clock.
func pausedSleep(w io.Writer) error {
	ex, err := executor.NewCurrentThread(executor.WithPausedClock())
	if err != nil {
		return err
	}
	defer ex.Close()
	fmt.Fprintln(w, "timer.Sleep(time.Hour) on an executor made WithPausedClock():")
	virtualStart, realStart := ex.Reactor().Now(), time.Now()
	if _, err := executor.BlockOn[struct{}](ex, timer.Sleep(time.Hour)); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "  slept %v on the executor's clock in %.3fs of real time: with every task idle, the\n"+
		"  executor moves a paused clock straight to the next timer, so tests of timeouts run at once.\n",
		ex.Reactor().Now().Sub(virtualStart), time.Since(realStart).Seconds())
	return err
}

// selectFirst races a request against a sleep twice: once the request
// wins, once the sleep; the loser is cancelled either way.
func selectFirst(w io.Writer, server string) error {
	ex, err := executor.NewCurrentThread()
	if err != nil {
		return err
	}
	defer ex.Close()
	races := []struct {
		path  string
		sleep time.Duration
	}{
		{"/100/fast", time.Second},
		{"/1000/slow", 200 * time.Millisecond},
	}
	for _, race := range races {
		fmt.Fprintf(w, "async.Select2(fetch(server, %q), timer.Sleep(%v)):\n", race.path, race.sleep)
		start := time.Now()
		won, err := executor.BlockOn(ex, async.Select2[async.Result[page], struct{}](
			fetch(server, race.path), timer.Sleep(race.sleep)))
		if err != nil {
			return err
		}
		elapsed := time.Since(start).Seconds()
		switch {
		case won.Index == 0 && won.V1.Err != nil:
			return won.V1.Err
		case won.Index == 0:
			fmt.Fprintf(w, "  %.2fs: the request won with %d %s, body %q; the sleep was cancelled\n",
				elapsed, won.V1.Value.status, won.V1.Value.reason, won.V1.Value.body)
		default:
			fmt.Fprintf(w, "  %.2fs: the sleep won; the request was cancelled\n", elapsed)
		}
		fmt.Fprintf(w, "  the reactor watches %d sockets and %d timers\n", ex.Reactor().Sources(), ex.Reactor().Timers())
	}
	return nil
}

// whilePending polls f and calls fn the first time f is pending, to show
// what the runtime holds while f waits.
type whilePending[T any] struct {
	f      async.Future[T]
	fn     func(cx *async.Context)
	called bool
}

func (p *whilePending[T]) Poll(cx *async.Context) (T, bool) {
	v, ok := p.f.Poll(cx)
	if !ok && !p.called {
		p.called = true
		p.fn(cx)
	}
	return v, ok
}

func (p *whilePending[T]) Cancel() { p.f.Cancel() }
