package unixsock

import (
	"errors"
	"net"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
)

// FuzzResolve checks resolve, the parser of socket paths and abstract
// names, on any text, and the conversions of what it returns to the
// kernel's form and back. Run it with
//
//	go test -run='^$' -fuzz='^FuzzResolve$' -fuzztime=5s -parallel=1 ./unixsock
//
// It checks that
//
//   - a path is taken exactly when it is not empty, fits sun_path with
//     room for the terminating NUL (107 bytes on Linux: the limit
//     x/sys/unix applies when it converts the address, abstract names
//     included), names an abstract socket ("@...") only where there are
//     such, and, unless abstract, holds no NUL byte (which would cut the
//     path short in the kernel's eyes);
//   - an error is a *net.OpError of the operation and network, naming
//     the path (except an empty one, which says so);
//   - what is taken is the path, unchanged, in both the socket address
//     and the *net.UnixAddr, whose String resolves to the same again;
//   - the path, written into a RawAddr as sendto(2) takes it and read back
//     as recvfrom(2) gives it, is the same path (an abstract name keeps
//     its NUL bytes, since Linux gives an abstract name's length rather
//     than ending it at a NUL), and sockAddr, reading it from the kernel,
//     gives it back, except the lone "@", which is how Linux reports an
//     unnamed socket.
//
// An intentional difference from the net package (whose syscall package
// lets an abstract name fill all 108 bytes of sun_path): the limit is 107
// bytes for every name, x/sys/unix's, so that every name resolve takes can
// also be converted.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"/tmp/sock", "sock", "@abstract", "@", "@@", "", "\x00abstract", "/tmp/a\x00b", "@a\x00b",
		strings.Repeat("p", maxPath), strings.Repeat("p", maxPath+1), "@" + strings.Repeat("a", maxPath-1),
		"@" + strings.Repeat("a", maxPath), "/tmp/\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		const op, network = "dial", "unixgram"
		sa, addr, err := resolve(op, network, path)
		abstract := strings.HasPrefix(path, "@")
		fits := len(path) <= len(unix.RawSockaddrUnix{}.Path)-1
		wellFormed := path != "" && (!abstract || abstractNames) && (abstract || !strings.Contains(path, "\x00"))
		want := fits && wellFormed

		// x/sys/unix converts the address before the system call, and
		// refuses one it cannot convert with EINVAL; on descriptor -1 the
		// call itself fails with EBADF and does nothing.
		xsysTakes := unix.Connect(-1, &unix.SockaddrUnix{Name: path}) != unix.EINVAL
		if err == nil && !xsysTakes {
			t.Errorf("resolve(%q) takes a name x/sys/unix cannot convert", path)
		}
		if err != nil && wellFormed && xsysTakes {
			t.Errorf("resolve(%q) refuses it for its length, but x/sys/unix takes it: %v", path, err)
		}

		if err != nil {
			var oe *net.OpError
			if !errors.As(err, &oe) || oe.Op != op || oe.Net != network {
				t.Errorf("resolve(%q): %#v; want a *net.OpError of %s %s", path, err, op, network)
			}
			if path != "" && !strings.Contains(err.Error(), path) || path == "" && !strings.Contains(err.Error(), "empty") {
				t.Errorf("resolve(%q): %q does not name the path", path, err)
			}
			if want {
				t.Errorf("resolve(%q) refuses it: %v", path, err)
			}
			return
		}
		if !want {
			t.Fatalf("resolve(%q) takes it", path)
		}
		if sa.Name != path || addr.Name != path || addr.Net != network {
			t.Fatalf("resolve(%q) = %q, %#v", path, sa.Name, addr)
		}
		if sa2, addr2, err := resolve(op, network, addr.String()); err != nil || sa2.Name != path || addr2.Name != path {
			t.Errorf("resolve(%q): the String of its address resolves to %v, %v, %v", path, sa2, addr2, err)
		}

		var raw netfd.RawAddr
		if err := raw.Set(sa); err != nil {
			t.Fatalf("resolve(%q) takes a path RawAddr refuses: %v", path, err)
		}
		back, err := raw.Sockaddr()
		if err != nil {
			t.Fatalf("resolve(%q): the RawAddr of the path: %v", path, err)
		}
		if u, ok := back.(*unix.SockaddrUnix); !ok || u.Name != path {
			t.Fatalf("resolve(%q): the RawAddr of the path reads back as %#v", path, back)
		}
		got := sockAddr(back, network)
		if path == "@" && abstractNames {
			if got != nil {
				t.Errorf("sockAddr(%q) = %v; want nil, an unnamed socket", path, got)
			}
		} else if got == nil || got.Name != path || got.Net != network {
			t.Errorf("sockAddr(%q) = %v; want the same name", path, got)
		}
	})
}
