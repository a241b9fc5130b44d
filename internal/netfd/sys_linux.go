package netfd

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// read and write are raw system calls: on a non-blocking descriptor they
// cannot block, so they skip the Go scheduler's bookkeeping for calls that
// might (entersyscall and exitsyscall), as the runtime's design allows.
// The pointer is converted to uintptr in the call itself, so the buffer
// stays alive and in place for the call's duration. Each first asks for a
// fault a test may have armed (see faults.go).
//
// A Stream is always a socket, so they are recvfrom(2) and sendto(2)
// rather than read(2) and write(2): those go through the file layer
// (vfs_read, and fdget_pos, which takes the file's position lock), about
// 0.6 µs of kernel time a request in a profile of the HTTP benchmark that
// the socket calls skip. MSG_NOSIGNAL keeps a write to a socket whose
// peer is gone from raising SIGPIPE.
func read(fd int, p []byte) (int, error) {
	if err := injected(SysRead, fd); err != nil {
		return 0, err
	}
	var buf unsafe.Pointer
	if len(p) > 0 {
		buf = unsafe.Pointer(&p[0])
	}
	n, _, errno := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(buf), uintptr(len(p)), 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

func write(fd int, p []byte) (int, error) {
	if armed.Load() != nil { // injected, for a fault that may cut p short
		var err error
		if p, err = armedShorten(fd, p); err != nil {
			return 0, err
		}
	}
	var buf unsafe.Pointer
	if len(p) > 0 {
		buf = unsafe.Pointer(&p[0])
	}
	n, _, errno := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(buf), uintptr(len(p)), unix.MSG_NOSIGNAL, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// Writev writes the buffers of iov, in order, with one writev(2), and
// returns how many bytes it took. It is a raw system call, as read and
// write are. The caller keeps the array and the buffers it points into in
// place for the call (on the heap, where the collector does not move
// them); the array's address is converted in the call expression. An
// empty iov writes nothing without a call. It first asks for a fault a
// test may have armed (see SysWritev).
func Writev(fd int, iov []unix.Iovec) (int, error) {
	if armed.Load() != nil { // injected, for a fault that may cut iov short
		var err error
		if iov, err = armedShortenIovecs(fd, iov); err != nil {
			return 0, err
		}
	}
	if len(iov) == 0 {
		return 0, nil
	}
	n, _, errno := unix.RawSyscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
