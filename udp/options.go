package udp

import (
	"net"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"
)

// SetBroadcast allows or forbids sending to a broadcast address
// (SO_BROADCAST); the kernel refuses such sends with EACCES otherwise.
func (c *Conn) SetBroadcast(on bool) error {
	return c.setInt("set broadcast", unix.SOL_SOCKET, unix.SO_BROADCAST, boolInt(on))
}

// Broadcast reports whether sending to a broadcast address is allowed.
func (c *Conn) Broadcast() (bool, error) {
	v, err := c.getInt("get broadcast", unix.SOL_SOCKET, unix.SO_BROADCAST)
	return v != 0, err
}

// SetReadBuffer sets the size of the kernel's receive buffer (SO_RCVBUF),
// which holds the datagrams that arrive while no receive is running; the
// kernel drops those that do not fit. It may round or cap n (Linux doubles
// it, up to net.core.rmem_max).
func (c *Conn) SetReadBuffer(n int) error {
	return c.setInt("set read buffer", unix.SOL_SOCKET, unix.SO_RCVBUF, n)
}

// SetWriteBuffer sets the size of the kernel's send buffer (SO_SNDBUF).
func (c *Conn) SetWriteBuffer(n int) error {
	return c.setInt("set write buffer", unix.SOL_SOCKET, unix.SO_SNDBUF, n)
}

// JoinGroup makes the socket receive the datagrams sent to the multicast
// group on the interface ifi, or on the one the kernel picks by its routes
// if ifi is nil; it turns on multicast loopback too, so that datagrams this
// host sends to the group are received here as well. To receive them the
// socket must be bound to the group's port and to the wildcard address or
// the group itself, not to a unicast address. An IPv4 group is joined with
// IP_ADD_MEMBERSHIP, an IPv6 one with IPV6_JOIN_GROUP.
func (c *Conn) JoinGroup(group netip.Addr, ifi *net.Interface) error {
	return c.membership("join group", group, ifi, true)
}

// LeaveGroup undoes JoinGroup.
func (c *Conn) LeaveGroup(group netip.Addr, ifi *net.Interface) error {
	return c.membership("leave group", group, ifi, false)
}

// SetMulticastInterface sets the interface that datagrams sent to a
// multicast group leave by (IP_MULTICAST_IF, IPV6_MULTICAST_IF), or lets
// the kernel pick it by its routes if ifi is nil.
func (c *Conn) SetMulticastInterface(ifi *net.Interface) error {
	if c.dom == unix.AF_INET6 {
		index := 0 // the kernel picks
		if ifi != nil {
			index = ifi.Index
		}
		return c.setInt("set multicast interface", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, index)
	}
	err := c.p.Control(func(fd int) error { return setMulticastIf4(fd, ifi) })
	return c.optError("set multicast interface", err)
}

// SetMulticastLoopback sets whether datagrams this socket sends to a
// multicast group are delivered to the group's members on this host too.
func (c *Conn) SetMulticastLoopback(on bool) error {
	if c.dom == unix.AF_INET6 {
		return c.setInt("set multicast loopback", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_LOOP, boolInt(on))
	}
	return c.setInt("set multicast loopback", unix.IPPROTO_IP, unix.IP_MULTICAST_LOOP, boolInt(on))
}

// membership joins or leaves group. An IPv4 group may be joined on an IPv6
// socket where the system allows it (Linux does, for a dual-stack socket).
func (c *Conn) membership(op string, group netip.Addr, ifi *net.Interface, join bool) error {
	if !group.IsMulticast() {
		return c.optError(op, &net.AddrError{Err: "not a multicast address", Addr: group.String()})
	}
	if group.Is4In6() {
		group = group.Unmap()
	}
	var err error
	switch {
	case group.Is4():
		err = c.p.Control(func(fd int) error { return membership4(fd, group.As4(), ifi, join) })
	case c.dom == unix.AF_INET6:
		err = c.p.Control(func(fd int) error { return membership6(fd, group.As16(), ifi, join) })
	default:
		err = errFamily
	}
	if err == nil && join {
		return c.SetMulticastLoopback(true)
	}
	return c.optError(op, err)
}

// membership6 is the IPv6 membership call, the same on every system.
func membership6(fd int, group [16]byte, ifi *net.Interface, join bool) error {
	mreq := &unix.IPv6Mreq{Multiaddr: group}
	if ifi != nil {
		mreq.Interface = uint32(ifi.Index)
	}
	opt, name := unix.IPV6_JOIN_GROUP, "setsockopt IPV6_JOIN_GROUP"
	if !join {
		opt, name = unix.IPV6_LEAVE_GROUP, "setsockopt IPV6_LEAVE_GROUP"
	}
	return os.NewSyscallError(name, unix.SetsockoptIPv6Mreq(fd, unix.IPPROTO_IPV6, opt, mreq))
}

func (c *Conn) setInt(op string, level, opt, v int) error {
	err := c.p.Control(func(fd int) error {
		return os.NewSyscallError("setsockopt", unix.SetsockoptInt(fd, level, opt, v))
	})
	return c.optError(op, err)
}

func (c *Conn) getInt(op string, level, opt int) (int, error) {
	var v int
	err := c.p.Control(func(fd int) error {
		var err error
		v, err = unix.GetsockoptInt(fd, level, opt)
		return os.NewSyscallError("getsockopt", err)
	})
	return v, c.optError(op, err)
}

// optError describes a failed option as an OpError, or returns nil.
func (c *Conn) optError(op string, err error) error {
	if err == nil {
		return nil
	}
	return c.p.OpError(op, err)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
