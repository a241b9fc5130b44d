package netfd

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// RawAddr is a socket address in the kernel's own format, with its length:
// what recvfrom(2) fills in and sendto(2) reads. A socket package converts
// it to and from its own address type (udp reads and writes the
// internet forms directly, as RawSockaddrInet4 and RawSockaddrInet6,
// without allocating); Sockaddr and Set convert it to and from the
// unix.Sockaddr forms for everyone else.
//
// The length fields the BSDs keep inside the address itself are neither
// set nor read: on those systems the address reaches the kernel through
// unix.Sockaddr.
type RawAddr struct {
	Any unix.RawSockaddrAny
	Len uint32 // bytes of Any in use
}

// Family returns the address family, such as unix.AF_INET, or
// unix.AF_UNSPEC if the address is empty.
func (a *RawAddr) Family() int {
	if a.Len < uint32(unsafe.Offsetof(a.Any.Addr.Family)+unsafe.Sizeof(a.Any.Addr.Family)) {
		return unix.AF_UNSPEC
	}
	return int(a.Any.Addr.Family)
}

// Inet4 returns the address as IPv4, or nil if it is not one.
func (a *RawAddr) Inet4() *unix.RawSockaddrInet4 {
	if a.Family() != unix.AF_INET || a.Len < unix.SizeofSockaddrInet4 {
		return nil
	}
	return (*unix.RawSockaddrInet4)(unsafe.Pointer(&a.Any))
}

// Inet6 returns the address as IPv6, or nil if it is not one.
func (a *RawAddr) Inet6() *unix.RawSockaddrInet6 {
	if a.Family() != unix.AF_INET6 || a.Len < unix.SizeofSockaddrInet6 {
		return nil
	}
	return (*unix.RawSockaddrInet6)(unsafe.Pointer(&a.Any))
}

// SetInet4 makes a an IPv4 address. It allocates nothing.
func (a *RawAddr) SetInet4(ip [4]byte, port uint16) {
	a.Any = unix.RawSockaddrAny{}
	sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(&a.Any))
	sa.Family = unix.AF_INET
	putPort(&sa.Port, port)
	sa.Addr = ip
	a.Len = unix.SizeofSockaddrInet4
}

// SetInet6 makes a an IPv6 address; scope is the interface index of a
// link-local address, or 0. It allocates nothing.
func (a *RawAddr) SetInet6(ip [16]byte, port uint16, scope uint32) {
	a.Any = unix.RawSockaddrAny{}
	sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(&a.Any))
	sa.Family = unix.AF_INET6
	putPort(&sa.Port, port)
	sa.Addr = ip
	sa.Scope_id = scope
	a.Len = unix.SizeofSockaddrInet6
}

// Port reads a port of an internet address, which the kernel keeps in
// network byte order, whatever the machine's.
func Port(p *uint16) uint16 {
	return binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(p))[:])
}

func putPort(p *uint16, port uint16) {
	binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(p))[:], port)
}

// Set makes a the address sa: an internet or a Unix address (a name that
// starts with '@' is abstract, on Linux).
func (a *RawAddr) Set(sa unix.Sockaddr) error {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		a.SetInet4(sa.Addr, uint16(sa.Port))
	case *unix.SockaddrInet6:
		a.SetInet6(sa.Addr, uint16(sa.Port), sa.ZoneId)
	case *unix.SockaddrUnix:
		return a.setUnix(sa.Name)
	default:
		return fmt.Errorf("netfd: socket address %T is not an internet or a Unix address", sa)
	}
	return nil
}

// setUnix stores a Unix socket name as the kernel wants it: NUL-terminated,
// or, for an abstract name, with a leading NUL and no terminator.
func (a *RawAddr) setUnix(name string) error {
	a.Any = unix.RawSockaddrAny{}
	sa := (*unix.RawSockaddrUnix)(unsafe.Pointer(&a.Any))
	if len(name) >= len(sa.Path) {
		return fmt.Errorf("netfd: Unix socket name %q is longer than %d bytes", name, len(sa.Path)-1)
	}
	sa.Family = unix.AF_UNIX
	for i := range len(name) {
		sa.Path[i] = int8(name[i])
	}
	n := len(name)
	switch {
	case n > 0 && name[0] == '@':
		sa.Path[0] = 0
	case n > 0:
		n++ // the terminating NUL
	}
	a.Len = uint32(unsafe.Offsetof(sa.Path)) + uint32(n)
	return nil
}

// Sockaddr converts a to x/sys/unix's form, which allocates.
func (a *RawAddr) Sockaddr() (unix.Sockaddr, error) {
	switch a.Family() {
	case unix.AF_INET:
		if sa := a.Inet4(); sa != nil {
			return &unix.SockaddrInet4{Port: int(Port(&sa.Port)), Addr: sa.Addr}, nil
		}
	case unix.AF_INET6:
		if sa := a.Inet6(); sa != nil {
			return &unix.SockaddrInet6{Port: int(Port(&sa.Port)), ZoneId: sa.Scope_id, Addr: sa.Addr}, nil
		}
	case unix.AF_UNIX:
		return &unix.SockaddrUnix{Name: a.unixName()}, nil
	}
	return nil, fmt.Errorf("netfd: socket address of family %d and %d bytes is not an internet or a Unix address", a.Family(), a.Len)
}

// unixName reads a Unix socket name: empty for an unnamed socket, '@' and
// the rest for an abstract one, else the path up to its NUL.
func (a *RawAddr) unixName() string {
	sa := (*unix.RawSockaddrUnix)(unsafe.Pointer(&a.Any))
	off := uint32(unsafe.Offsetof(sa.Path))
	if a.Len <= off {
		return ""
	}
	n := min(int(a.Len-off), len(sa.Path))
	b := make([]byte, 0, n)
	for i := range n {
		c := byte(sa.Path[i])
		if i == 0 && c == 0 {
			c = '@'
		} else if c == 0 && b[0] != '@' {
			break
		}
		b = append(b, c)
	}
	return string(b)
}
