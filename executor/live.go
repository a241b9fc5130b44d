package executor

import (
	"sync"
	"unsafe"

	"github.com/asyncgo/async/task"
)

// liveShards is how many locks the multi-thread executor's live set is
// split over, so that workers spawning and completing tasks at once seldom
// wait for each other.
const liveShards = 32

// liveSet is the multi-thread executor's live tasks: task.Lists, each
// behind a lock, a task's list chosen by its address (heap objects never
// move in Go), so that Release finds it without a field in the task.
type liveSet struct {
	shards [liveShards]struct {
		mu   sync.Mutex
		list task.List
		_    [40]byte // keep each lock on a cache line of its own
	}
}

func (s *liveSet) shard(t *task.Task) int {
	p := uintptr(unsafe.Pointer(t))
	return int((p >> 7) % liveShards)
}

func (s *liveSet) add(t *task.Task) {
	sh := &s.shards[s.shard(t)]
	sh.mu.Lock()
	sh.list.Add(t)
	sh.mu.Unlock()
}

func (s *liveSet) remove(t *task.Task) {
	sh := &s.shards[s.shard(t)]
	sh.mu.Lock()
	sh.list.Remove(t)
	sh.mu.Unlock()
}

// first returns a live task, or nil if there is none.
func (s *liveSet) first() *task.Task {
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		t := sh.list.First()
		sh.mu.Unlock()
		if t != nil {
			return t
		}
	}
	return nil
}

// len returns the number of live tasks.
func (s *liveSet) len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += sh.list.Len()
		sh.mu.Unlock()
	}
	return n
}
