package executor

import (
	"sync"
	"time"
)

// statsCell is a worker's counters as last published: the worker keeps
// its own in plain fields, which cost nothing to bump, and copies them
// here when it parks and every EventInterval ticks.
type statsCell struct {
	mu sync.Mutex
	s  WorkerMetrics
}

func (w *worker) publish() {
	w.stats.mu.Lock()
	w.stats.s = w.counts
	w.stats.mu.Unlock()
}

// WorkerMetrics is one worker's part of Metrics.
type WorkerMetrics struct {
	Polls    uint64        // tasks polled, LIFO polls included
	LIFOHits uint64        // polls of a task from the LIFO slot: woken by the task before it on this worker
	Steals   uint64        // times the worker took half of another worker's queue
	Spawns   uint64        // tasks spawned by tasks this worker polled
	Parks    uint64        // times the worker slept for lack of work
	Turns    uint64        // times the worker turned the reactor (parked in it, or a look every EventInterval polls)
	Events   uint64        // wakers those turns called: I/O readiness and expired timers
	Busy     time.Duration // time awake: polling, searching, turning without blocking
	Queued   int           // tasks in its local queue now (in Metrics only)
}

// Metrics is a snapshot of what a MultiThread executor did since it was
// made. Workers publish their counters when they park and every
// EventInterval polls, so a busy worker's figures may lag by that much.
type Metrics struct {
	Workers  []WorkerMetrics
	Live     int    // tasks spawned and not yet complete
	Injected uint64 // tasks pushed onto the inject queue: spawned or woken from outside a worker, or spilled
	Inject   int    // tasks in the inject queue now
	Idle     int    // workers parked now
	Blocking int    // blocking pool goroutines alive (async.SpawnBlocking)
	Queued   int    // blocking functions waiting for a pool goroutine
}

// Metrics returns a snapshot of the executor's counters. It is safe from
// any goroutine and cheap enough to call often.
func (ex *MultiThread) Metrics() Metrics {
	m := Metrics{
		Workers:  make([]WorkerMetrics, len(ex.workers)),
		Live:     ex.live.len(),
		Injected: uint64(ex.inject.pushes.Load()),
		Inject:   int(ex.inject.n.Load()),
		Idle:     int(ex.numIdle.Load()),
	}
	m.Blocking, m.Queued = ex.pool.stats()
	for i, w := range ex.workers {
		w.stats.mu.Lock()
		s := w.stats.s
		w.stats.mu.Unlock()
		s.Queued = w.local.len()
		m.Workers[i] = s
	}
	return m
}
