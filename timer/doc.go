// Package timer has the futures of time: Sleep, SleepUntil, Interval,
// Timeout and Deadline. Each arms a reactor.Timer in the runtime's timer
// wheel on its first poll, through the Context, and disarms it when it is
// cancelled, so an abandoned sleep never keeps a waker or a wheel slot.
//
// Time is the reactor's clock: under an executor made WithPausedClock it
// stands still while tasks run and jumps to the next deadline when all are
// idle, so these futures complete at once and in deadline order in tests.
package timer
