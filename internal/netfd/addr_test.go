package netfd

import (
	"net/netip"
	"testing"
)

func TestLiteralAddrPort(t *testing.T) {
	for _, c := range []struct {
		host, port     string
		any            bool
		want           string
		hostOK, portOK bool
	}{
		{"127.0.0.1", "80", false, "127.0.0.1:80", true, true},
		{"LocalHost", "0", false, "127.0.0.1:0", true, true},
		{"", "9", true, "0.0.0.0:9", true, true},
		{"", "9", false, "", false, true},
		{"::ffff:10.0.0.1", "1", false, "10.0.0.1:1", true, true},
		{"::1", "443", false, "[::1]:443", true, true},
		{"example.com", "http", false, "", false, false},
		{"10.0.0.1", "65536", false, "", true, false},
	} {
		ap, hostOK, portOK := LiteralAddrPort(c.host, c.port, c.any)
		if hostOK != c.hostOK || portOK != c.portOK || (hostOK && portOK && ap != netip.MustParseAddrPort(c.want)) {
			t.Errorf("LiteralAddrPort(%q, %q, %v) = %v, %v, %v; want %s, %v, %v", c.host, c.port, c.any, ap, hostOK, portOK, c.want, c.hostOK, c.portOK)
		}
	}
}
