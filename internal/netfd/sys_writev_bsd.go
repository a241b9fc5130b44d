//go:build freebsd || netbsd

package netfd

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Writev writes the buffers of iov, in order, with one writev(2), and
// returns how many bytes it took; see the Linux one. x/sys has no Writev
// for these systems, whose system calls Go may make directly; it goes
// through the scheduler's syscall path, as their read and write do.
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
	n, _, errno := unix.Syscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
