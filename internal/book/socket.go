//go:build !darwin

package book

import "golang.org/x/sys/unix"

// newSocket opens a non-blocking, close-on-exec TCP socket. Linux and the
// BSDs set both flags in the socket call itself, so no fork between two
// calls can leak the descriptor into a child process.
func newSocket(domain int) (int, error) {
	return unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
}
