package http1

import (
	"strings"
	"testing"
)

func parseResp(s string) (*responseHead, int, error) {
	h := new(responseHead)
	h.reset()
	n, err := parseResponseHead([]byte(s), nil, h)
	return h, n, err
}

// responseHeads are response heads with the status of the parse (200
// accepted, 0 needs more, else the error's class) and, when accepted, the
// status code and how a body to GET would be framed.
var responseHeads = []struct {
	name    string
	head    string
	parse   int
	code    int
	framing framing
}{
	{"ok with length", "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n", 200, 200, framingLength},
	{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 200, 200, framingChunked},
	{"gzip then chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 200, 200, framingChunked},
	{"coding not chunked: until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 200, 200, framingClose},
	{"no length: until close", "HTTP/1.1 200 OK\r\n\r\n", 200, 200, framingClose},
	{"no reason", "HTTP/1.1 204 \r\n\r\n", 200, 204, framingNone},
	{"no reason, no space", "HTTP/1.1 204\r\n\r\n", 200, 204, framingNone},
	{"reason with spaces and obs-text", "HTTP/1.1 404 Not \xe9 Found\r\nContent-Length: 0\r\n\r\n", 200, 404, framingLength},
	{"continue", "HTTP/1.1 100 Continue\r\n\r\n", 200, 100, framingNone},
	{"not modified with length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 200, 304, framingNone},
	{"HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", 200, 200, framingLength},
	{"identical lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n", 200, 200, framingLength},
	{"empty line first", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n", 200, 200, framingLength},

	{"length and chunked", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, 0, 0},
	{"chunked in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 400, 0, 0},
	{"chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400, 0, 0},
	{"differing lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, 0, 0},
	{"bad length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 400, 0, 0},
	{"two-digit status", "HTTP/1.1 20 OK\r\n\r\n", 400, 0, 0},
	{"four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", 400, 0, 0},
	{"status 099", "HTTP/1.1 099 Odd\r\n\r\n", 400, 0, 0},
	{"status 600", "HTTP/1.1 600 Odd\r\n\r\n", 400, 0, 0},
	{"status letters", "HTTP/1.1 2x0 OK\r\n\r\n", 400, 0, 0},
	{"no status", "HTTP/1.1\r\n\r\n", 400, 0, 0},
	{"lower-case version", "http/1.1 200 OK\r\n\r\n", 400, 0, 0},
	{"version 2", "HTTP/2.0 200 OK\r\n\r\n", 505, 0, 0},
	{"NUL in reason", "HTTP/1.1 200 O\x00K\r\n\r\n", 400, 0, 0},
	{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", 400, 0, 0},
	{"obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", 400, 0, 0},
	{"space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", 400, 0, 0},
	{"too long status line", "HTTP/1.1 200 " + strings.Repeat("K", 9000) + "\r\n\r\n", 414, 0, 0},
	{"too many fields", "HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", 101) + "\r\n", 431, 0, 0},

	{"partial", "HTTP/1.1 200 OK\r\nContent-Len", 0, 0, 0},
}

func TestResponseHeads(t *testing.T) {
	get := []byte("GET")
	for _, tc := range responseHeads {
		t.Run(tc.name, func(t *testing.T) {
			h, n, err := parseResp(tc.head)
			if got := statusOf(n, err); got != tc.parse {
				t.Fatalf("parse status %d (n=%d, err=%v), want %d", got, n, err, tc.parse)
			}
			if tc.parse == 200 {
				if n != len(tc.head) || h.status != tc.code {
					t.Errorf("n=%d status=%d, want %d and %d", n, h.status, len(tc.head), tc.code)
				}
				if f := responseFraming(get, h); f != tc.framing {
					t.Errorf("framing %d, want %d", f, tc.framing)
				}
			}
			whole := describeResp(h, n, err)
			data := []byte(tc.head)
			step := 1
			if len(data) > 2000 {
				step = 997
			}
			for i := 0; i <= len(data); i += step {
				if got := splitResp(data, nil, i); got != whole {
					t.Fatalf("split at %d:\n%s\nwhole:\n%s", i, got, whole)
				}
			}
		})
	}
}

// RFC 9112 section 6.3, rule by rule: how the request method and the
// response's status and fields decide where its body ends.
func TestResponseFraming(t *testing.T) {
	for _, tc := range []struct {
		method string
		head   string
		want   framing
		keep   bool
	}{
		// Rule 1: HEAD, 1xx, 204 and 304 have no body, whatever the fields say.
		{"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", framingNone, true},
		{"HEAD", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", framingNone, true},
		{"GET", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", framingNone, false},
		{"GET", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", framingNone, true},
		{"GET", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", framingNone, true},
		{"GET", "HTTP/1.1 304 Not Modified\r\n\r\n", framingNone, true},
		// Rule 2: a 2xx to CONNECT turns the connection into a tunnel.
		{"CONNECT", "HTTP/1.1 200 Connection established\r\n\r\n", framingTunnel, false},
		{"CONNECT", "HTTP/1.1 407 Proxy Auth\r\nContent-Length: 0\r\n\r\n", framingLength, true},
		// Rule 4: chunked last, else (another coding last) until close.
		{"GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", framingChunked, true},
		{"GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", framingClose, false},
		// Rule 6: Content-Length.
		{"POST", "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", framingLength, true},
		{"GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n", framingLength, false},
		{"GET", "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n", framingLength, false},
		{"GET", "HTTP/1.0 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n", framingLength, true},
		// Rule 8: otherwise until the server closes.
		{"GET", "HTTP/1.1 200 OK\r\n\r\n", framingClose, false},
		{"GET", "HTTP/1.1 500 Oops\r\nConnection: keep-alive\r\n\r\n", framingClose, false},
	} {
		h, n, err := parseResp(tc.head)
		if err != nil || n != len(tc.head) {
			t.Fatalf("%q: n=%d err=%v", tc.head, n, err)
		}
		m := []byte(tc.method)
		if got := responseFraming(m, h); got != tc.want {
			t.Errorf("%s %q: framing %d, want %d", tc.method, tc.head, got, tc.want)
		}
		if got := responseKeepAlive(m, h); got != tc.keep {
			t.Errorf("%s %q: keep-alive %v, want %v", tc.method, tc.head, got, tc.keep)
		}
	}
}

// RFC 9112 section 6.3 rule 3: with both Transfer-Encoding and
// Content-Length the message "ought to be handled as an error"; the client
// does so, since such a response may be split differently by a proxy.
func TestResponseRejectContentLengthWithTransferEncoding(t *testing.T) {
	_, _, err := parseResp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")
	if statusOf(0, err) != 400 {
		t.Errorf("error %v", err)
	}
}

func TestResponseFieldsAndReason(t *testing.T) {
	h, _, err := parseResp("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if string(h.reason()) != "Not Found" || h.contentLength != 9 {
		t.Errorf("reason %q length %d", h.reason(), h.contentLength)
	}
	if v, ok := h.fields.get("content-type"); !ok || string(v) != "text/plain" {
		t.Errorf("content-type %q %v", v, ok)
	}
}

func TestResponseHeadAllocs(t *testing.T) {
	buf := []byte("HTTP/1.1 200 OK\r\nDate: Thu, 03 Dec 2026 17:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n")
	h := new(responseHead)
	allocs := testing.AllocsPerRun(100, func() {
		h.reset()
		if n, err := parseResponseHead(buf, nil, h); n != len(buf) || err != nil {
			t.Fatalf("n=%d err=%v", n, err)
		}
	})
	if allocs != 0 {
		t.Errorf("%d allocations per parse", int(allocs))
	}
}
