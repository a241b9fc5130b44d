package tcp

import "golang.org/x/sys/unix"

// setKeepAlivePeriod sets the idle time before the first probe, which
// macOS calls TCP_KEEPALIVE, and the interval between probes, in seconds
// (tcp(4)).
func setKeepAlivePeriod(fd, secs int) error {
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPALIVE, secs); err != nil {
		return err
	}
	return unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, secs)
}
