package netfd

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// read and write are raw system calls: on a non-blocking descriptor they
// cannot block, so they skip the Go scheduler's bookkeeping for calls that
// might (entersyscall and exitsyscall), as the runtime's design allows.
// The pointer is converted to uintptr in the call itself, so the buffer
// stays alive and in place for the call's duration.
func read(fd int, p []byte) (int, error) {
	var buf unsafe.Pointer
	if len(p) > 0 {
		buf = unsafe.Pointer(&p[0])
	}
	n, _, errno := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(buf), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

func write(fd int, p []byte) (int, error) {
	var buf unsafe.Pointer
	if len(p) > 0 {
		buf = unsafe.Pointer(&p[0])
	}
	n, _, errno := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(buf), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
