// Package udp is asynchronous UDP on the runtime's reactor: Bind a socket,
// or Dial one connected to a peer, then RecvFrom and SendTo datagrams, or
// Recv and Send on a connected one, as futures.
//
// Addresses are netip.AddrPort values, which are plain values: a server
// that receives a datagram and answers its sender allocates nothing, on
// Linux, where a receive is one raw recvfrom(2) writing the sender's address
// into the Conn itself, and the package reads the address from there (see
// netfd.Packet). The receive and send futures live in the Conn and are
// reused; one receive and one send may be in flight at once, from two
// tasks.
//
// # One datagram, end to end
//
// A task awaits c.RecvFrom(buf). The future gets the Conn's reactor.Source
// (registering the socket, edge-triggered, on first use) and tries
// recvfrom(2) at once. If a datagram is queued, it is copied into buf and
// the future is ready with its length and sender; the socket's readiness
// is kept, since more datagrams may be queued behind it. If none is, the
// kernel says EAGAIN: the readiness is cleared, the task's waker stored in
// the source, and the future pending. When a datagram arrives, epoll or
// kqueue reports the socket, the reactor wakes the task, and the next poll
// receives it.
//
// # Truncation and errors
//
// A datagram longer than the buffer is cut to fit, and Datagram.Truncated
// says so; it is not an error, so one oversized datagram cannot end a
// receive loop. A connected socket learns of ICMP errors, such as a closed
// port, from the kernel: the next Recv or Send fails with ECONNREFUSED and
// the socket stays usable. Errors are *net.OpError values with Net "udp",
// as in the net package ("read udp 127.0.0.1:5000->127.0.0.1:6000:
// connection refused"), so errors.Is finds the cause: a syscall.Errno, or
// net.ErrClosed after Close, which also wakes a task waiting on the Conn.
//
// Host names are not looked up (a lookup would block): addresses are IP
// literals or "localhost". Resolve names first, then pass the IP.
package udp
