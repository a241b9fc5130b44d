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

// The multi-thread section's work: counters tasks, each counting the
// primes in a range of span numbers, chunk numbers per poll.
const (
	mtWorkers = 4
	counters  = 16
	span      = 20_000
	chunk     = 1_000
)

// multiThread shows the multi-thread executor: tasks spread over several
// workers that steal from each other, a blocking call on the blocking
// pool, and the tasks still alive when BlockOn returns being cancelled.
func multiThread(w io.Writer, _ string) error {
	ex, err := executor.NewMultiThread(executor.WithWorkers(mtWorkers))
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			ex.Close()
		}
	}()
	fmt.Fprintf(w, "executor.NewMultiThread(executor.WithWorkers(%d)) runs tasks on %d worker goroutines that share\n", mtWorkers, mtWorkers)
	fmt.Fprintln(w, "one reactor and steal work from each other. The main task spawns a task that sleeps for an")
	fmt.Fprintf(w, "hour, a blocking call on the pool (async.SpawnBlocking), and %d tasks that count primes, each\n", counters)
	fmt.Fprintf(w, "testing %d numbers per poll and then yielding, so that the workers share them out:\n", chunk)
	fmt.Fprintln(w)

	start := time.Now()
	since := func() string { return fmt.Sprintf("%.2fs", time.Since(start).Seconds()) }
	var sleeper async.JoinHandle[struct{}]
	err, runErr := executor.BlockOn(ex, async.Go(func(co *async.Co) error {
		cx := co.Context()
		sleeper = async.Spawn(cx, async.Do(func(co *async.Co) {
			defer fmt.Fprintln(w, "  the sleeper was cancelled at shutdown: its coroutine's deferred cleanup ran")
			async.Await(co, timer.Sleep(time.Hour))
		}))
		blocking := async.SpawnBlocking(cx, func() string {
			time.Sleep(200 * time.Millisecond) // as a file read or a cgo call can
			return "slept 200ms on a pool goroutine"
		})
		hs := make([]async.JoinHandle[int], counters)
		for i := range hs {
			hs[i] = async.Spawn(cx, &primeCounter{next: i * span, end: (i + 1) * span})
		}
		primes := 0
		for _, h := range hs {
			n, err := async.Get(co, h)
			if err != nil {
				return err
			}
			primes += n
		}
		fmt.Fprintf(w, "  %s  the %d counters found %d primes below %d\n", since(), counters, primes, counters*span)
		got, err := async.Get(co, blocking)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s  the blocking call returned: %s, holding up no worker\n", since(), got)
		return nil
	}))
	if err := errors.Join(err, runErr); err != nil {
		return err
	}

	// The workers have stopped, and published their counters.
	m := ex.Metrics()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "BlockOn returned once the main task was done. ex.Metrics(), per worker:")
	var polls uint64
	for i, wm := range m.Workers {
		fmt.Fprintf(w, "  worker %d: %4d polls (%d from its LIFO slot), %d steals, %d parks\n",
			i, wm.Polls, wm.LIFOHits, wm.Steals, wm.Parks)
		polls += wm.Polls
	}
	fmt.Fprintf(w, "  %d polls in all: %d of the counters (%d each), the rest the main task's, the sleeper's and\n"+
		"  the blocking call's. How they fall to the workers changes from run to run.\n",
		polls, counters*span/chunk, span/chunk)

	// The sleeper's handle outlives the run: awaiting it on the same
	// executor reports how it ended.
	r, err := executor.BlockOn(ex, sleeper)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The tasks still alive when BlockOn returns are cancelled, which releases their sockets")
	fmt.Fprintf(w, "and timers: awaited afterwards, the sleeper's handle reports %q.\n", r.Err)
	pool := ex.Metrics().Blocking
	closed = true
	if err := ex.Close(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "The blocking pool kept %d goroutine alive for the next call (for 10s); ex.Close() retired\n"+
		"it (%d left) and closed the reactor.\n", pool, ex.Metrics().Blocking)
	return err
}

// primeCounter counts the primes in [next, end), chunk numbers per poll:
// after each chunk it wakes its own task and returns pending, so that the
// worker runs other tasks before this one goes on, and idle workers can
// steal it. A future written by hand, as in the tasks section.
type primeCounter struct {
	next, end int
	found     int
}

func (p *primeCounter) Poll(cx *async.Context) (int, bool) {
	stop := min(p.next+chunk, p.end)
	for ; p.next < stop; p.next++ {
		if isPrime(p.next) {
			p.found++
		}
	}
	if p.next == p.end {
		return p.found, true
	}
	cx.Waker().Wake() // a yield: polled again after the tasks queued before it
	return 0, false
}

func (p *primeCounter) Cancel() {}

// isPrime reports whether n is prime, by trial division.
func isPrime(n int) bool {
	if n < 2 {
		return false
	}
	if n%2 == 0 {
		return n == 2
	}
	for d := 3; d*d <= n; d += 2 {
		if n%d == 0 {
			return false
		}
	}
	return true
}
