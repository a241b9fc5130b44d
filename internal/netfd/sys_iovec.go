//go:build linux || freebsd || netbsd

package netfd

import "golang.org/x/sys/unix"

// armedShortenIovecs is armedShorten for a writev of iov: it returns the
// entries to write, a copy cut to the short count of the fault armed for
// the call if there is one (cutIovecs), so that the caller's array stays
// as it was. Writev makes the check of injected itself, as write does.
//
//go:noinline
func armedShortenIovecs(fd int, iov []unix.Iovec) ([]unix.Iovec, error) {
	n, err := armedWritevLimit(fd)
	switch {
	case err != nil:
		return nil, err
	case n >= 0:
		return cutIovecs(iov, n), nil
	}
	return iov, nil
}
