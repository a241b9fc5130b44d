//go:build freebsd || netbsd

package tcp

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// writev makes one writev(2) from f's position; x/sys has no Writev for
// these systems, whose system calls Go may make directly.
func (f *writevFuture) writev(fd int) (n, offered int, err error) {
	iov, offered := f.fill()
	if len(iov) == 0 {
		return 0, 0, nil
	}
	r, _, errno := unix.Syscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
	clearIovecs(iov)
	if errno != 0 {
		return 0, offered, errno
	}
	return int(r), offered, nil
}
