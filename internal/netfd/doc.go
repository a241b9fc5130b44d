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
// Stream.Read returns the Stream's read future. Its Poll gets the Source
// (registering on the first poll) and calls async.PollIO with the future
// itself as the operation: Do makes one read(2), a raw system call on
// Linux since a non-blocking read cannot block. A read shorter than the
// buffer means the socket is drained, so PollIO clears the readiness then
// and the next Read waits for the reactor's event without first making a
// read that would only say EAGAIN; that is what lets an echo server make
// one read and one write per message, as a hand-written epoll loop does.
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
