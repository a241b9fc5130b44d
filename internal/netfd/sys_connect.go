package netfd

import "golang.org/x/sys/unix"

// Connect starts the handshake of the non-blocking socket fd with sa
// (connect(2)). On a non-blocking TCP socket the usual answer is
// EINPROGRESS, and the outcome comes later, in SO_ERROR; EINTR means the
// same. It first asks for a fault a test may have armed (see SysConnect),
// with the one check of injected, made here since a fault may have the
// call made.
func Connect(fd int, sa unix.Sockaddr) error {
	if armed.Load() != nil { // injected, for a fault that may make the call
		return armedConnect(fd, sa)
	}
	return unix.Connect(fd, sa)
}
