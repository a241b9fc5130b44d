//go:build darwin || freebsd

package unixsock

import "golang.org/x/sys/unix"

// xucredCred reads LOCAL_PEERCRED (unix(4)): an xucred with the peer's
// effective user and its groups, the first of which is the effective
// group. It has no process ID (FreeBSD 13 added one, which x/sys/unix
// does not expose).
func xucredCred(fd int) (Cred, error) {
	x, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	if err != nil {
		return Cred{}, err
	}
	c := Cred{UID: int(x.Uid), GID: -1}
	if x.Ngroups >= 1 {
		c.GID = int(x.Groups[0])
	}
	return c, nil
}
