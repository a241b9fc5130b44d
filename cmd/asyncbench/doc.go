// Asyncbench measures the async runtime against plain goroutines.
//
// Usage:
//
//	asyncbench <subcommand> [flags]
//
// Each subcommand is one family of benchmarks:
//
//	asyncbench sched [-only SHAPE] [-impl async|async-mt|goroutines] [-procs N]
//	                 [-workers N] [-runs N] [-n N] [-cpuprofile FILE] [-memprofile FILE]
//	asyncbench sync  [-only SHAPE] [-impl async|async-mt|goroutines] [-workers N]
//	                 [-runs N] [-n N]
//
// # sched
//
// Sched runs five shapes of scheduler work three ways: on the runtime's
// current-thread executor (-impl async) and on its multi-thread executor
// (-impl async-mt, with -workers workers), as hand-written state-machine
// futures that allocate nothing per poll, and with plain goroutines and
// channels. The shapes, at full size:
//
//   - spawn_many: one task spawns 1,000,000 tasks; each decrements a shared
//     counter and the last wakes the spawner. Goroutines: one goroutine
//     starts 1,000,000, the last closes a channel. ns/op is per task.
//   - yield_many: 1,000 tasks each yield 1,000 times (inline, as async.Yield
//     does: wake itself, return pending). Goroutines: 1,000 goroutines each
//     call runtime.Gosched 1,000 times. ns/op is per yield.
//   - ping_pong: 1,000,000 round trips between two tasks over two mpsc
//     channels of capacity 1. Goroutines: two goroutines over two chan int
//     of capacity 1. ns/op is per round trip.
//   - chained_spawn: each task spawns the next, 1,000,000 deep; the last
//     wakes the main future. Goroutines: each goroutine starts the next.
//     ns/op is per task.
//   - timers: 1,000,000 tasks each sleep (i*7919 mod 100,000) µs with
//     timer.Sleep, and count down a shared counter the main future awaits.
//     Each is spawned by value (async.SpawnValue), one allocation.
//     Goroutines: 1,000,000 goroutines each time.Sleep as long, and a
//     sync.WaitGroup. ns/op is per sleeper; the figure that matters is the
//     peak RSS.
//
// Standard output gets exactly one line per shape and implementation, the
// median of the runs:
//
//	spawn_many async 123 ns/op
//
// Standard error gets the rest: for each run its peak RSS (VmHWM from
// /proc/self/status, in MB of 10⁶ bytes), heap allocations per operation
// and the number of garbage collections during the run (runtime.MemStats
// before and after), and, after each async result, the target it is held to.
//
// Without -only and -impl, sched runs each shape and implementation in a
// process of its own (it re-executes itself), so that each peak RSS belongs
// to that run alone; given both, it runs in-process, and the peak RSS of a
// later run includes the earlier ones'. Runs start from a collected heap.
//
// GOMAXPROCS is 1 unless -procs says otherwise, for every implementation,
// because the reference numbers below were measured with tokio's
// current_thread runtime and with goroutines at GOMAXPROCS=1. The
// current-thread executor runs every task on one goroutine whatever
// GOMAXPROCS is; goroutines spread over the Ps. -workers N sets the
// multi-thread executor's workers (default: -procs) and raises GOMAXPROCS
// to N if it is lower, for every implementation: `-impl goroutines
// -workers 2` runs the goroutines at GOMAXPROCS=2, the multi-thread
// reference.
//
// -runs N runs each shape N times and prints the median. -n N shrinks every
// shape to N operations, for quick checks. -cpuprofile and -memprofile
// write pprof files (with several shapes, one per shape and
// implementation: cpu.pprof becomes cpu.spawn_many.async.pprof); read them
// with go tool pprof -top.
//
// # Targets
//
// The targets for the async side, from the issue, with what tokio
// (current_thread) and goroutines (GOMAXPROCS=1) measured:
//
//	shape           target            tokio        goroutines
//	spawn_many      ≤ 150 ns/op       371 ns/op    1262 ns/op
//	yield_many      ≤ 40 ns/op        85 ns/op     111 ns/op
//	ping_pong       ≤ 150 ns/op       371 ns/op    369 ns/op
//	chained_spawn   ≤ 100 ns/op       200 ns/op    204 ns/op
//	timers          ≤ 150 MB peak     1.39 GB      165 MB
//
// The multi-thread executor with 2 workers is held to tokio's
// multi_thread runtime with 2 workers and to half of goroutines at
// GOMAXPROCS=2, whichever is lower (the numbers, measured side by
// side on a 2-core machine):
//
//	shape           target            tokio mt     goroutines (2)
//	spawn_many      ≤ 160 ns/op       349 ns/op    320 ns/op
//	yield_many      ≤ 38 ns/op        38 ns/op     161 ns/op
//	ping_pong       ≤ 217 ns/op       433 ns/op    434 ns/op
//	chained_spawn   ≤ 113 ns/op       113 ns/op    265 ns/op
//	timers          ≤ 150 MB peak
//
// # sync
//
// Sync measures the shared-state primitives (package lock, and the
// broadcast and watch channels) the same three ways, in the shapes of
// tokio's sync_* benchmarks, against goroutines with package sync and
// channels. At full size:
//
//   - mutex_uncontended: one task locks a lock.Mutex, increments a counter
//     and unlocks, 10,000,000 times. Goroutines: the same with a sync.Mutex.
//   - mutex_contended: two tasks share the same 2,000,000 operations; on
//     the multi-thread executor they run on two workers at once.
//     Goroutines: two goroutines and a sync.Mutex.
//   - rwlock_read: two tasks each take and release a read lock of a
//     lock.RwLock, 2,000,000 times in all. Goroutines: sync.RWMutex.
//   - semaphore_2 and semaphore_100: 2 or 100 tasks share one permit of a
//     lock.Semaphore, acquiring and releasing it 2,000,000 times in all.
//     Goroutines: a buffered channel of capacity 1 as the semaphore.
//   - broadcast_100: one task sends 20,000 values on a broadcast channel to
//     100 receiver tasks, each value once every receiver has the last (the
//     last receiver to take it notifies the sender through a lock.Notify).
//     Goroutines: the sender sends each value on 100 channels, one per
//     receiver goroutine. ns/op is per value delivered to all 100.
//   - watch_100: one task updates a watch channel 20,000 times, each update
//     once all 100 watcher tasks have seen the last. Goroutines: a value
//     under a sync.Mutex with a channel closed and replaced at each update.
//     ns/op is per update seen by all 100.
//
// The rounds (-runs, default 5) are interleaved: each round runs every
// shape and implementation once, so a slow spell of the machine spreads
// over all of them. Standard output gets one line per shape and
// implementation with the medians,
//
//	mutex_uncontended async 11 ns/op 0.00 allocs/op
//
// and then a Markdown table of the same figures with each async
// implementation's verdict against the targets: an uncontended
// lock at most 2× sync.Mutex, every contended shape at most the goroutine
// equivalent's ns/op, and no allocation per operation. GOMAXPROCS is
// -workers (default 2) for the whole run. Allocations per operation leave
// out the setup (the executor, the tasks, the channels): before the
// rounds, each shape runs once at a tenth of its size and once at full
// size, and the allocations that do not grow with the size are the setup's.
//
// Exit status is 2 for a bad command line, 1 if a benchmark failed.
package main
