package dns_test

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// fakeDNS is a DNS server on 127.0.0.1 UDP that knows a few names, enough
// of RFC 1035 for Go's resolver: it answers A and AAAA questions for the
// names it has, NXDOMAIN for the rest, or, when silent, nothing at all.
type fakeDNS struct {
	conn   *net.UDPConn
	names  map[string][]netip.Addr // fully qualified, lower case
	silent bool
	wg     sync.WaitGroup
}

// startFakeDNS starts a server that answers for names (keys without the
// final dot), or never answers if silent; the test's cleanup stops it.
func startFakeDNS(t *testing.T, names map[string][]netip.Addr, silent bool) *fakeDNS {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeDNS{conn: conn, names: map[string][]netip.Addr{}, silent: silent}
	for name, addrs := range names {
		s.names[strings.ToLower(name)+"."] = addrs
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.stop)
	return s
}

func (s *fakeDNS) stop() {
	s.conn.Close()
	s.wg.Wait()
}

// resolver returns a pure-Go resolver that sends every query to s. Its Dial
// closes the connection when the query's context is done, so a cancelled
// lookup leaves nothing behind in the net package either.
func (s *fakeDNS) resolver() *net.Resolver {
	addr := s.conn.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, "udp", addr)
			if err != nil {
				return nil, err
			}
			context.AfterFunc(ctx, func() { c.Close() })
			return c, nil
		},
	}
}

func (s *fakeDNS) serve() {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, from, err := s.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return // closed
		}
		if s.silent {
			continue
		}
		if resp := s.answer(buf[:n]); resp != nil {
			s.conn.WriteToUDPAddrPort(resp, from)
		}
	}
}

// DNS constants of RFC 1035 (and RFC 3596 for AAAA).
const (
	headerLen   = 12
	typeA       = 1
	typeAAAA    = 28
	classIN     = 1
	flagQR      = 0x8000
	maskOpcode  = 0x7800
	flagAA      = 0x0400
	flagRD      = 0x0100
	flagRA      = 0x0080
	rcodeNXName = 3
)

// answer builds the response to query, or nil if query is malformed.
func (s *fakeDNS) answer(query []byte) []byte {
	if len(query) < headerLen || binary.BigEndian.Uint16(query[4:]) != 1 {
		return nil
	}
	name, end, ok := readName(query, headerLen)
	if !ok || end+4 > len(query) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(query[end:])
	question := query[headerLen : end+4]

	flags := uint16(flagQR|flagAA|flagRA) | binary.BigEndian.Uint16(query[2:])&(maskOpcode|flagRD)
	addrs, known := s.names[strings.ToLower(name)]
	if !known {
		flags |= rcodeNXName
	}
	var records []byte
	count := 0
	for _, a := range addrs {
		if (qtype == typeA && a.Is4()) || (qtype == typeAAAA && a.Is6()) {
			records = appendRecord(records, qtype, a.AsSlice())
			count++
		}
	}
	resp := make([]byte, headerLen, headerLen+len(question)+len(records))
	copy(resp, query[:2]) // the query's ID
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[4:], 1)
	binary.BigEndian.PutUint16(resp[6:], uint16(count))
	resp = append(resp, question...)
	return append(resp, records...)
}

// readName reads the uncompressed name at off, as "a.b.c.", and returns it
// with the offset after it.
func readName(msg []byte, off int) (string, int, bool) {
	var sb strings.Builder
	for off < len(msg) {
		n := int(msg[off])
		off++
		if n == 0 {
			if sb.Len() == 0 {
				sb.WriteByte('.')
			}
			return sb.String(), off, true
		}
		if n&0xC0 != 0 || off+n > len(msg) {
			return "", 0, false // compression never appears in a question
		}
		sb.Write(msg[off : off+n])
		sb.WriteByte('.')
		off += n
	}
	return "", 0, false
}

// appendRecord appends a resource record for the question's name (a
// pointer to offset 12) with a minute's TTL.
func appendRecord(b []byte, rtype uint16, data []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, 0xC000|headerLen)
	b = binary.BigEndian.AppendUint16(b, rtype)
	b = binary.BigEndian.AppendUint16(b, classIN)
	b = binary.BigEndian.AppendUint32(b, 60)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}
