package dns_test

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/asyncgo/async/dns"
)

// A malformed port is a malformed hostport: the error is a *net.AddrError,
// as LookupHostPort's doc promises, and says what is wrong with which
// input. FuzzLookupHostPort found that an empty port and one over 65535
// gave plain errors, which errors.As could not tell from a failed lookup.
func TestHostPortBadPortIsAddrError(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7:":      `dns: resolve "192.0.2.7:": missing port`,
		"[::1]:":          `dns: resolve "[::1]:": missing port`,
		"192.0.2.7:65536": `dns: resolve "192.0.2.7:65536": port 65536 is not from 0 to 65535`,
		"db:99999999999":  `dns: resolve "db:99999999999": port 99999999999 is not from 0 to 65535`,
	} {
		r, ok := pollOnce(dns.LookupHostPort(in))
		var ae *net.AddrError
		if !ok || !errors.As(r.Err, &ae) || r.Err.Error() != want {
			t.Errorf("LookupHostPort(%q) = %v, %v, ready %v; want a *net.AddrError %q at once", in, r.Value, r.Err, ok, want)
		}
		var de *net.DNSError
		if errors.As(r.Err, &de) || strings.Contains(r.Err.Error(), "lookup") {
			t.Errorf("LookupHostPort(%q): %v reads as a failed lookup", in, r.Err)
		}
	}
}
