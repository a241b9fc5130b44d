package tcp

import "golang.org/x/sys/unix"

// setKeepAlivePeriod fails: OpenBSD has no per-socket keep-alive timing,
// only the system-wide net.inet.tcp.keepidle and keepintvl (tcp(4)), as
// the net package notes too.
func setKeepAlivePeriod(fd, secs int) error { return unix.ENOPROTOOPT }
