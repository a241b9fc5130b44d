package task

// List is the set of an executor's live tasks, an intrusive doubly
// linked list through the tasks themselves, so that shutdown can cancel
// tasks that wait on nothing the executor can see. It is not safe for
// concurrent use: a current-thread executor keeps one on its goroutine, a
// multi-thread one guards its lists with locks.
type List struct {
	head *Task
	n    int
}

// Add inserts t.
func (l *List) Add(t *Task) {
	t.prevLive = nil
	t.nextLive = l.head
	if l.head != nil {
		l.head.prevLive = t
	}
	l.head = t
	l.n++
}

// Remove deletes t, which must be in the list.
func (l *List) Remove(t *Task) {
	if t.prevLive != nil {
		t.prevLive.nextLive = t.nextLive
	} else {
		l.head = t.nextLive
	}
	if t.nextLive != nil {
		t.nextLive.prevLive = t.prevLive
	}
	t.prevLive, t.nextLive = nil, nil
	l.n--
}

// Len returns the number of live tasks.
func (l *List) Len() int { return l.n }

// First returns a task of the list, or nil if it is empty.
func (l *List) First() *Task { return l.head }
