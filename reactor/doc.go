// Package reactor is the runtime's I/O driver and timer driver: what the book
// calls the reactor. It owns a poll.Poller and a timer wheel, and turns
// kernel events and expired deadlines into wakeups of the tasks that wait
// for them. It knows wakers (anything with a Wake method) but nothing else
// of futures or tasks; the executors in package executor turn it.
//
// # One read, end to end
//
// A socket is registered once (Register) and gets a Source: a readiness word
// and a reader and a writer waker slot. A read future calls PollReady; if
// the readable bit is clear, its waker is stored in the reader slot and the
// future returns pending. The executor, out of work, calls Turn: epoll_wait
// returns the source's token, Turn sets the readable bit and wakes the stored
// waker, the task is queued and polled again, PollReady now reports ready,
// and the read succeeds. If the read hits EAGAIN instead (the event was
// stale), the future calls ClearReady with the event PollReady returned and
// waits again.
//
// # Readiness and ticks
//
// Readiness is cleared only by an operation that hit EAGAIN, and only if no
// event arrived since that operation observed it: every event bumps the
// source's tick, and ClearReady names the tick it observed, so a stale clear
// never wipes a newer event (tokio's ScheduledIo). The layout of the word is
// in source.go.
//
// # Timers
//
// Timers live in a hierarchical wheel (internal/wheel) of 1 ms ticks, under
// one mutex; Turn sleeps no longer than the next deadline and fires what has
// expired after every wait. The Clock is injectable: a paused clock stands
// still until the executor, finding every task idle, advances it to the next
// deadline, so tests of time run at once and deterministically. A deadline
// beyond the clock's reach (about 292 years; see Never) never fires: its
// timer is kept, and released when stopped, but it neither wakes a turn nor
// moves a paused clock.
//
// # Concurrency
//
// One goroutine at a time turns the reactor; Register, the Source methods,
// the timer methods and Wake are safe from any goroutine. Wakers are
// collected under the locks and called after they are released, so a waker
// may itself register, arm a timer or wake the reactor. A waker must not
// panic; if one does, the turn still calls the others and then returns a
// *WakerPanicError.
package reactor
