//go:build !linux

package netfd

import "golang.org/x/sys/unix"

// recvFrom receives one datagram into buf, and its sender into from unless
// from is nil. The other systems go through x/sys/unix's wrappers (through
// libc on macOS and OpenBSD, where raw system calls are not allowed), which
// allocate the sender's address: a receive allocates there, unlike on
// Linux.
func recvFrom(fd int, buf []byte, from *RawAddr) (n int, truncated bool, err error) {
	if err := injected(SysRecv, fd); err != nil {
		return 0, false, err
	}
	n, _, flags, sa, err := unix.Recvmsg(fd, buf, nil, 0)
	if err != nil {
		return 0, false, err
	}
	if from != nil {
		if err := from.Set(sa); err != nil {
			from.Len = 0
		}
	}
	return n, flags&unix.MSG_TRUNC != 0, nil
}

// sendTo sends buf as one datagram to to, or to the peer if to is nil.
func sendTo(fd int, buf []byte, to *RawAddr) (int, error) {
	if err := injected(SysSend, fd); err != nil {
		return 0, err
	}
	var sa unix.Sockaddr
	if to != nil {
		var err error
		if sa, err = to.Sockaddr(); err != nil {
			return 0, err
		}
	}
	return unix.SendmsgN(fd, buf, nil, sa, 0)
}
