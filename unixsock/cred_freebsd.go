package unixsock

// peerCred reads LOCAL_PEERCRED: the user and group; PID stays 0.
func peerCred(fd int) (Cred, error) { return xucredCred(fd) }
