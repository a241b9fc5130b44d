//go:build !linux

package netfd

import "golang.org/x/sys/unix"

// read and write go through libc or the scheduler's syscall path on the
// other systems; see sys_linux.go.
func read(fd int, p []byte) (int, error) {
	if err := injected(SysRead, fd); err != nil {
		return 0, err
	}
	n, err := unix.Read(fd, p)
	if err != nil {
		return 0, err
	}
	return n, nil
}

func write(fd int, p []byte) (int, error) {
	if armed.Load() != nil { // injected, for a fault that may cut p short
		var err error
		if p, err = armedShorten(fd, p); err != nil {
			return 0, err
		}
	}
	n, err := unix.Write(fd, p)
	if err != nil {
		return 0, err
	}
	return n, nil
}
