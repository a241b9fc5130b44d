// Package poll is the operating system's event queue: epoll on Linux,
// kqueue on macOS and the BSDs. It is the bottom layer of async and the
// program of chapter 4 of "Asynchronous Programming in Rust", shaped like
// mio and smol's polling: a Poller, tokens, interests and events.
//
// # How data flows
//
// A caller registers a file descriptor under a Token with an Interest
// (readable, writable, or both). Wait blocks until the kernel reports that
// one or more registered descriptors are ready, or until the timeout passes,
// or until another goroutine calls Wake. It fills a reusable Events buffer
// with one Event per ready source; the Event carries the Token the source was
// registered under, so the caller can find its own state without a lookup in
// the kernel's terms.
//
// Poll knows nothing of futures or wakers: the I/O driver in the layer above
// turns events into readiness bits and wakes the tasks that wait on them.
//
// # The contract
//
//   - Registrations are edge-triggered by default (Edge): an event is
//     reported when a source becomes ready and not again until the caller has
//     drained it (read or written until EAGAIN) and it becomes ready anew.
//     Oneshot reports one event and then disables the registration until
//     Reregister; Level reports an event on every Wait while the source is
//     ready.
//   - Register, Reregister, Deregister and Wake are safe to call from any
//     goroutine, also while another goroutine is blocked in Wait; a change
//     takes effect for that Wait at once (the kernel's queue is shared).
//   - One goroutine at a time may call Wait.
//   - Wait may return with no events: after Wake, or spuriously. Callers
//     treat an event as a hint and confirm readiness with the real I/O call.
//   - Wake interrupts a Wait that is blocked now, or else the next one. Wakes
//     are coalesced: many calls before a Wait returns cost one system call.
//   - Close must not be called while another goroutine is in Wait or
//     registering; stop the waiting goroutine first (Wake it and let it
//     return).
//
// # Backends
//
// Each kernel mechanism is one flat file behind build tags, and each provides
// the same unexported functions (see poll.go). The wakeup mechanism is a
// separate file: an eventfd on Linux, EVFILT_USER on macOS and FreeBSD, and
// a non-blocking pipe on NetBSD and OpenBSD. Building with the
// tag pollpipe forces the pipe on Linux too, so the fallback is tested where
// the tests run.
package poll
