package unixsock

import "golang.org/x/sys/unix"

// peerCred reads LOCAL_PEERCRED for the user and group, and LOCAL_PEERPID
// for the process.
func peerCred(fd int) (Cred, error) {
	c, err := xucredCred(fd)
	if err != nil {
		return Cred{}, err
	}
	if pid, err := unix.GetsockoptInt(fd, unix.SOL_LOCAL, unix.LOCAL_PEERPID); err == nil {
		c.PID = pid
	}
	return c, nil
}
