package unixsock

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/sys/unix"
)

// maxPath is the longest name a socket address holds: sun_path less the
// terminating NUL (104 bytes on the BSDs and macOS, 108 on Linux).
const maxPath = len(unix.RawSockaddrUnix{}.Path) - 1

// resolve checks path and converts it for the socket calls. A name that
// starts with "@" is abstract: on Linux x/sys/unix turns the "@" into the
// leading NUL byte that marks such names (unix(7)); elsewhere there are no
// abstract names, and a file named "@..." is refused rather than made, so
// that the same string never means two things.
func resolve(op, network, path string) (*unix.SockaddrUnix, *net.UnixAddr, error) {
	addr := &net.UnixAddr{Name: path, Net: network}
	fail := func(err error) error { return &net.OpError{Op: op, Net: network, Addr: addr, Err: err} }
	switch {
	case path == "":
		return nil, nil, &net.OpError{Op: op, Net: network, Err: errors.New("empty socket path")}
	case len(path) > maxPath:
		return nil, nil, fail(fmt.Errorf("socket path is %d bytes; the limit here is %d", len(path), maxPath))
	case strings.HasPrefix(path, "@") && !abstractNames:
		return nil, nil, fail(errors.New("abstract socket names (starting with @) exist only on Linux"))
	case !strings.HasPrefix(path, "@") && strings.IndexByte(path, 0) >= 0:
		return nil, nil, fail(errors.New("socket path contains a NUL byte"))
	}
	return &unix.SockaddrUnix{Name: path}, addr, nil
}

// sockAddr converts an address from the kernel, or returns nil for an
// unnamed socket: the connecting end of a connection, or either end of a
// pair. Linux reports an unnamed socket as a lone NUL, which x/sys/unix
// renders "@"; an abstract socket bound to the one-byte name NUL would
// read the same, and is taken for unnamed too.
func sockAddr(sa unix.Sockaddr, network string) *net.UnixAddr {
	s, ok := sa.(*unix.SockaddrUnix)
	if !ok || s.Name == "" || (abstractNames && s.Name == "@") {
		return nil
	}
	return &net.UnixAddr{Name: s.Name, Net: network}
}

// isAbstract reports whether path names no file.
func isAbstract(path string) bool { return abstractNames && strings.HasPrefix(path, "@") }
