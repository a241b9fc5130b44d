//go:build darwin || openbsd

package tcp

import "github.com/asyncgo/async/internal/netfd"

// writevScratch is a copy of the window of buffers that the next call
// writes, since netfd.WritevBuffers (unix.Writev) takes whole buffers and
// a short write may have cut the first; unix.Writev builds the iovec
// array itself.
type writevScratch struct {
	window [][]byte
}

// writev makes one writev(2) from f's position, through libc, as these
// systems require (netfd.WritevBuffers).
func (f *writevFuture) writev(fd int) (n, offered int, err error) {
	f.window = append(f.window[:0], f.bufs[f.i:min(len(f.bufs), f.i+maxIovecs)]...)
	f.window[0] = f.window[0][f.off:]
	for _, b := range f.window {
		offered += len(b)
	}
	n, err = netfd.WritevBuffers(fd, f.window)
	clear(f.window) // keep no caller's buffer alive
	return n, offered, err
}
