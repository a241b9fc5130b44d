//go:build freebsd || netbsd

package tcp

import "github.com/asyncgo/async/internal/netfd"

// writev makes one writev(2) from f's position, through netfd.Writev;
// x/sys has no Writev for these systems, whose system calls Go may make
// directly.
func (f *writevFuture) writev(fd int) (n, offered int, err error) {
	iov, offered := f.fill()
	if len(iov) == 0 {
		return 0, 0, nil
	}
	n, err = netfd.Writev(fd, iov)
	clearIovecs(iov)
	return n, offered, err
}
