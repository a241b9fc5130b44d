package executor

import "github.com/asyncgo/async/task"

// ring is a growable FIFO of tasks, used only by the executor's goroutine.
type ring struct {
	buf        []*task.Task // len(buf) is a power of two
	head, size int
}

func (r *ring) push(t *task.Task) {
	if r.size == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.size)&(len(r.buf)-1)] = t
	r.size++
}

func (r *ring) pop() *task.Task {
	if r.size == 0 {
		return nil
	}
	t := r.buf[r.head]
	r.buf[r.head] = nil
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.size--
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
