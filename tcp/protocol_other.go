//go:build !linux

package tcp

// checkProtocol does nothing where SO_PROTOCOL is missing (macOS, NetBSD);
// an internet stream socket is TCP there, SCTP aside.
func checkProtocol(fd int) error { return nil }
