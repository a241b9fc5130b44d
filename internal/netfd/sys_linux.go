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
func read(fd int, p []byte) (int, error) {
	if err := injected(SysRead, fd); err != nil {
		return 0, err
	}
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
	n, _, errno := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(buf), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
