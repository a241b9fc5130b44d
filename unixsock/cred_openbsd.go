package unixsock

import "golang.org/x/sys/unix"

// peerCred asks for SO_PEERCRED (getsockopt(2)), a struct sockpeercred:
// { uid_t uid; gid_t gid; pid_t pid; }.
func peerCred(fd int) (Cred, error) {
	v, err := getsockopt3(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return Cred{}, err
	}
	return Cred{UID: int(v[0]), GID: int(v[1]), PID: int(int32(v[2]))}, nil
}
