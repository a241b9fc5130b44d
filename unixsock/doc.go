// Package unixsock is asynchronous Unix domain sockets on the runtime's
// reactor: stream listeners and connections (Listen, Accept, Connect,
// Pair), with the peer's credentials, and datagram sockets.
//
// It is named unixsock, not unix, so that it does not clash with
// golang.org/x/sys/unix.
//
// Stream connections work as the tcp package's do: a Conn is a
// netfd.Stream whose Read and Write futures live inside it and are reused,
// every operation tries its non-blocking system call first and waits on
// the reactor only on EAGAIN, and Close wakes a task waiting on the
// socket with an error wrapping net.ErrClosed. Cancelling a future takes
// its waker back from the reactor.
//
// # Names
//
// A socket is named by a path in the file system. Listen makes the socket
// file and the Listener's Close removes it; Listen never removes a file
// that is there already. On Linux a name starting with "@" is abstract: it
// lives in the network namespace, not the file system, and disappears with
// the socket; elsewhere such a name is refused. The end that connects,
// and both ends of a Pair, are unnamed: their address is a
// *net.UnixAddr with an empty Name.
//
// Connecting has nothing to wait for, except on Linux when the listener's
// accept queue is full; see Connect.
//
// # Datagrams
//
// A PacketConn is a datagram socket on netfd.Packet: ListenPacket binds a
// name to receive on, DialPacket connects an unnamed socket to one, and
// PacketPair makes two connected ones. RecvFrom reports the sender's path;
// SendTo takes the destination's. Both allocate nothing in steady state
// on Linux. A datagram socket's wait for room is paced by a timer when the
// kernel would otherwise wake the sender at once and for nothing (see
// SendTo).
//
// FromConn, FileConn, FromListener and FileListener take over a duplicate
// of the descriptor of a net package Unix connection or listener, or of an
// *os.File, such as a socket a service manager passes to the process it
// starts.
//
// Errors are *net.OpError values, as in the net package ("dial unix
// /run/app.sock: connect: connection refused"), so errors.Is finds the
// cause: a syscall.Errno, or net.ErrClosed.
package unixsock
