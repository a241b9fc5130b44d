// Package bridge lets code on ordinary goroutines use an async connection
// as a net.Conn, io.Reader or io.Writer, so that crypto/tls, bufio and
// existing protocol libraries work over the runtime's sockets.
//
// # How a call flows
//
// A bridge's Read polls the connection's Read future on the calling
// goroutine, with a waker that is a channel the goroutine then blocks on.
// The executor's reactor, which the executor turns whenever it is idle,
// wakes that channel when the socket is ready, and the goroutine polls
// again:
//
//	goroutine: Read(b) ─ poll c.Read(b): EAGAIN, waker stored ─► blocks on its channel
//	executor:  reactor turn: socket readable ─► waker.Wake ─► channel
//	goroutine: poll c.Read(b): n bytes ─► returns n, nil
//
// So the system calls run on the calling goroutine, as the net package's
// do, and the executor only reports readiness: a Write that fits in the
// socket's buffer never involves it, and a Read costs one wake-up of the
// goroutine. (Running each operation as a task on the executor instead
// costs two more thread wake-ups a round trip: a bridged 64-byte echo
// round trip took about 155 µs that way against 105 µs this way, in
// interleaved runs on the 2-core machine this was written on, where a
// thread wake-up is slow.) A call in steady state allocates nothing: the
// waker, the Context and the deadline timer belong to the bridge, and
// tcp.Conn's futures are reused.
//
// One call per direction is in flight at a time; other goroutines calling
// Read (or Write) at once wait their turn, as on a net.Conn. A bridged
// connection belongs to its bridge: tasks must not use its Read or Write
// meanwhile.
//
// # The executor must be running
//
// A call waiting for its socket needs the executor's reactor to be turned,
// so some goroutine must be running the executor (executor.BlockOn)
// meanwhile; while none is, calls wait, but Close and deadlines still end
// them. The bridge reaches the executor through the Runtime interface,
// which both executors implement. Calling a bridge from inside a future
// the executor polls would block a goroutine that turns the reactor,
// waiting for the reactor: on a current-thread executor, a deadlock. The
// first call in each direction asks the executor (Runtime.OnExecutor)
// whether the calling goroutine is polling a future (a task's, BlockOn's,
// or a coroutine's body), and fails with ErrOnExecutor if so.
// Closing the executor closes its reactor, and calls then fail with an
// error wrapping net.ErrClosed.
//
// # Deadlines
//
// Deadlines work as net.Conn specifies: a deadline set while a call is
// blocked applies to that call; a deadline that has passed fails a call at
// once, even if it could have succeeded; the error satisfies
// errors.Is(err, os.ErrDeadlineExceeded) and net.Error's Timeout. They are
// kept by a Go timer on the wall clock, like the net package's, whatever
// the executor's clock. A call that times out cancels the connection's
// future, which consumed nothing; a Write that times out reports the bytes
// written before.
package bridge
