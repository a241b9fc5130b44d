//go:build linux || freebsd || netbsd

package tcp

import "golang.org/x/sys/unix"

// keepAliveOptions are the options SetKeepAlivePeriod sets.
var keepAliveOptions = []struct {
	name int
	text string
}{{unix.TCP_KEEPIDLE, "TCP_KEEPIDLE"}, {unix.TCP_KEEPINTVL, "TCP_KEEPINTVL"}}
