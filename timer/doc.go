// Package timer has the futures of time: Sleep, SleepUntil, Interval,
// Timeout and Deadline. Each arms a reactor.Timer in the runtime's timer
// wheel on its first poll, through the Context, and disarms it when it is
// cancelled, so an abandoned sleep never keeps a waker or a wheel slot.
//
// Time is the reactor's clock: under an executor made WithPausedClock it
// stands still while tasks run and jumps to the next deadline when all are
// idle, so these futures complete at once and in deadline order in tests.
//
// Far deadlines saturate. A deadline is kept in Unix nanoseconds, which end
// in 2262, and the reactor's clock reaches 292 years past its start; a
// deadline beyond either, such as time.Now().Add(math.MaxInt64) or a
// Timeout of math.MaxInt64 (the usual "no deadline"), never comes. Its
// future stays pending, holding its timer until it is cancelled, and a
// paused clock does not jump for it: with only such timers armed, an idle
// executor waits for I/O or a wake from another goroutine.
//
// A sleep that has ended, and a tick that is due, are ready without
// waiting, so every poll of a sleep takes a unit of the task's cooperative
// budget (see async.Context.Proceed) and gives way when it is spent: a
// loop over an Interval that has fallen behind still lets other tasks
// run. A Timeout whose future spent the last of the budget looks at its
// timer without one, so that it runs out even around a future that always
// has work.
package timer
