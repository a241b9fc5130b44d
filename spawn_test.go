package async_test

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

// pollCounter is a future with pointer methods and state: pending left times
// (waking itself), then ready with the number of polls. SpawnValue keeps
// it in the task, so the state it keeps across polls lives there.
type pollCounter struct {
	left, polls int
	cancels     *int
	panics      bool
}

func (c *pollCounter) Poll(cx *async.Context) (int, bool) {
	c.polls++
	if c.panics {
		panic("counter: boom")
	}
	if c.left > 0 {
		c.left--
		cx.Waker().Wake()
		return 0, false
	}
	return c.polls, true
}

func (c *pollCounter) Cancel() { *c.cancels++ }

// spawnThen is a main future that spawns with spawn on its first poll and
// is then the handle's result.
type spawnThen[T any] struct {
	spawn func(cx *async.Context) async.JoinHandle[T]
	h     *async.JoinHandle[T]
}

func (m *spawnThen[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	if m.h == nil {
		h := m.spawn(cx)
		m.h = &h
	}
	return m.h.Poll(cx)
}

func (m *spawnThen[T]) Cancel() {
	if m.h != nil {
		m.h.Cancel()
	}
}

func TestSpawnValueOutput(t *testing.T) {
	noLeaks(t)
	cancels := 0
	f := pollCounter{left: 3, cancels: &cancels}
	r, err := executor.Run[async.Result[int]](&spawnThen[int]{spawn: func(cx *async.Context) async.JoinHandle[int] {
		return async.SpawnValue[int](cx, f)
	}})
	if err != nil || r.Err != nil || r.Value != 4 {
		t.Fatalf("SpawnValue of a future ready at its 4th poll: %+v, %v; want 4", r, err)
	}
	if f.polls != 0 || cancels != 0 {
		t.Errorf("the task polled the caller's copy (%d polls) or cancelled (%d)", f.polls, cancels)
	}
}

func TestSpawnValuePanic(t *testing.T) {
	noLeaks(t)
	cancels := 0
	r, err := executor.Run[async.Result[int]](&spawnThen[int]{spawn: func(cx *async.Context) async.JoinHandle[int] {
		return async.SpawnValue[int](cx, pollCounter{panics: true, cancels: &cancels})
	}})
	var pe *async.PanicError
	if err != nil || !errors.As(r.Err, &pe) || pe.Value != "counter: boom" {
		t.Fatalf("SpawnValue of a future that panics: %+v, %v; want a *PanicError", r, err)
	}
	if cancels != 1 {
		t.Errorf("the future that panicked was cancelled %d times, want 1", cancels)
	}
}

func TestSpawnValueAbort(t *testing.T) {
	noLeaks(t)
	cancels := 0
	r, err := executor.Run[async.Result[int]](&spawnThen[int]{spawn: func(cx *async.Context) async.JoinHandle[int] {
		h := async.SpawnValue[int](cx, pollCounter{left: 1000, cancels: &cancels})
		h.Abort()
		return h
	}})
	if err != nil || !errors.Is(r.Err, async.ErrAborted) {
		t.Fatalf("aborted SpawnValue task: %+v, %v; want ErrAborted", r, err)
	}
	if cancels != 1 {
		t.Errorf("the aborted future was cancelled %d times, want 1", cancels)
	}
}

// sleepy is a future by value that embeds a sleep, as asyncbench's
// sleepers do: the timer it arms lives in the task.
type sleepy struct{ sleep timer.Timer }

func (s *sleepy) Poll(cx *async.Context) (struct{}, bool) { return s.sleep.Poll(cx) }
func (s *sleepy) Cancel()                                 { s.sleep.Cancel() }

// TestSpawnValueShutdown: tasks still asleep when the main future is ready
// are cancelled, which takes their timers, held in the tasks, off the wheel.
func TestSpawnValueShutdown(t *testing.T) {
	noLeaks(t)
	ex, err := executor.NewCurrentThread()
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	r, err := executor.BlockOn[async.Result[struct{}]](ex, &spawnThen[struct{}]{spawn: func(cx *async.Context) async.JoinHandle[struct{}] {
		for range 100 {
			async.SpawnValue[struct{}](cx, sleepy{*timer.Sleep(time.Hour)})
		}
		return async.SpawnValue[struct{}](cx, sleepy{*timer.Sleep(time.Millisecond)})
	}})
	if err != nil || r.Err != nil {
		t.Fatalf("the short sleep: %+v, %v", r, err)
	}
	if n := ex.Reactor().Timers(); n != 0 {
		t.Errorf("%d timers armed after shutdown, want 0", n)
	}
}
