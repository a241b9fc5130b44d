// Package netfd is what the socket packages (tcp, udp, unixsock) are made
// of: FD, a non-blocking descriptor that registers itself with a reactor
// when an operation first has to wait, guarded so that Close cannot race a
// system call into a reused descriptor number; Stream, a connected stream
// socket whose Read and Write futures live inside it and are reused;
// Packet, the same for datagram sockets; and Acceptor, a listening socket
// whose accept waits out descriptor exhaustion instead of spinning.
//
// # Memory
//
// A server holding many idle connections pays for each one: here an FD is
// 32 bytes and a Stream 112, with no buffer and no closure. Addresses are
// not stored until asked for. The reactor's Source (64 bytes) and the
// task that serves the connection are the rest.
//
// # The path of a read
//
// One read of a tcp.Conn crosses these files, in the order it calls into
// them:
//
//   - tcp/conn.go: Conn.Read returns the Stream's read future; tcp adds
//     nothing to a read.
//   - internal/netfd/stream.go: readFuture.Poll, the future the task
//     awaits.
//   - internal/netfd/fd.go: FD.Source returns the descriptor's Source. On
//     the first poll only, it takes the reactor from the Context
//     (context.go, in the root package) and registers the descriptor:
//     Reactor.Register in reactor/reactor.go, then Poller.Register in
//     poll/poll.go, which asks poll/faults.go for a test's fault and makes
//     one epoll_ctl in poll/poll_epoll.go (kevent in poll/poll_kqueue.go
//     on macOS and the BSDs).
//   - internal/netfd/pollio.go: PollIO spends a unit of the task's budget
//     and takes its waker (Context.Proceed and Context.Waker, context.go).
//   - reactor/source.go: Source.PollReady reports the readiness the
//     reactor recorded, or stores the waker and the future returns
//     pending.
//   - internal/netfd/stream.go: readFuture.Do, which PollIO calls as its
//     operation, holds the descriptor open with FD.Acquire and
//     FD.Release (fd.go) around the call.
//   - internal/netfd/sys_linux.go: read makes one read(2), a raw system
//     call since a non-blocking read cannot block (sys_other.go makes an
//     ordinary one elsewhere), after asking internal/netfd/faults.go
//     whether a test armed a fault.
//   - reactor/source.go: Source.ClearReady, called by PollIO when the read
//     said EAGAIN, before it looks again and waits, or when the read was
//     shorter than the buffer.
//
// The path only goes down: each file on it imports only packages below
// its own (tcp imports internal/netfd; internal/netfd imports the root
// package and reactor; the root package imports reactor; reactor imports
// poll). The one call back, from PollIO to the future's Do, stays within
// this package. PollIO lives here, and not in the root package, so that
// it does not have to call up into the package that made the operation.
//
// A read shorter than the buffer means the socket is drained, so PollIO
// clears the readiness then and the next Read waits for the reactor's
// event without first making a read that would only say EAGAIN; that is
// what lets an echo server make one read and one write per message, as a
// hand-written epoll loop does.
//
// The event that ends a wait comes back through a turn of the reactor,
// which the executor makes when it has nothing to run, and every so many
// polls when it has (executor/current_thread.go; on the multi-thread
// executor, an idle worker's park and every worker's periodic look,
// executor/worker.go): Reactor.TurnFor in
// reactor/reactor.go waits in Poller.Wait (poll/poll.go and
// poll/poll_epoll.go), then its dispatch records each event's readiness
// in its Source and calls Source.wakeFor (reactor/source.go), which takes
// the stored waker and passes it to wakeGuard.WakeFromTurn
// (reactor/guard.go); that hands it to the executor to queue the task, or
// calls it when the reactor turns on a goroutine of its own. The reactor
// calls the waker and the executor only
// through interfaces it defines itself (Waker and Parker), so it imports
// nothing above it either.
//
// # Faults
//
// The system calls of the paths above (socket, accept, connect, read,
// write, writev, the datagram calls, and what FD.Control runs) each first
// ask whether a test
// armed a fault for them. InjectFaults lets a test say "the next read on
// this descriptor fails with EINTR", "the next three accepts with
// EMFILE", "the next write takes 5 bytes", as Go's net package does with
// its test hooks, so that the handling of faults the kernel rarely
// produces is tested. Outside such a test the question is one atomic load
// of a nil pointer (see faults.go).
package netfd
