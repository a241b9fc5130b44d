// Package dns resolves host names without blocking the executor.
//
// Go's resolver blocks the goroutine that calls it (it reads /etc/hosts,
// sends queries and waits for answers, or calls the C library), so a
// lookup cannot run on an executor's goroutine. A lookup future runs it on
// the executor's blocking pool (async.SpawnBlocking's; a goroutine of its
// own when polled without an executor), from the future's first poll, and
// that goroutine wakes the task when the answer is in:
//
//	task polls Lookup ─► goroutine: net.Resolver.LookupNetIP(ctx, "ip", host)
//	   (pending)                         │
//	task polled again ◄── waker.Wake ────┘  (the waker stored by the latest poll)
//
// What needs no lookup is answered at once, on the first poll, without a
// goroutine: an IP address literal, and the name "localhost", which is
// 127.0.0.1 and then ::1 (RFC 6761 §6.3 lets a resolver answer it itself;
// IPv4 first because servers on the loopback most often listen on
// 127.0.0.1 only, and package tcp maps "localhost" to 127.0.0.1 too).
//
// Cancelling a lookup future cancels the context of its lookup, so the
// goroutine returns as soon as the resolver sees it. Go's resolver answers
// a cancelled lookup at once, but the query it had in flight may live on
// inside the net package until that query's own timeout (5 s by default)
// unless the resolver's Dial closes its connection when its context is
// done; see the tests for a Dial that does.
//
// Addresses come back as the resolver orders them, IPv4 addresses always
// in their 4-byte form (never as ::ffff:a.b.c.d). Errors name what was
// looked up: a *net.DNSError for a host name, wrapped with the input for
// LookupHostPort.
package dns
