package dns

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/asyncgo/async"
)

// LookupHostPort is Resolver.LookupHostPort with net.DefaultResolver.
func LookupHostPort(hostport string) async.Future[async.Result[[]netip.AddrPort]] {
	return lookupHostPort(net.DefaultResolver, hostport)
}

// LookupHostPort returns a future of the addresses of hostport, "host:port"
// as net.Dial takes it ("[::1]:80" for IPv6): one address and port for each
// of host's addresses, in the order Lookup gives them, for a caller that
// tries each in turn. The port is a number or a TCP service name such as
// "https", which is looked up too (on the same goroutine as the host: the
// services database is a file). An IP literal or localhost with a numeric
// port is ready on the first poll without a goroutine.
//
// Every error names hostport: "dns: resolve \"db:5432\": lookup db on
// 10.0.0.53:53: no such host". errors.As finds the *net.DNSError of a
// failed lookup, or the *net.AddrError of a malformed hostport. An empty
// host is an error here (dialling ":80" means the local system, which is
// the caller's business, not a name's).
//
// package tcp's Connect will resolve names through this function; its
// signature and its order of addresses are kept stable for that.
func (r *Resolver) LookupHostPort(hostport string) async.Future[async.Result[[]netip.AddrPort]] {
	return lookupHostPort(r.r, hostport)
}

func lookupHostPort(r *net.Resolver, hostport string) async.Future[async.Result[[]netip.AddrPort]] {
	host, service, err := net.SplitHostPort(hostport)
	if err == nil && host == "" {
		err = emptyHost()
	}
	if err != nil {
		return async.Ready(async.Err[[]netip.AddrPort](hostPortError(hostport, err)))
	}
	port, numeric, err := parsePort(service)
	if err != nil {
		return async.Ready(async.Err[[]netip.AddrPort](hostPortError(hostport, err)))
	}
	addrs, isLiteral := literal(host)
	if isLiteral && numeric {
		return async.Ready(async.Ok(withPort(addrs, port)))
	}
	return newBlockingFuture(func(ctx context.Context) ([]netip.AddrPort, error) {
		if !numeric {
			p, err := r.LookupPort(ctx, "tcp", service)
			if err != nil {
				return nil, hostPortError(hostport, err)
			}
			port = uint16(p)
		}
		if !isLiteral {
			var err error
			if addrs, err = resolveHost(ctx, r, host); err != nil {
				return nil, hostPortError(hostport, err)
			}
		}
		return withPort(addrs, port), nil
	})
}

// parsePort reads a port that is all digits as a number; anything else is
// a service name, which numeric false asks the caller to look up. Its
// errors are *net.AddrError, as LookupHostPort promises for a malformed
// hostport; their Addr is left empty, since the caller's wrapping names
// the whole input.
func parsePort(service string) (port uint16, numeric bool, err error) {
	if service == "" {
		return 0, false, &net.AddrError{Err: "missing port"}
	}
	for i := 0; i < len(service); i++ {
		if service[i] < '0' || service[i] > '9' {
			return 0, false, nil
		}
	}
	n, err := strconv.ParseUint(service, 10, 16)
	if err != nil {
		return 0, false, &net.AddrError{Err: "port " + service + " is not from 0 to 65535"}
	}
	return uint16(n), true, nil
}

func withPort(addrs []netip.Addr, port uint16) []netip.AddrPort {
	aps := make([]netip.AddrPort, len(addrs))
	for i, a := range addrs {
		aps[i] = netip.AddrPortFrom(a, port)
	}
	return aps
}

func hostPortError(hostport string, err error) error {
	return fmt.Errorf("dns: resolve %q: %w", hostport, err)
}
