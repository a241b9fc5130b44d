package timer_test

import (
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

// sleeper is a task that sleeps an hour, like a task of asyncbench's
// timers shape: a sleep and a pointer.
type sleeper struct {
	sleep timer.Timer
	n     *int
}

func (s *sleeper) Poll(cx *async.Context) (struct{}, bool) {
	if _, ok := s.sleep.Poll(cx); !ok {
		return struct{}{}, false
	}
	*s.n++
	return struct{}{}, true
}

func (s *sleeper) Cancel() { s.sleep.Cancel() }

// spawnSleepers is a main future that spawns n sleepers with spawn, lets
// each arm its timer, and is ready; the executor then cancels them.
type spawnSleepers struct {
	n       int
	spawn   func(cx *async.Context, s sleeper)
	spawned bool
	woke    int
}

func (m *spawnSleepers) Poll(cx *async.Context) (struct{}, bool) {
	if !m.spawned {
		m.spawned = true
		for range m.n {
			m.spawn(cx, sleeper{sleep: *timer.Sleep(time.Hour), n: &m.woke})
		}
		async.Yield().Poll(cx) // run the sleepers once: each arms its timer
		return struct{}{}, false
	}
	return struct{}{}, true
}

func (m *spawnSleepers) Cancel() {}

// BenchmarkSpawnSleeping spawns tasks that each sleep, runs each once (it
// arms its timer) and cancels them all at shutdown. B/op is the memory of
// one sleeping task; the asyncbench timers shape holds a million of them.
// Spawn takes the future by pointer, a second allocation; SpawnValue keeps
// it in the task's own.
func BenchmarkSpawnSleeping(b *testing.B) {
	for _, bm := range []struct {
		name  string
		spawn func(cx *async.Context, s sleeper)
	}{
		{"Spawn", func(cx *async.Context, s sleeper) { async.Spawn[struct{}](cx, &s) }},
		{"SpawnValue", func(cx *async.Context, s sleeper) { async.SpawnValue[struct{}](cx, s) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			m := &spawnSleepers{n: b.N, spawn: bm.spawn}
			if _, err := executor.Run[struct{}](m); err != nil {
				b.Fatal(err)
			}
			if m.woke != 0 {
				b.Fatalf("%d sleepers of an hour woke", m.woke)
			}
		})
	}
}
