//go:build linux || freebsd || netbsd

package tcp

import "golang.org/x/sys/unix"

// setKeepAlivePeriod sets the idle time before the first probe and the
// interval between probes, in seconds (tcp(7)).
func setKeepAlivePeriod(fd, secs int) error {
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, secs); err != nil {
		return err
	}
	return unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, secs)
}
