// Package testfut provides instrumented futures and wakers for the tests of
// this module, in the manner of async-task's tests: futures that count how
// often they are polled and cancelled and keep the waker a real leaf would
// keep, so that a test can assert, after every step, exactly what a
// combinator or an executor did to them.
//
// A Future is a leaf that the test completes, from any goroutine, with
// Complete; until then every poll stores the poll's waker, and Complete
// wakes it, as a socket or a timer would. Cancel drops the stored waker, so
// a test can prove that nothing still references the task after a
// cancellation. A Future also records breaches of the async.Future
// contract (a poll after it was ready, a second Cancel), which
// AssertClean reports.
//
// A Waker counts its wakes; NewContext makes a Context with one, for
// polling futures by hand without an executor.
package testfut
