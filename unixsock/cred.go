package unixsock

// Cred is the identity of the process at the other end of a connection,
// as the kernel recorded it when the connection was made.
//
// Linux (SO_PEERCRED) and OpenBSD (SO_PEERCRED) give all three numbers,
// NetBSD (LOCAL_PEEREID) too, and macOS gives the user and group from
// LOCAL_PEERCRED and the process from LOCAL_PEERPID. FreeBSD's
// LOCAL_PEERCRED gives the user and group only: PID is 0 there. PID is 0
// too on Linux when the peer is in another PID namespace. No running
// process has PID 0, so 0 always means "not known".
//
// UID and GID are the effective IDs; on the BSDs and macOS GID is the
// first of the peer's groups, which is its effective group (-1 if the
// kernel listed none).
type Cred struct {
	PID int // process ID; 0 when the system does not say
	UID int // effective user ID
	GID int // effective group ID
}
