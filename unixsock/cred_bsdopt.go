//go:build netbsd || openbsd

package unixsock

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The option is read into a Timeval, which must hold the three 32-bit
// numbers; this fails to compile if it cannot.
var _ [unsafe.Sizeof(unix.Timeval{}) - 12]byte

// getsockopt3 reads a socket option whose value is three 32-bit integers.
// x/sys/unix has no getter for NetBSD's unpcbid or OpenBSD's sockpeercred,
// and on OpenBSD system calls can only be made through libc, which x/sys
// does for its own getters: so this borrows the Timeval getter, whose
// buffer is at least 12 bytes and 8-byte aligned. The kernel copies out
// min(buffer, value) bytes (sys_getsockopt in both kernels), native-endian
// like the getter's own fields, so reading them back as integers is valid.
func getsockopt3(fd, level, opt int) ([3]uint32, error) {
	tv, err := unix.GetsockoptTimeval(fd, level, opt)
	if err != nil {
		return [3]uint32{}, err
	}
	return *(*[3]uint32)(unsafe.Pointer(tv)), nil
}
