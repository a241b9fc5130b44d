package executor

import "github.com/asyncgo/async/task"

// maxRing is the most slots the local ring grows to: 4096 pointers, 32 KB.
// More runnable tasks than that wait on the overflow list.
const maxRing = 4096

// ring is the executor's local FIFO of runnable tasks, used only by the
// executor's goroutine: a ring of slots that grows up to maxRing, and past
// it an overflow list linked through the tasks' own next links
// (task.Task.SetNext), as the shared task.Queue is (a task is in one queue
// at a time, so its link is free while it is here). Go's scheduler
// likewise backs its per-P run queue with a linked global queue, and tokio
// its local queue with the inject queue.
//
// The slots serve the common case, up to thousands of runnable tasks (a
// thousand that keep yielding, say), with plain loads and stores. The list
// takes a burst, such as a million tasks spawned from one poll, each queued
// for its first run: it holds them at no cost beyond the tasks themselves,
// where slots would take a pointer per task and leave their smaller copies
// behind as they doubled (12 MB for a million). A link is an atomic store,
// a locked instruction on amd64, which only the burst pays.
type ring struct {
	buf        []*task.Task // len(buf) is a power of two, at most maxRing
	head, size int

	// overHead and overTail are the overflow list, oldest first. Every
	// task on it is newer than every task in buf, so while it is not empty
	// pushes go to it.
	overHead, overTail *task.Task
}

// push adds t at the tail.
func (r *ring) push(t *task.Task) {
	if r.overHead == nil {
		if r.size == len(r.buf) && len(r.buf) < maxRing {
			r.grow()
		}
		if r.size < len(r.buf) {
			r.buf[(r.head+r.size)&(len(r.buf)-1)] = t
			r.size++
			return
		}
	}
	// t's own link may be stale (a task drained from the shared queue
	// brings one): pop knows the tail and never follows its link, and the
	// next push overwrites it.
	if r.overHead == nil {
		r.overHead = t
	} else {
		r.overTail.SetNext(t)
	}
	r.overTail = t
}

// pop removes and returns the oldest task, or nil if the ring is empty.
func (r *ring) pop() *task.Task {
	if r.size > 0 {
		t := r.buf[r.head]
		r.buf[r.head] = nil
		r.head = (r.head + 1) & (len(r.buf) - 1)
		r.size--
		return t
	}
	t := r.overHead
	switch t {
	case nil:
		return nil
	case r.overTail:
		r.overHead, r.overTail = nil, nil
	default:
		r.overHead = t.Next()
	}
	// Clear the link, so that a task kept alive after it leaves (by a
	// JoinHandle, say) does not keep the tasks queued behind it alive.
	t.SetNext(nil)
	return t
}

func (r *ring) grow() {
	n := max(2*len(r.buf), 64)
	buf := make([]*task.Task, n)
	for i := range r.size {
		buf[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
	}
	r.buf, r.head = buf, 0
}
