package tcp

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// writev makes one writev(2) from f's position. It is a raw system call,
// as the Conn's read and write are: on a non-blocking socket it cannot
// block. The iovec array and the buffers it points into are on the heap
// (f and the caller's buffers escape into f), so they stay in place for
// the call, and the array's address is converted in the call expression.
func (f *writevFuture) writev(fd int) (n, offered int, err error) {
	iov, offered := f.fill()
	if len(iov) == 0 {
		return 0, 0, nil
	}
	r, _, errno := unix.RawSyscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
	clearIovecs(iov)
	if errno != 0 {
		return 0, offered, errno
	}
	return int(r), offered, nil
}
