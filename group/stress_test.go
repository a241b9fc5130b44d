package group

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
)

// The stress tests run on the multi-thread executor, where tasks finish
// on several workers at once and wakes come from any of them.
var multi = executor.WithWorkers(rttest.Workers)

// shortTask yields a few times and is ready with its id. Its Cancel is
// counted, so a test can tell an aborted task from one that finished.
type shortTask struct {
	id        int
	yields    int
	polls     int
	cancelled bool // the task's own until it finishes; read after Next reports it
}

func (f *shortTask) Poll(cx *async.Context) (int, bool) {
	if f.polls++; f.polls <= f.yields {
		cx.Waker().Wake()
		return 0, false
	}
	return f.id, true
}

func (f *shortTask) Cancel() { f.cancelled = true }

// spawner is a task of the set that spawns more tasks into it.
type spawner struct {
	s     *Set[int]
	tasks []*shortTask
}

func (f *spawner) Poll(cx *async.Context) (int, bool) {
	for i, ft := range f.tasks {
		f.s.Spawn(cx, ft)
		if i%64 == 63 {
			// Give way now and then, so that tasks finish while others
			// are being spawned.
			f.tasks = f.tasks[i+1:]
			cx.Waker().Wake()
			return 0, false
		}
	}
	return -1, true
}

func (f *spawner) Cancel() {}

const (
	stressTasks    = 2000
	stressSpawners = 4
)

func newShortTasks(n int) []*shortTask {
	ts := make([]*shortTask, n)
	for i := range ts {
		ts[i] = &shortTask{id: i, yields: rand.IntN(4)}
	}
	return ts
}

// Thousands of short tasks, spawned by several tasks of the set on both
// workers, finish while the owner collects them: Next reports every one
// exactly once, and the set ends empty.
func TestStressSetNextEveryTask(t *testing.T) {
	var s Set[int]
	tasks := newShortTasks(stressTasks)
	seen := make([]int, stressTasks)
	spawners := 0
	_, err := executor.Run(async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
		if s.Len() == 0 && spawners == 0 {
			per := stressTasks / stressSpawners
			for i := range stressSpawners {
				s.Spawn(cx, &spawner{s: &s, tasks: tasks[i*per : (i+1)*per]})
			}
		}
		for {
			r, ok := s.Next().Poll(cx)
			switch {
			case !ok:
				return struct{}{}, false
			case errors.Is(r.Err, ErrEmpty):
				return struct{}{}, true
			case r.Err != nil:
				t.Errorf("Next: %v", r.Err)
			case r.Value == -1:
				spawners++
			default:
				seen[r.Value]++
			}
		}
	}), multi)
	if err != nil {
		t.Fatal(err)
	}
	if spawners != stressSpawners {
		t.Errorf("%d spawners reported; want %d", spawners, stressSpawners)
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("task %d reported %d times; want once", i, n)
		}
	}
	checkIdle(t, &s.c)
}

// AbortAll races with tasks finishing on the other worker: each task is
// reported once, with its value if it finished (its future never
// cancelled) or ErrAborted (its future cancelled).
func TestStressSetAbortAllRace(t *testing.T) {
	var s Set[int]
	tasks := newShortTasks(stressTasks / 2)
	aborted, finished := 0, 0
	_, err := executor.Run(async.Go(func(co *async.Co) struct{} {
		for _, ft := range tasks {
			s.Spawn(co.Context(), ft)
		}
		h := async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
			for range rand.IntN(8) {
				async.Await(co, async.Yield())
			}
			s.AbortAll()
			return struct{}{}
		}))
		for {
			r := async.Await(co, s.Next())
			switch {
			case errors.Is(r.Err, ErrEmpty):
				async.Await(co, h)
				return struct{}{}
			case errors.Is(r.Err, async.ErrAborted):
				aborted++
			case r.Err != nil:
				t.Errorf("Next: %v", r.Err)
			default:
				finished++
				if tasks[r.Value].cancelled {
					t.Errorf("task %d finished with its value but its future was cancelled", r.Value)
				}
			}
		}
	}), multi)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := 0
	for _, ft := range tasks {
		if ft.cancelled {
			cancelled++
		}
	}
	if aborted+finished != len(tasks) || cancelled != aborted {
		t.Errorf("%d aborted, %d finished, %d futures cancelled, of %d tasks", aborted, finished, cancelled, len(tasks))
	}
	checkIdle(t, &s.c)
}

// Plain goroutines spawn into a set on a running multi-thread executor,
// and a goroutine reaps it with NextBlocking.
func TestStressSetSpawnOnNextBlocking(t *testing.T) {
	ex := rttest.Executors[1].New(t)
	stop := testfut.New[struct{}]()
	ran := make(chan error)
	go func() {
		_, err := executor.BlockOn(ex, async.Future[struct{}](stop))
		ran <- err
	}()
	var s Set[int]
	const goroutines, per = 4, 250
	tasks := newShortTasks(goroutines * per)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for _, ft := range tasks[g*per : (g+1)*per] {
				s.SpawnOn(ex, ft)
			}
		})
	}
	seen := make([]int, len(tasks))
	for got := 0; got < len(tasks); {
		v, err := s.NextBlocking()
		switch {
		case errors.Is(err, ErrEmpty):
			// The goroutines have not spawned the next task yet.
			runtime.Gosched()
		case err != nil:
			t.Fatalf("NextBlocking: %v", err)
		default:
			seen[v]++
			got++
		}
	}
	wg.Wait()
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("task %d reported %d times; want once", i, n)
		}
	}
	stop.Complete(struct{}{})
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	checkIdle(t, &s.c)
}

// stuckTask never finishes by itself: it yields forever, or waits for a
// wake that never comes. Only a cancellation ends it.
type stuckTask struct {
	spin    bool
	cancels *atomic.Int64
}

func (f *stuckTask) Poll(cx *async.Context) (error, bool) {
	if f.spin {
		cx.Waker().Wake()
	}
	return nil, false
}

func (f *stuckTask) Cancel() { f.cancels.Add(1) }

// An error at a random index, among tasks spawned by several tasks and
// plain goroutines, aborts every other task: Wait reports that error, and
// every stuck task's future was cancelled exactly once.
func TestStressGroupErrorAtRandomIndex(t *testing.T) {
	const n = 1000
	var g Group
	var cancels atomic.Int64
	fail := rand.IntN(n)
	failErr := errors.New("the one that fails")
	stuck := 0
	futs := make([]async.Future[error], n)
	for i := range futs {
		switch {
		case i == fail:
			futs[i] = async.Go(func(co *async.Co) error {
				for range rand.IntN(16) {
					async.Await(co, async.Yield())
				}
				return failErr
			})
		case i%3 == 0:
			futs[i] = &readyFuture[error]{} // succeeds at once
		default:
			futs[i] = &stuckTask{spin: i%2 == 0, cancels: &cancels}
			stuck++
		}
	}
	ex := rttest.Executors[1].New(t)
	var wg sync.WaitGroup
	wg.Go(func() { // a plain goroutine spawns a quarter of them
		for _, f := range futs[:n/4] {
			g.SpawnOn(ex, f)
		}
	})
	err, runErr := executor.BlockOn(ex, async.Go(func(co *async.Co) error {
		for _, f := range futs[n/4:] {
			g.Spawn(co.Context(), f)
		}
		wg.Wait() // the spawning goroutine never waits for us
		return async.Await(co, g.Wait())
	}))
	if runErr != nil {
		t.Fatal(runErr)
	}
	if !errors.Is(err, failErr) {
		t.Errorf("Wait = %v; want the error of task %d", err, fail)
	}
	if got := cancels.Load(); got != int64(stuck) {
		t.Errorf("%d stuck tasks cancelled; want %d", got, stuck)
	}
	checkIdle(t, &g.c)
}

// The executor shuts down while a set's tasks are running on both workers:
// every task is reported once, finished or ErrShutdown, and each future
// that did not finish was cancelled.
func TestStressSetExecutorShutdown(t *testing.T) {
	var s Set[int]
	tasks := newShortTasks(stressTasks / 2)
	for _, ft := range tasks {
		ft.yields = rand.IntN(64)
	}
	_, err := executor.Run(async.Go(func(co *async.Co) struct{} {
		for _, ft := range tasks {
			s.Spawn(co.Context(), ft)
		}
		for range rand.IntN(32) {
			async.Await(co, async.Yield())
		}
		return struct{}{} // the executor cancels what is left
	}), multi)
	if err != nil {
		t.Fatal(err)
	}
	shut := 0
	for range tasks {
		v, err := s.NextBlocking()
		switch {
		case errors.Is(err, async.ErrShutdown):
			shut++
		case err != nil:
			t.Fatalf("NextBlocking: %v", err)
		case tasks[v].cancelled:
			t.Errorf("task %d finished but was cancelled", v)
		}
	}
	cancelled := 0
	for _, ft := range tasks {
		if ft.cancelled {
			cancelled++
		}
	}
	if cancelled != shut {
		t.Errorf("%d futures cancelled, %d tasks reported ErrShutdown", cancelled, shut)
	}
	checkIdle(t, &s.c)
}
