package group

import (
	"errors"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
)

const benchTasks = 1000

// BenchmarkSpawnNext1000 spawns 1000 tasks into a set and collects them
// with Next, per op, on each executor. The allocations are the tasks'
// (one each, as async.Spawn's); the set adds none once warm.
func BenchmarkSpawnNext1000(b *testing.B) {
	for _, x := range rttest.Executors {
		b.Run(x.Name, func(b *testing.B) {
			b.ReportAllocs()
			f := &spawnNext{fs: make([]readyFuture[int], benchTasks), rounds: b.N}
			b.ResetTimer()
			if _, err := executor.Run(async.Future[struct{}](f), x.Options...); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkSpawnJoin1000 is the same work without a set, for comparison:
// 1000 tasks spawned with async.Spawn and their JoinHandles awaited in
// spawn order.
func BenchmarkSpawnJoin1000(b *testing.B) {
	for _, x := range rttest.Executors {
		b.Run(x.Name, func(b *testing.B) {
			b.ReportAllocs()
			f := &spawnJoin{fs: make([]readyFuture[int], benchTasks), rounds: b.N}
			b.ResetTimer()
			if _, err := executor.Run(async.Future[struct{}](f), x.Options...); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// spawnNext spawns every future of fs into a set and takes every result,
// rounds times.
type spawnNext struct {
	s       Set[int]
	fs      []readyFuture[int]
	rounds  int
	spawned bool
}

func (f *spawnNext) Poll(cx *async.Context) (struct{}, bool) {
	for f.rounds > 0 {
		if !f.spawned {
			f.spawned = true
			for i := range f.fs {
				f.s.Spawn(cx, &f.fs[i])
			}
		}
		for {
			r, ok := f.s.Next().Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			if errors.Is(r.Err, ErrEmpty) {
				break
			}
		}
		f.spawned = false
		f.rounds--
	}
	return struct{}{}, true
}

func (f *spawnNext) Cancel() { f.s.Next().Cancel() }

// spawnJoin spawns every future of fs and awaits the handles in order,
// rounds times.
type spawnJoin struct {
	fs     []readyFuture[int]
	hs     []async.JoinHandle[int]
	next   int // the handle awaited now
	rounds int
}

func (f *spawnJoin) Poll(cx *async.Context) (struct{}, bool) {
	for f.rounds > 0 {
		if len(f.hs) == 0 {
			for i := range f.fs {
				f.hs = append(f.hs, async.Spawn[int](cx, &f.fs[i]))
			}
		}
		for ; f.next < len(f.hs); f.next++ {
			if _, ok := f.hs[f.next].Poll(cx); !ok {
				return struct{}{}, false
			}
		}
		f.hs, f.next = f.hs[:0], 0
		f.rounds--
	}
	return struct{}{}, true
}

func (f *spawnJoin) Cancel() {
	if f.next < len(f.hs) {
		f.hs[f.next].Cancel()
	}
}
