package unixsock

import (
	"os"

	"golang.org/x/sys/unix"
)

// Pair returns two connected stream sockets (socketpair(2)): what one
// writes the other reads. Neither has a name. It is handy in tests, between
// two parts of one program, and between a parent and a child process: give
// the child one end's File and close that end in the parent.
func Pair() (*Conn, *Conn, error) {
	fds, err := newPair(unix.SOCK_STREAM)
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	return newConn(fds[0]), newConn(fds[1]), nil
}
