package unixsock

import "golang.org/x/sys/unix"

// peerCred asks for SO_PEERCRED (unix(7)): the credentials recorded by
// connect(2), listen(2) or socketpair(2).
func peerCred(fd int) (Cred, error) {
	u, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return Cred{}, err
	}
	return Cred{PID: int(u.Pid), UID: int(u.Uid), GID: int(u.Gid)}, nil
}
