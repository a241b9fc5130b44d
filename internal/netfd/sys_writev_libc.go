//go:build darwin || openbsd

package netfd

import "golang.org/x/sys/unix"

// WritevBuffers writes bufs, in order, with one writev(2), through libc
// as these systems require, and returns how many bytes it took. x/sys
// builds the iovec array itself. It first asks for a fault a test may
// have armed (see SysWritev).
func WritevBuffers(fd int, bufs [][]byte) (int, error) {
	if armed.Load() != nil { // injected, for a fault that may cut bufs short
		var err error
		if bufs, err = armedShortenBuffers(fd, bufs); err != nil {
			return 0, err
		}
	}
	n, err := unix.Writev(fd, bufs)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// armedShortenBuffers is armedShortenIovecs for a slice of buffers: bufs,
// or a copy cut to the fault's short count (cutBuffers).
//
//go:noinline
func armedShortenBuffers(fd int, bufs [][]byte) ([][]byte, error) {
	n, err := armedWritevLimit(fd)
	switch {
	case err != nil:
		return nil, err
	case n >= 0:
		return cutBuffers(bufs, n), nil
	}
	return bufs, nil
}
