// Package tcp is asynchronous TCP on the runtime's reactor: Listen and
// Accept, Connect, and a Conn whose Read and Write are futures.
//
//	l, err := tcp.Listen("127.0.0.1:7007")
//	serve := tcp.Serve(l, func(co *async.Co, c *tcp.Conn) {
//		async.Await(co, aio.Copy(c, c, nil)) // echo until the client closes; Serve closes c
//	})
//
//	// In a coroutine: connect with a timeout, write, read.
//	c, err := async.Get(co, timer.Timeout(tcp.Connect("127.0.0.1:7007"), 2*time.Second))
//	_, err = async.Get(co, c.WriteAll([]byte("ping\n")))
//	n, err := async.Get(co, c.Read(buf))
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
// and runs the loop every socket operation shares, PollIO in
// internal/netfd, which takes one unit of the task's budget and asks the
// source whether it is readable. A new source is assumed ready, so
// read(2) runs; if it returns EAGAIN, PollIO clears the readiness it saw
// (unless a newer event arrived meanwhile) and asks again: now the source
// is not ready, so it stores the task's waker in its reader slot and the
// future returns pending. The executor, with nothing left to run, turns
// the reactor: epoll_wait or kevent reports the socket, the reactor sets
// its readable bit and calls the stored waker, which queues the task; the
// executor polls it again, PollIO finds the source readable, and read(2)
// returns the bytes. At end of stream it returns 0, which Read reports as
// io.EOF. Each step calls down, never up: tcp, internal/netfd, the root
// package's Context, reactor, poll, then the kernel (internal/netfd lists
// the files one read crosses).
//
// A read that returns fewer bytes than the buffer holds has drained the
// socket, so it clears the readiness at once: the next Read waits for the
// reactor's event without a read(2) that would only say EAGAIN. A server
// thus makes one read and one write per message, as a hand-written epoll
// loop does (see internal/netfd).
//
// # Listening
//
// Listen takes the default options: SO_REUSEADDR, and the system's
// largest accept queue. ListenConfig sets the queue's length and
// SO_REUSEPORT, for several listeners on one port. Accept never spins
// and never fails for want of descriptors: at EMFILE or ENFILE (or
// ENOBUFS, ENOMEM) it leaves the connection in the queue and retries
// after a backoff of 5 ms, doubling to 1 s, so that a server at its
// descriptor limit costs almost no CPU and takes the waiting connections
// once it closes others (see Listener.Accept).
//
// # Connecting
//
// Connect takes "host:port". An IP address or "localhost" is dialled at
// once; a host name, or a service name for the port, is looked up first
// with package dns, which runs the system's resolver on a goroutine of
// its own so the executor never blocks, and the addresses are tried in
// turn until one connects. Listen looks no names up: it binds an IP
// address, localhost, or every address.
//
// # Options, halves and adoption
//
// A Conn starts with TCP_NODELAY set (Nagle's algorithm off). Its setters
// change the keep-alive probes, the kernel's buffer sizes and the linger
// on Close. Split divides a Conn into a ReadHalf and a WriteHalf for a
// reading task and a writing task, possibly on two executors; the write
// half adds WriteVectored (writev(2)). FromConn, FileConn, FromListener
// and FileListener take over a duplicate of the descriptor of a net
// package connection or listener, or of an *os.File, such as a socket
// inherited from a parent process.
//
// A Conn is 112 bytes with no buffer: an idle connection costs that, its
// reactor source and the task that serves it. That is why vectored writes
// are on the WriteHalf, which Split allocates, and not on the Conn: their
// state would cost every connection a pointer, and the Conn a larger
// allocation class (128 bytes).
//
// # Errors
//
// Errors are *net.OpError values, as in the net package ("read tcp
// 127.0.0.1:5000->127.0.0.1:41000: connection reset by peer"), so
// errors.Is finds the cause: a syscall.Errno, or net.ErrClosed. A peer's
// reset is an error of the Read or Write that meets it (ECONNRESET or
// EPIPE), never a signal: the Go runtime ignores SIGPIPE for sockets.
package tcp
