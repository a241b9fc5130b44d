// Package tcp is asynchronous TCP on the runtime's reactor: Listen and
// Accept, Connect, and a Conn whose Read and Write are futures.
//
// Every operation is optimistic: it tries the non-blocking system call at
// once and waits only when the kernel says EAGAIN. The Read, Write and
// Accept futures live inside their Conn or Listener and are reused, so
// awaiting them allocates nothing; one Read and one Write may be in flight
// at once, from two tasks. A socket is registered with the reactor of the
// first task whose operation has to wait, and deregistered by Close, which
// wakes any task still waiting on it with an error wrapping net.ErrClosed.
// Cancelling a future (a lost Select, a Timeout, an aborted task) takes
// its waker back from the reactor; cancelling Connect closes the socket.
//
// # One read, end to end
//
// A task awaits c.Read(buf). The read future gets the Conn's
// reactor.Source (registering the socket, edge-triggered, on first use)
// and calls async.PollIO, which takes one unit of the task's budget and
// asks the source whether it is readable. A new source is assumed ready,
// so read(2) runs; if it returns EAGAIN, PollIO clears the readiness it
// saw (unless a newer event arrived meanwhile) and asks again: now the
// source is not ready, so it stores the task's waker in its reader slot
// and the future returns pending. The executor, with nothing left to run,
// turns the reactor: epoll_wait or kevent reports the socket, the reactor
// sets its readable bit and calls the stored waker, which queues the task;
// the executor polls it again, PollIO finds the source readable, and
// read(2) returns the bytes. At end of stream it returns 0, which Read
// reports as io.EOF.
//
// Errors are *net.OpError values, as in the net package ("read tcp
// 127.0.0.1:5000->127.0.0.1:41000: connection reset by peer"), so
// errors.Is finds the cause: a syscall.Errno, or net.ErrClosed.
//
// Host names are not looked up (a lookup would block): addresses are IP
// literals or "localhost".
package tcp
