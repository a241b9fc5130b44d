package tcp

import "golang.org/x/sys/unix"

// keepAliveOptions are the options SetKeepAlivePeriod sets.
var keepAliveOptions = []struct {
	name int
	text string
}{{unix.TCP_KEEPALIVE, "TCP_KEEPALIVE"}, {unix.TCP_KEEPINTVL, "TCP_KEEPINTVL"}}
