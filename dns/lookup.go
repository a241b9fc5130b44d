package dns

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/asyncgo/async"
)

// Resolver looks names up with a net.Resolver of the caller's choosing:
// one with PreferGo and a Dial of its own, say, to ask a particular server.
// It is safe for concurrent use, as the net.Resolver must be.
type Resolver struct {
	r *net.Resolver
}

// NewResolver returns a Resolver that asks r; nil means net.DefaultResolver.
func NewResolver(r *net.Resolver) *Resolver {
	if r == nil {
		r = net.DefaultResolver
	}
	return &Resolver{r: r}
}

// Lookup is Resolver.Lookup with net.DefaultResolver.
func Lookup(host string) async.Future[async.Result[[]netip.Addr]] {
	return lookup(net.DefaultResolver, host)
}

// Lookup returns a future of host's addresses, IPv4 and IPv6 (the
// resolver's network "ip"). An IP address literal and "localhost" are
// ready on the first poll; other names are looked up on a goroutine that
// the first poll starts and that cancelling the future stops. The error of
// a failed lookup is a *net.DNSError naming host; IsNotFound is set when
// the name has no addresses.
func (r *Resolver) Lookup(host string) async.Future[async.Result[[]netip.Addr]] {
	return lookup(r.r, host)
}

func lookup(r *net.Resolver, host string) async.Future[async.Result[[]netip.Addr]] {
	if addrs, ok := literal(host); ok {
		return async.Ready(async.Ok(addrs))
	}
	if host == "" {
		return async.Ready(async.Err[[]netip.Addr](emptyHost()))
	}
	return newBlockingFuture(func(ctx context.Context) ([]netip.Addr, error) {
		return resolveHost(ctx, r, host)
	})
}

// literal returns the addresses of host when it takes no lookup: an IP
// address, or localhost.
func literal(host string) ([]netip.Addr, bool) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, true
	}
	if isLocalhost(host) {
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}, true
	}
	return nil, false
}

// isLocalhost reports whether host is the name localhost, with or without
// the root's dot, in any case.
func isLocalhost(host string) bool {
	return strings.EqualFold(strings.TrimSuffix(host, "."), "localhost")
}

// resolveHost asks r for host's addresses; it blocks.
func resolveHost(ctx context.Context, r *net.Resolver, host string) ([]netip.Addr, error) {
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		// The net package reports "no such host" itself; this guards a
		// custom resolver's odd answer, so callers can index [0].
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	// Some resolvers give IPv4 answers in IPv6 form (Go issue 53554).
	for i := range addrs {
		addrs[i] = addrs[i].Unmap()
	}
	return addrs, nil
}

func emptyHost() error {
	return &net.DNSError{Err: "empty host name", IsNotFound: true}
}
