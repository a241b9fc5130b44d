package tcp

import "github.com/asyncgo/async/internal/netfd"

// writev makes one writev(2) from f's position, through netfd.Writev, a
// raw system call as the Conn's read and write are: on a non-blocking
// socket it cannot block. The iovec array and the buffers it points into
// are on the heap (f and the caller's buffers escape into f), so they stay
// in place for the call.
func (f *writevFuture) writev(fd int) (n, offered int, err error) {
	iov, offered := f.fill()
	if len(iov) == 0 {
		return 0, 0, nil
	}
	n, err = netfd.Writev(fd, iov)
	clearIovecs(iov)
	return n, offered, err
}
