package main

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/timer"
)

// The scheduler shapes on the async runtime's executors,
// written as hand-made state-machine futures that allocate nothing per poll,
// as a user after speed would write them. Each mirrors the goroutine version
// in sched_goroutines.go; see doc.go for the shapes.

// runAsync runs main on a new executor made with opts: the current-thread
// one, or the multi-thread one given executor.WithWorkers. Creating the
// executor (an epoll instance and an eventfd) is not timed separately: it
// costs microseconds against the runs' tenths of a second.
func runAsync(opts []executor.Option, main async.Future[struct{}]) error {
	if _, err := executor.Run(main, opts...); err != nil {
		return fmt.Errorf("executor: %w", err)
	}
	return nil
}

// countdown is how the main future learns that n tasks are done: each task
// calls done once, and the last wakes the main future. The counter is
// atomic, as the goroutine versions' is, although the current-thread
// executor runs every task on one goroutine.
type countdown struct {
	left atomic.Int64
	// waker is the main future's; it sets it before spawning the tasks it
	// counts, and all run on the executor's goroutine, so it needs no lock.
	waker async.Waker
}

// done counts one task as finished.
func (c *countdown) done() {
	if c.left.Add(-1) == 0 {
		c.waker.Wake()
	}
}

// spawnThenWait is the main future of the shapes whose tasks are spawned
// all at once: its first poll spawns n tasks, and it is ready when all have
// counted themselves done on its countdown. It awaits the countdown rather
// than the JoinHandles, as the goroutine versions wait on one channel or
// WaitGroup rather than on each goroutine.
type spawnThenWait struct {
	n       int
	spawn   func(cx *async.Context, i int, c *countdown) // spawns the i-th task
	c       countdown
	spawned bool
}

func (m *spawnThenWait) Poll(cx *async.Context) (struct{}, bool) {
	if !m.spawned {
		m.spawned = true
		m.c.left.Store(int64(m.n))
		m.c.waker = cx.Waker()
		for i := range m.n {
			m.spawn(cx, i, &m.c)
		}
	}
	return struct{}{}, m.c.left.Load() == 0
}

// Cancel does nothing: the executor cancels the tasks when it shuts down.
func (m *spawnThenWait) Cancel() {}

// spawnManyAsync spawns n tasks from one; each decrements the countdown.
// The JoinHandles are dropped: the task outlives its handle, and its
// (empty) output goes with it.
func spawnManyAsync(n int, opts []executor.Option) error {
	return runAsync(opts, &spawnThenWait{n: n, spawn: func(cx *async.Context, _ int, c *countdown) {
		async.Spawn[struct{}](cx, decrement{c})
	}})
}

// decrement is the task of spawn_many: it counts itself done and is ready.
// It is one pointer, so it lives inside its task's interface value and
// spawning it allocates only the task.
type decrement struct{ c *countdown }

func (d decrement) Poll(*async.Context) (struct{}, bool) {
	d.c.done()
	return struct{}{}, true
}

func (d decrement) Cancel() {}

// yieldManyAsync spawns tasks that each yield repeatedly: n yields in all
// (see yieldSplit).
func yieldManyAsync(n int, opts []executor.Option) error {
	tasks, yields := yieldSplit(n)
	return runAsync(opts, &spawnThenWait{n: tasks, spawn: func(cx *async.Context, _ int, c *countdown) {
		async.Spawn[struct{}](cx, &yielder{left: yields, c: c})
	}})
}

// yielder is the task of yield_many: it yields left times, then counts
// itself done. It yields inline, as async.Yield does (wake itself, return
// pending), so a yield allocates nothing.
type yielder struct {
	left int
	c    *countdown
}

func (y *yielder) Poll(cx *async.Context) (struct{}, bool) {
	if y.left == 0 {
		y.c.done()
		return struct{}{}, true
	}
	y.left--
	cx.Waker().Wake()
	return struct{}{}, false
}

func (y *yielder) Cancel() {}

// chainedSpawnAsync runs a chain of n tasks, each spawned by the one before;
// the last wakes the main future.
func chainedSpawnAsync(n int, opts []executor.Option) error {
	if n == 0 {
		return nil
	}
	return runAsync(opts, &spawnThenWait{n: 1, spawn: func(cx *async.Context, _ int, c *countdown) {
		async.Spawn[struct{}](cx, chainLink{&chain{left: n - 1, c: c}})
	}})
}

// chain is the state the links of chained_spawn share: how many links are
// still to come. The links run one after another on the executor's
// goroutine, so left needs no lock.
type chain struct {
	left int
	c    *countdown
}

// chainLink is a task of chained_spawn: it spawns the next link, or, if it
// is the last, counts the chain done. Like decrement it is one pointer, so
// spawning it allocates only the task (as a Rust closure lives inside its
// task).
type chainLink struct{ ch *chain }

func (l chainLink) Poll(cx *async.Context) (struct{}, bool) {
	if l.ch.left == 0 {
		l.ch.c.done()
		return struct{}{}, true
	}
	l.ch.left--
	async.Spawn[struct{}](cx, l)
	return struct{}{}, true
}

func (l chainLink) Cancel() {}

// timersAsync spawns n tasks that each sleep timerDelay(i); the main future
// awaits the countdown they decrement when they wake, not their JoinHandles.
func timersAsync(n int, opts []executor.Option) error {
	return runAsync(opts, &spawnThenWait{n: n, spawn: func(cx *async.Context, i int, c *countdown) {
		// The sleeper goes into the task by value: one allocation per
		// task, not two. A Timer that was never polled holds no
		// timer yet, so it may be copied.
		async.SpawnValue[struct{}](cx, sleeper{sleep: *timer.Sleep(timerDelay(i)), c: c})
	}})
}

// sleeper is a task of timers: it sleeps, then counts itself done.
type sleeper struct {
	sleep timer.Timer
	c     *countdown
}

func (s *sleeper) Poll(cx *async.Context) (struct{}, bool) {
	if _, ok := s.sleep.Poll(cx); !ok {
		return struct{}{}, false
	}
	s.c.done()
	return struct{}{}, true
}

// Cancel disarms the timer of a sleeper cancelled at shutdown.
func (s *sleeper) Cancel() { s.sleep.Cancel() }

// pingPongAsync makes n round trips between two tasks: the pinger sends on
// one channel, the ponger receives and answers on the other. Both channels
// hold one value, like the goroutine version's. The main future awaits a
// countdown of the two tasks.
func pingPongAsync(n int, opts []executor.Option) error {
	pingTx, pingRx := mpsc.New[int](1)
	pongTx, pongRx := mpsc.New[int](1)
	var errs [2]error
	err := runAsync(opts, &spawnThenWait{n: 2, spawn: func(cx *async.Context, i int, c *countdown) {
		if i == 0 {
			async.Spawn[struct{}](cx, &pinger{out: pingTx, in: pongRx, left: n, c: c, err: &errs[0]})
		} else {
			async.Spawn[struct{}](cx, &ponger{out: pongTx, in: pingRx, c: c, err: &errs[1]})
		}
	}})
	return errors.Join(err, errs[0], errs[1])
}

// The steps of a pinger or ponger: where its next poll resumes.
const (
	stepStart     = iota // start the next send (pinger) or receive (ponger)
	stepSending          // await the send
	stepReceiving        // await the receive
)

// pinger sends left, left-1, ..., 1 and awaits each back; then it closes
// its sender, which ends the ponger, and counts itself done. A failure is
// stored in *err.
type pinger struct {
	out  *mpsc.Sender[int]
	in   *mpsc.Receiver[int]
	send *mpsc.SendFuture[int] // lives in out; reused by every send
	left int
	step int
	c    *countdown
	err  *error
}

func (p *pinger) Poll(cx *async.Context) (struct{}, bool) {
	for {
		switch p.step {
		case stepStart:
			if p.left == 0 {
				p.out.Close()
				p.c.done()
				return struct{}{}, true
			}
			p.send, p.step = p.out.Send(p.left), stepSending
		case stepSending:
			err, ok := p.send.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			if err != nil {
				return p.fail(fmt.Errorf("ping %d: %w", p.left, err))
			}
			p.step = stepReceiving
		case stepReceiving:
			r, ok := p.in.Recv().Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			if r.Err != nil || r.Value != p.left {
				return p.fail(fmt.Errorf("pong for ping %d: got %d, %v", p.left, r.Value, r.Err))
			}
			p.left--
			p.step = stepStart
		}
	}
}

// fail records err, closes the sender so the ponger ends too, and
// completes the task.
func (p *pinger) fail(err error) (struct{}, bool) {
	*p.err = err
	p.out.Close()
	p.c.done()
	return struct{}{}, true
}

func (p *pinger) Cancel() { cancelStep(p.step, p.send, p.in) }

// ponger receives values and sends each back, until the pinger's sender
// is closed; then it closes its own and counts itself done. A failure is stored in *err.
type ponger struct {
	out  *mpsc.Sender[int]
	in   *mpsc.Receiver[int]
	send *mpsc.SendFuture[int]
	step int
	c    *countdown
	err  *error
}

func (p *ponger) Poll(cx *async.Context) (struct{}, bool) {
	for {
		switch p.step {
		case stepStart, stepReceiving:
			r, ok := p.in.Recv().Poll(cx)
			if !ok {
				p.step = stepReceiving
				return struct{}{}, false
			}
			if r.Err != nil { // mpsc.ErrClosed: the pinger is done
				return p.finish(nil)
			}
			p.send, p.step = p.out.Send(r.Value), stepSending
		case stepSending:
			err, ok := p.send.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			if err != nil {
				return p.finish(fmt.Errorf("pong: %w", err))
			}
			p.step = stepStart
		}
	}
}

// finish records err, if any, closes the sender so that a pinger still
// waiting for a pong ends too, and completes the task.
func (p *ponger) finish(err error) (struct{}, bool) {
	*p.err = err
	p.out.Close()
	p.c.done()
	return struct{}{}, true
}

func (p *ponger) Cancel() { cancelStep(p.step, p.send, p.in) }

// cancelStep cancels the channel operation a pinger or ponger awaits.
func cancelStep(step int, send *mpsc.SendFuture[int], in *mpsc.Receiver[int]) {
	switch step {
	case stepSending:
		send.Cancel()
	case stepReceiving:
		in.Recv().Cancel()
	}
}
