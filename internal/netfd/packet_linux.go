package netfd

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// recvArgs are the arguments of recvmsg(2), kept in the receive future and
// filled in place for each call, so that the call allocates nothing. The
// header points at the iovec and at the future's RawAddr, and the iovec at
// the caller's buffer, until reset.
type recvArgs struct {
	msg unix.Msghdr
	iov unix.Iovec
}

// set points the iovec at buf.
func (a *recvArgs) set(buf []byte) {
	a.iov.Base = nil
	if len(buf) > 0 {
		a.iov.Base = &buf[0]
	}
	a.iov.SetLen(len(buf))
	a.msg.Iov = &a.iov
	a.msg.SetIovlen(1)
}

// reset drops the reference to the caller's buffer.
func (a *recvArgs) reset() {
	a.iov.Base = nil
	a.iov.SetLen(0)
}

// recv receives one datagram, and its sender into from unless from is nil.
// It is a raw system call: on a non-blocking socket recvmsg cannot block,
// so it skips the scheduler's bookkeeping for calls that might. The
// header and everything it points to are in the heap-allocated future or
// the caller's buffer, which the Go collector does not move, and the
// header's pointer is converted to uintptr in the call expression itself.
func (a *recvArgs) recv(fd int, from *RawAddr) (n int, truncated bool, err error) {
	a.msg.Name, a.msg.Namelen = nil, 0
	if from != nil {
		a.msg.Name = (*byte)(unsafe.Pointer(&from.Any))
		a.msg.Namelen = unix.SizeofSockaddrAny
	}
	a.msg.Flags = 0
	r, _, errno := unix.RawSyscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&a.msg)), 0)
	a.msg.Name = nil
	if errno != 0 {
		return 0, false, errno
	}
	if from != nil {
		from.Len = a.msg.Namelen
	}
	return int(r), a.msg.Flags&unix.MSG_TRUNC != 0, nil
}

// sendTo sends buf as one datagram to to, or to the peer if to is nil,
// with a raw sendto(2) for the reasons recv gives. MSG_NOSIGNAL keeps a
// send on a socket whose peer is gone from raising SIGPIPE.
func sendTo(fd int, buf []byte, to *RawAddr) (int, error) {
	var p, addr unsafe.Pointer
	if len(buf) > 0 {
		p = unsafe.Pointer(&buf[0])
	}
	var addrLen uint32
	if to != nil {
		addr, addrLen = unsafe.Pointer(&to.Any), to.Len
	}
	n, _, errno := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(p), uintptr(len(buf)),
		unix.MSG_NOSIGNAL, uintptr(addr), uintptr(addrLen))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
