package netfd

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// recvFrom receives one datagram into buf, and its sender into from unless
// from is nil, with one recvfrom(2). MSG_TRUNC makes Linux return the datagram's real
// length, longer than the buffer if it was cut (udp(7), and unix(7) since
// Linux 3.4), which tells of truncation without the message header that
// recvmsg would have to copy in and out. It is a raw system call: on a
// non-blocking socket recvfrom cannot block, so it skips the scheduler's
// bookkeeping for calls that might. The address and its length are in the
// heap-allocated future, which the Go collector does not move, and the
// pointers are converted to uintptr in the call expression itself.
func recvFrom(fd int, buf []byte, from *RawAddr) (n int, truncated bool, err error) {
	if err := injected(SysRecv, fd); err != nil {
		return 0, false, err
	}
	var p, addr, addrLen unsafe.Pointer
	if len(buf) > 0 {
		p = unsafe.Pointer(&buf[0])
	}
	if from != nil {
		from.Len = unix.SizeofSockaddrAny
		addr, addrLen = unsafe.Pointer(&from.Any), unsafe.Pointer(&from.Len)
	}
	r, _, errno := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(p), uintptr(len(buf)),
		unix.MSG_TRUNC, uintptr(addr), uintptr(addrLen))
	if errno != 0 {
		return 0, false, errno
	}
	if int(r) > len(buf) {
		return len(buf), true, nil
	}
	return int(r), false, nil
}

// sendTo sends buf as one datagram to to, or to the peer if to is nil,
// with a raw sendto(2) for the reasons recv gives. MSG_NOSIGNAL keeps a
// send on a socket whose peer is gone from raising SIGPIPE.
func sendTo(fd int, buf []byte, to *RawAddr) (int, error) {
	if err := injected(SysSend, fd); err != nil {
		return 0, err
	}
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
