//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd

package unixsock

import "errors"

// peerCred is not written for this system.
func peerCred(fd int) (Cred, error) { return Cred{}, errors.ErrUnsupported }
