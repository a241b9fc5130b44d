package tcp

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// ListenConfig holds the options of a listening socket. The zero value is
// Listen's configuration.
type ListenConfig struct {
	// Backlog is the length of the queue of connections that the kernel
	// has completed and Accept has not yet taken. 0 asks for the system's
	// maximum (net.core.somaxconn on Linux); the kernel cuts a larger
	// value to that maximum.
	Backlog int

	// ReusePort sets SO_REUSEPORT, which lets several sockets, in one
	// process or several, listen on the same address and port; Linux
	// then spreads the incoming connections among them. Every socket
	// bound to the port must set it.
	ReusePort bool
}

// Listen binds a socket to addr, as Listen does, with lc's options.
// SO_REUSEADDR is always set: it lets a restarted server bind its port
// while connections of the last run are in TIME_WAIT.
func (lc ListenConfig) Listen(addr string) (*Listener, error) {
	if lc.Backlog < 0 {
		return nil, fmt.Errorf("tcp: listen %s: negative backlog %d", addr, lc.Backlog)
	}
	ep, _, err := resolve("listen", addr, true)
	if err != nil {
		return nil, err
	}
	fd, err := newSocket(ep.domain)
	if err != nil {
		return nil, fmt.Errorf("tcp: listen %s: socket: %w", addr, err)
	}
	if err := lc.bindListen(fd, ep.sa); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("tcp: listen %s: %w", addr, err)
	}
	return newListener(fd), nil
}

// bindListen sets the options of a listening socket, binds and listens.
func (lc ListenConfig) bindListen(fd int, sa unix.Sockaddr) error {
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fmt.Errorf("setsockopt SO_REUSEADDR: %w", err)
	}
	if lc.ReusePort {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return fmt.Errorf("setsockopt SO_REUSEPORT: %w", err)
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fmt.Errorf("bind: %w", err)
	}
	backlog := lc.Backlog
	if backlog == 0 {
		backlog = listenBacklog()
	}
	if err := unix.Listen(fd, backlog); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return nil
}
