package unixsock

// NetBSD's option for the peer's identity, from <sys/un.h>; x/sys/unix
// does not define it.
const (
	solLocal     = 0 // SOL_LOCAL
	localPeereid = 3 // LOCAL_PEEREID: a struct unpcbid
)

// peerCred asks for LOCAL_PEEREID (unix(4)), a struct unpcbid:
// { pid_t unp_pid; uid_t unp_euid; gid_t unp_egid; }.
func peerCred(fd int) (Cred, error) {
	v, err := getsockopt3(fd, solLocal, localPeereid)
	if err != nil {
		return Cred{}, err
	}
	return Cred{PID: int(int32(v[0])), UID: int(v[1]), GID: int(v[2])}, nil
}
