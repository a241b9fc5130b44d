//go:build darwin || openbsd

package tcp

import "golang.org/x/sys/unix"

// writev makes one writev(2) from f's position, through libc, as these
// systems require. unix.Writev takes whole buffers, so the rest of a
// buffer that a short write cut is written on its own.
func (f *writevFuture) writev(fd int) (n, offered int, err error) {
	if f.off > 0 {
		b := f.bufs[f.i][f.off:]
		n, err := unix.Write(fd, b)
		return n, len(b), err
	}
	bufs := f.bufs[f.i:min(len(f.bufs), f.i+maxIovecs)]
	for _, b := range bufs {
		offered += len(b)
	}
	n, err = unix.Writev(fd, bufs)
	return n, offered, err
}
