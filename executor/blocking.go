package executor

import (
	"context"
	"sync"
	"time"
)

// The blocking pool's defaults, tokio's: up to 512 goroutines, each
// retiring after 10 seconds without work.
const (
	DefaultBlockingGoroutines = 512
	DefaultBlockingKeepAlive  = 10 * time.Second
)

// WithBlockingPool bounds the executor's blocking pool (async.SpawnBlocking)
// to max goroutines, which retire after keepAlive without work. Zero or
// less keeps the default.
func WithBlockingPool(max int, keepAlive time.Duration) Option {
	return func(c *config) {
		c.blockingMax, c.blockingKeepAlive = max, keepAlive
	}
}

// blockingPool runs the functions of async.SpawnBlocking on goroutines of
// its own: it starts one per function until it has max, then queues them;
// a goroutine that finishes takes the next queued function, or waits for
// one for keepAlive and then retires. It implements task.Pool.
type blockingPool struct {
	max       int
	keepAlive time.Duration

	mu      sync.Mutex
	queue   []func()      // waiting for a goroutine
	idle    []chan func() // goroutines waiting for a function, newest last
	running int           // goroutines alive
	closed  bool
	wg      sync.WaitGroup
}

func newBlockingPool(c config) *blockingPool {
	p := &blockingPool{max: c.blockingMax, keepAlive: c.blockingKeepAlive}
	if p.max <= 0 {
		p.max = DefaultBlockingGoroutines
	}
	if p.keepAlive <= 0 {
		p.keepAlive = DefaultBlockingKeepAlive
	}
	return p
}

// Go runs fn on a pool goroutine: an idle one, a new one, or the first to
// come free. After close, fn runs on a goroutine of its own, so that a
// task's blocking call never waits forever.
func (p *blockingPool) Go(fn func()) {
	p.mu.Lock()
	switch {
	case p.closed:
		p.mu.Unlock()
		go fn()
	case len(p.idle) > 0:
		// The newest idle goroutine: the oldest are the ones to retire.
		ch := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		p.mu.Unlock()
		ch <- fn
	case p.running < p.max:
		p.running++
		p.wg.Add(1)
		p.mu.Unlock()
		go p.run(fn)
	default:
		p.queue = append(p.queue, fn)
		p.mu.Unlock()
	}
}

// run is a pool goroutine: it runs fn, then queued functions, then waits
// for more until keepAlive passes or the pool closes.
func (p *blockingPool) run(fn func()) {
	defer p.wg.Done()
	ch := make(chan func(), 1)
	timer := time.NewTimer(p.keepAlive)
	defer timer.Stop()
	for fn != nil {
		fn()
		fn = p.next(ch, timer)
	}
}

// next returns the next function for the goroutine whose channel is ch,
// or nil when it must retire.
func (p *blockingPool) next(ch chan func(), timer *time.Timer) func() {
	p.mu.Lock()
	if len(p.queue) > 0 {
		fn := p.queue[0]
		p.queue[0] = nil
		p.queue = p.queue[1:]
		p.mu.Unlock()
		return fn
	}
	if p.closed {
		p.running--
		p.mu.Unlock()
		return nil
	}
	p.idle = append(p.idle, ch)
	p.mu.Unlock()
	timer.Reset(p.keepAlive)
	select {
	case fn := <-ch:
		if fn == nil { // the pool closed
			p.mu.Lock()
			p.running--
			p.mu.Unlock()
		}
		return fn
	case <-timer.C:
	}
	p.mu.Lock()
	for i, c := range p.idle {
		if c == ch {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			p.running--
			p.mu.Unlock()
			return nil
		}
	}
	p.mu.Unlock()
	// Go or close took us off the list as the timer fired: a function, or
	// nil, is coming.
	if fn := <-ch; fn != nil {
		return fn
	}
	p.mu.Lock()
	p.running--
	p.mu.Unlock()
	return nil
}

// close retires the idle goroutines and waits for the busy ones to finish
// their functions; functions still queued run first. A blocking function
// that never returns makes close wait forever: the executor's Shutdown
// bounds that wait.
func (p *blockingPool) close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, ch := range idle {
		ch <- nil
	}
	p.wg.Wait()
}

// closePool closes p, waiting for its running calls until ctx is done.
func closePool(ctx context.Context, p *blockingPool) error {
	closed := make(chan struct{})
	go func() {
		p.close()
		close(closed)
	}()
	select {
	case <-closed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stats returns the goroutines alive and the functions waiting for one.
func (p *blockingPool) stats() (running, queued int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.running, len(p.queue)
}
