// Package timer has the futures of time: Sleep and SleepUntil (a Timer),
// Interval, and Timeout and Deadline, which bound another future. Each
// arms a reactor.Timer in the runtime's timer wheel on its first poll,
// through the Context, and disarms it when it is cancelled, so an
// abandoned sleep never keeps a waker or a wheel slot.
//
// Timeout and Deadline bound a future that can fail and keep its result
// one level deep, so a coroutine reads it as a Go call:
//
//	c, err := async.Get(co, timer.Timeout(tcp.Connect(addr), 2*time.Second))
//
// A timeout is the result's error: ErrTimeout, or, for the socket futures
// of packages tcp, unixsock and udp, an error that names the operation as
// the net package's do, "dial tcp 192.0.2.1:80: i/o timeout" (see
// TimeoutErrorer). Both satisfy errors.Is(err, os.ErrDeadlineExceeded).
// TimeoutValue and DeadlineValue bound a future that cannot fail.
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
