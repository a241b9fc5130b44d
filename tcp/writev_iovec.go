//go:build linux || freebsd || netbsd

package tcp

import "golang.org/x/sys/unix"

// writevScratch is the iovec array of the writev calls, kept for the next
// call.
type writevScratch struct {
	iov []unix.Iovec
}

// fill sets up f.iov for the next writev call: the rest of the current
// buffer, then the next ones, up to maxIovecs, skipping empty ones. It
// returns the entries and how many bytes they hold.
func (f *writevFuture) fill() ([]unix.Iovec, int) {
	iov := f.iov[:0]
	offered := 0
	off := f.off
	for _, b := range f.bufs[f.i:] {
		if len(iov) == maxIovecs {
			break
		}
		b = b[off:]
		off = 0
		if len(b) == 0 {
			continue
		}
		v := unix.Iovec{Base: &b[0]}
		v.SetLen(len(b))
		iov = append(iov, v)
		offered += len(b)
	}
	f.iov = iov
	return iov, offered
}

// clearIovecs drops the iovecs' pointers into the caller's buffers, so the
// array kept for the next call does not keep them alive.
func clearIovecs(iov []unix.Iovec) {
	clear(iov)
}
