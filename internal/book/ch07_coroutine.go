package book

// Chapter 7, "Coroutines and async/await": the first program, a-coroutine.
//
// Before it lets a tool write them, the book writes a coroutine by hand:
//
//	coroutine fn async_main() {
//	    println!("Program starting");
//	    let txt = Http::get("/600/HelloWorld1").wait;
//	    println!("{txt}");
//	    let txt = Http::get("/400/HelloWorld2").wait;
//	    println!("{txt}");
//	}
//
// becomes a state machine with one state per wait point: Start, Wait1 (the
// first request), Wait2 (the second), Resolved. Each poll runs from the
// state it is in as far as it can without waiting, and the code between
// two waits runs in the transition from one state to the next. That is
// chapter7Coroutine below, with an explicit state type.
//
// The book's main loop polls the future, prints "Schedule other tasks"
// whenever it is not ready, and sleeps 100 ms between polls: a busy loop
// slowed down by hand. Here an executor polls the future only when the
// reactor wakes it, and the other work the line stands for is real: a
// second future, a timer.Interval that prints the line on each tick, runs
// beside the coroutine in the same task (async.Select2), and is cancelled
// with its timer when the coroutine is done.

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

// Chapter7Coroutine runs the program at the book's pace: the requests ask
// for delays of 600 and 400 ms, and "Schedule other tasks" is printed about
// every 100 ms until both are answered, about a second in all.
func Chapter7Coroutine(w io.Writer, server string) error {
	return Chapter7CoroutineDelays(w, server, 100*time.Millisecond)
}

// Chapter7CoroutineDelays is Chapter7Coroutine with the delays 6*step and
// 4*step and a tick every step. It writes "Program starting", the two
// bodies, "Schedule other tasks" at each tick meanwhile (the first at
// once), and "ELAPSED TIME: " with the time it took. Step must be positive.
func Chapter7CoroutineDelays(w io.Writer, server string, step time.Duration) error {
	if step <= 0 {
		return fmt.Errorf("book: chapter 7: delay step %v is not positive", step)
	}
	p := &printer{w: w}
	start := time.Now()
	co := &chapter7Coroutine{p: p, server: server, step: step}
	other := &chapter7Ticker{p: p, iv: timer.NewInterval(step)}
	// The ticker is never ready, so the coroutine always wins the select,
	// which then cancels the ticker.
	res, err := executor.Run(async.Select2[async.Result[struct{}], struct{}](co, other))
	if err = errors.Join(err, res.V1.Err); err != nil {
		return fmt.Errorf("book: chapter 7: %w", err)
	}
	p.printf("\nELAPSED TIME: %v\n", time.Since(start).Round(time.Millisecond))
	return p.Err()
}

// chapter7State is where the coroutine is: before it started, at one of its
// two wait points, or done.
type chapter7State int

const (
	chapter7Start    chapter7State = iota // not polled yet
	chapter7Wait1                         // waiting for the first response
	chapter7Wait2                         // waiting for the second response
	chapter7Resolved                      // done (or failed, or cancelled)
)

// chapter7Coroutine is the book's Coroutine: async_main as a state
// machine. The request being waited for lives in get while the state is
// Wait1 or Wait2; the book keeps it inside the state's enum variant.
type chapter7Coroutine struct {
	p      *printer
	server string
	step   time.Duration

	state chapter7State
	get   async.Future[async.Result[Response]] // nil in Start and Resolved
}

// Poll runs the coroutine from its state as far as it can go without
// waiting.
func (c *chapter7Coroutine) Poll(cx *async.Context) (async.Result[struct{}], bool) {
	for {
		switch c.state {
		case chapter7Start:
			// The code before the first wait.
			c.p.println("Program starting")
			c.get = Get(c.server, delayPath(6*c.step, "HelloWorld1"))
			c.state = chapter7Wait1
		case chapter7Wait1:
			resp, ok, err := c.pollGet(cx)
			if !ok || err != nil {
				return async.Result[struct{}]{Err: err}, ok
			}
			// The code between the two waits.
			c.p.println(bodyText(resp))
			c.get = Get(c.server, delayPath(4*c.step, "HelloWorld2"))
			c.state = chapter7Wait2
		case chapter7Wait2:
			resp, ok, err := c.pollGet(cx)
			if !ok || err != nil {
				return async.Result[struct{}]{Err: err}, ok
			}
			// The code after the last wait.
			c.p.println(bodyText(resp))
			c.state = chapter7Resolved
			return async.Result[struct{}]{}, true
		case chapter7Resolved:
			panic("book: chapter 7 coroutine polled after it resolved")
		}
	}
}

// pollGet polls the request of the current wait point. When it is ready it
// is forgotten, and a failure ends the coroutine.
func (c *chapter7Coroutine) pollGet(cx *async.Context) (Response, bool, error) {
	r, ok := c.get.Poll(cx)
	if !ok {
		return Response{}, false, nil
	}
	c.get = nil
	if r.Err != nil {
		c.state = chapter7Resolved
	}
	return r.Value, true, r.Err
}

// Cancel cancels the request being waited for, which closes its socket.
func (c *chapter7Coroutine) Cancel() {
	if c.get != nil {
		c.get.Cancel()
		c.get = nil
	}
	c.state = chapter7Resolved
}

// chapter7Ticker is the other work of the book's main loop: it prints
// "Schedule other tasks" at every tick of iv, for ever. It is a state
// machine too, with one wait point: the tick being waited for.
type chapter7Ticker struct {
	p    *printer
	iv   *timer.Interval
	tick async.Future[time.Time] // nil between two ticks
}

func (t *chapter7Ticker) Poll(cx *async.Context) (struct{}, bool) {
	for {
		if t.tick == nil {
			t.tick = t.iv.Tick()
		}
		if _, ok := t.tick.Poll(cx); !ok {
			return struct{}{}, false
		}
		t.tick = nil
		t.p.println("Schedule other tasks")
	}
}

// Cancel stops the timer of the tick being waited for.
func (t *chapter7Ticker) Cancel() {
	if t.tick != nil {
		t.tick.Cancel()
		t.tick = nil
	}
}

// delayPath is the delayserver path that asks for msg after d, in whole
// milliseconds.
func delayPath(d time.Duration, msg string) string {
	return fmt.Sprintf("/%d/%s", d.Milliseconds(), msg)
}

// bodyText is what the programs print for a response: the body of a 200
// answer, or the status and the body of any other, so that a refusal (a
// delay over the server's cap, say) shows as one.
func bodyText(r Response) string {
	if r.Status == 200 {
		return string(r.Body)
	}
	return fmt.Sprintf("%d %s: %s", r.Status, r.Reason, r.Body)
}
