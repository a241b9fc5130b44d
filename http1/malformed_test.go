package http1

import (
	"strings"
	"testing"
)

// hostileRequests are malformed or hostile request heads with the status
// a server must answer, or 0 where the parser must wait for more bytes.
// The named strictness tests explain the rules; this table is their
// breadth.
var hostileRequests = []struct {
	name   string
	head   string
	status int
}{
	// Request line.
	{"empty method", " / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"no target", "GET HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"double space after method", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"double space before version", "GET /  HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"trailing space after version", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400},
	{"tab separator", "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"HTTP/0.9 simple request", "GET /\r\n\r\n", 400},
	{"method with slash", "GE/T / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"method with NUL", "GE\x00T / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"method with high byte", "G\xc3\xa9T / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"TLS client hello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400},
	{"method brackets", "[GET] / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"target with space", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"target with NUL", "GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"target with DEL", "GET /a\x7fb HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"target with raw UTF-8", "GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"target with fragment", "GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"target with CR", "GET /a\rb HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"relative target", "GET a/b HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"asterisk with GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"CONNECT with path", "CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"CONNECT without port", "CONNECT example.com HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"CONNECT with userinfo", "CONNECT user@example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"lower-case version", "GET / http/1.1\r\nHost: x\r\n\r\n", 400},
	{"version without minor", "GET / HTTP/1\r\nHost: x\r\n\r\n", 400},
	{"version two-digit minor", "GET / HTTP/1.10\r\nHost: x\r\n\r\n", 400},
	{"version letters", "GET / HTTP/x.y\r\nHost: x\r\n\r\n", 400},
	{"version 2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
	{"version 0.9", "GET / HTTP/0.9\r\nHost: x\r\n\r\n", 505},
	{"version 3.0", "GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505},
	{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},
	{"request line too long", "GET /" + strings.Repeat("a", 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
	{"request line too long, unfinished", "GET /" + strings.Repeat("a", 9000), 414},
	{"method too long", strings.Repeat("A", 9000), 414},
	// Line endings.
	{"bare LF after request line", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400},
	{"bare LF after field", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400},
	{"bare LF end of head", "GET / HTTP/1.1\r\nHost: x\r\n\n", 400},
	{"bare LF everywhere", "GET / HTTP/1.1\nHost: x\n\n", 400},
	{"bare CR in value", "GET / HTTP/1.1\r\nHost: x\r\nA: b\rc\r\n\r\n", 400},
	{"bare CR as line ending", "GET / HTTP/1.1\rHost: x\r\n\r\n", 400},
	{"CR CR LF", "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n", 400},
	{"bare CR before request line", "\rGET / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"too many empty lines first", strings.Repeat("\r\n", maxLeadingEmptyLines+1) + "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	{"bare LF empty line first", "\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	// Field lines.
	{"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
	{"tab before colon", "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", 400},
	{"space in name", "GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n", 400},
	{"obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n", 400},
	{"obs-fold with tab", "GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n\tc\r\n\r\n", 400},
	{"whitespace before first field", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400},
	{"no colon", "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", 400},
	{"empty name", "GET / HTTP/1.1\r\nHost: x\r\n: value\r\n\r\n", 400},
	{"name with brackets", "GET / HTTP/1.1\r\nHost: x\r\nA[1]: b\r\n\r\n", 400},
	{"name with NUL", "GET / HTTP/1.1\r\nHost: x\r\nA\x00: b\r\n\r\n", 400},
	{"name with high byte", "GET / HTTP/1.1\r\nHost: x\r\nN\xc3\xa9: b\r\n\r\n", 400},
	{"value with NUL", "GET / HTTP/1.1\r\nHost: x\r\nA: b\x00c\r\n\r\n", 400},
	{"value with DEL", "GET / HTTP/1.1\r\nHost: x\r\nA: b\x7fc\r\n\r\n", 400},
	{"value with escape", "GET / HTTP/1.1\r\nHost: x\r\nA: \x1b[31m\r\n\r\n", 400},
	{"value with vertical tab", "GET / HTTP/1.1\r\nHost: x\r\nA: b\x0bc\r\n\r\n", 400},
	// Host.
	{"HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400},
	{"two Host lines", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
	{"two identical Host lines", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400},
	{"two Host lines in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400},
	{"Host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
	{"Host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
	{"Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400},
	{"Host list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400},
	// Content-Length.
	{"CL negative", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
	{"CL plus sign", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n", 400},
	{"CL hex", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n", 400},
	{"CL empty", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n", 400},
	{"CL inner space", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 0\r\n\r\n", 400},
	{"CL overflow", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9223372036854775808\r\n\r\n", 400},
	{"CL far overflow", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400},
	{"CL differing lines", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400},
	{"CL differing list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\n", 400},
	{"CL list empty element", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5,\r\n\r\n", 400},
	{"CL decimal", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5.0\r\n\r\n", 400},
	// Transfer-Encoding.
	{"CL and TE", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
	{"TE and CL", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400},
	{"TE not chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
	{"TE chunked not last", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400},
	{"TE chunked then line", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", 400},
	{"TE unknown coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo\r\n\r\n", 400},
	{"TE gzip then chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
	{"TE unknown then chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo, chunked\r\n\r\n", 501},
	{"TE chunked twice", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400},
	{"TE chunked on two lines", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
	{"TE chunked with parameter", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", 400},
	{"TE empty", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\n\r\n", 400},
	{"TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
	{"TE quoted", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", 400},
	{"TE with vertical tab", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \x0bchunked\r\n\r\n", 400},
	{"TE name with space", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n", 400},
	{"TE xchunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n", 400},
	// Limits.
	{"too many fields", "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("A: b\r\n", 100) + "\r\n", 431},
	{"header too large", "GET / HTTP/1.1\r\nHost: x\r\nA: " + strings.Repeat("b", 70000) + "\r\n\r\n", 431},
	{"header too large, unfinished", "GET / HTTP/1.1\r\nHost: x\r\nA: " + strings.Repeat("b", 70000), 431},
	{"endless small fields", "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("A: b\r\n", 20000), 431},
	// Needs more.
	{"empty", "", 0},
	{"only CRLF", "\r\n", 0},
	{"partial method", "GE", 0},
	{"request line without CRLF", "GET / HTTP/1.1", 0},
	{"request line CR only", "GET / HTTP/1.1\r", 0},
	{"no final CRLF", "GET / HTTP/1.1\r\nHost: x\r\n", 0},
	{"final CR only", "GET / HTTP/1.1\r\nHost: x\r\n\r", 0},
	{"field without CRLF", "GET / HTTP/1.1\r\nHost: x", 0},
}

// TestHostileRequests runs the hostile table whole and split at every
// point (the split must come to the same answer).
func TestHostileRequests(t *testing.T) {
	if len(hostileRequests) < 60 {
		t.Fatalf("the hostile table has %d cases, want at least 60", len(hostileRequests))
	}
	for _, tc := range hostileRequests {
		t.Run(tc.name, func(t *testing.T) {
			h, n, err := parseReq(tc.head, nil)
			if got := statusOf(n, err); got != tc.status {
				t.Fatalf("status %d (n=%d, err=%v), want %d", got, n, err, tc.status)
			}
			whole := describeReq(h, n, err)
			data := []byte(tc.head)
			step := 1
			if len(data) > 2000 {
				step = 997 // the long cases: a few hundred splits are plenty
			}
			for i := 0; i < len(data); i += step {
				if got := splitReq(data, nil, i); got != whole {
					t.Fatalf("split at %d: %s\nwhole: %s", i, got, whole)
				}
			}
		})
	}
}
