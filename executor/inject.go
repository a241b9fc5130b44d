package executor

import (
	"sync"
	"sync/atomic"

	"github.com/asyncgo/async/task"
)

// injectQueue is the multi-thread executor's shared run queue: tasks woken
// or spawned from outside any worker, and the overflow of full local
// queues. Any goroutine pushes, any worker pops. A lock guards an
// intrusive list through the tasks' links; the length is kept apart so
// that a worker can see the queue is empty without taking the lock.
type injectQueue struct {
	n          atomic.Int64
	pushes     atomic.Int64 // ever, for Metrics
	mu         sync.Mutex
	head, tail *task.Task
}

// push adds t at the tail.
func (q *injectQueue) push(t *task.Task) {
	t.SetNext(nil)
	q.mu.Lock()
	q.link(t)
	q.n.Add(1)
	q.mu.Unlock()
	q.pushes.Add(1)
}

// pushBatch adds the tasks of batch, then t, under one lock.
func (q *injectQueue) pushBatch(batch []*task.Task, t *task.Task) {
	q.mu.Lock()
	for _, b := range batch {
		b.SetNext(nil)
		q.link(b)
	}
	t.SetNext(nil)
	q.link(t)
	q.n.Add(int64(len(batch) + 1))
	q.mu.Unlock()
	q.pushes.Add(int64(len(batch) + 1))
}

func (q *injectQueue) link(t *task.Task) {
	if q.tail == nil {
		q.head = t
	} else {
		q.tail.SetNext(t)
	}
	q.tail = t
}

// empty reports whether the queue looked empty just now, without the lock.
func (q *injectQueue) empty() bool { return q.n.Load() == 0 }

// pop takes the oldest task, or nil.
func (q *injectQueue) pop() *task.Task {
	if q.empty() {
		return nil
	}
	q.mu.Lock()
	t := q.head
	if t != nil {
		q.head = t.Next()
		if q.head == nil {
			q.tail = nil
		}
		t.SetNext(nil)
		q.n.Add(-1)
	}
	q.mu.Unlock()
	return t
}
