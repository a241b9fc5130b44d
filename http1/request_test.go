package http1

import (
	"fmt"
	"strings"
	"testing"
)

// browserHead is a typical request head from a browser, about 300 bytes.
const browserHead = "GET /articles/2024/http-parsing?page=2&sort=new HTTP/1.1\r\n" +
	"Host: www.example.com\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
	"Accept-Language: en-US,en;q=0.5\r\n" +
	"Accept-Encoding: gzip, deflate, br\r\n" +
	"Connection: keep-alive\r\n" +
	"\r\n"

const minimalHead = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"

// goodRequests are heads that must be accepted, with what they must parse
// to.
var goodRequests = []struct {
	name   string
	head   string
	method string
	target string
	minor  int
	form   targetForm
	cl     int64 // -1 for none
	chunk  bool
	keep   bool
}{
	{"minimal", minimalHead, "GET", "/", 1, originForm, -1, false, true},
	{"browser", browserHead, "GET", "/articles/2024/http-parsing?page=2&sort=new", 1, originForm, -1, false, true},
	{"HTTP/1.0 without Host", "GET /x HTTP/1.0\r\n\r\n", "GET", "/x", 0, originForm, -1, false, false},
	{"HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", "GET", "/", 0, originForm, -1, false, true},
	{"HTTP/1.1 close", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "GET", "/", 1, originForm, -1, false, false},
	{"close in a list", "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, CLOSE\r\n\r\n", "GET", "/", 1, originForm, -1, false, false},
	{"HTTP/1.2 spoken as 1.1", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", "GET", "/", 1, originForm, -1, false, true},
	{"POST with length", "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n", "POST", "/up", 1, originForm, 12, false, true},
	{"POST chunked", "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "POST", "/up", 1, originForm, -1, true, true},
	{"chunked upper case", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n", "POST", "/", 1, originForm, -1, true, true},
	{"chunked after empty elements", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: , chunked ,\r\n\r\n", "POST", "/", 1, originForm, -1, true, true},
	{"identical lengths", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", "POST", "/", 1, originForm, 5, false, true},
	{"identical length list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n", "POST", "/", 1, originForm, 5, false, true},
	{"length with leading zeros", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 007\r\n\r\n", "POST", "/", 1, originForm, 7, false, true},
	{"largest length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9223372036854775807\r\n\r\n", "POST", "/", 1, originForm, 9223372036854775807, false, true},
	{"OPTIONS asterisk", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", "OPTIONS", "*", 1, asteriskForm, -1, false, true},
	{"CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "CONNECT", "example.com:443", 1, authorityForm, -1, false, true},
	{"CONNECT IPv6", "CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n", "CONNECT", "[::1]:443", 1, authorityForm, -1, false, true},
	{"absolute-form", "GET http://example.com/a?b HTTP/1.1\r\nHost: example.com\r\n\r\n", "GET", "http://example.com/a?b", 1, absoluteForm, -1, false, true},
	{"one empty line first", "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET", "/", 1, originForm, -1, false, true},
	{"most empty lines first", strings.Repeat("\r\n", maxLeadingEmptyLines) + minimalHead, "GET", "/", 1, originForm, -1, false, true},
	{"extension method", "M-SEARCH / HTTP/1.1\r\nHost: x\r\n\r\n", "M-SEARCH", "/", 1, originForm, -1, false, true},
	{"empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", "GET", "/", 1, originForm, -1, false, true},
	{"odd but valid target", "GET /a/b;c=d?e=f&g=%20h|{}^~'! HTTP/1.1\r\nHost: x\r\n\r\n", "GET", "/a/b;c=d?e=f&g=%20h|{}^~'!", 1, originForm, -1, false, true},
	{"100 fields", "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("A: b\r\n", 99) + "\r\n", "GET", "/", 1, originForm, -1, false, true},
}

func TestGoodRequests(t *testing.T) {
	for _, tc := range goodRequests {
		t.Run(tc.name, func(t *testing.T) {
			h := wantReq(t, tc.head, 200)
			got := fmt.Sprintf("%s %s 1.%d form=%d cl=%d chunked=%v keep=%v",
				h.method(), h.target(), h.minor, h.form, h.contentLength, h.chunked, h.keepAlive)
			want := fmt.Sprintf("%s %s 1.%d form=%d cl=%d chunked=%v keep=%v",
				tc.method, tc.target, tc.minor, tc.form, tc.cl, tc.chunk, tc.keep)
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

// TestRequestSplitEverywhere parses every good request split in two at
// every point, and in three at every pair of points for the short ones,
// and byte by byte: each must parse as it does whole.
func TestRequestSplitEverywhere(t *testing.T) {
	for _, tc := range goodRequests {
		data := []byte(tc.head)
		h, n, err := parseReq(tc.head, nil)
		whole := describeReq(h, n, err)
		for i := 0; i <= len(data); i++ {
			if got := splitReq(data, nil, i); got != whole {
				t.Fatalf("%s split at %d:\n%s\nwhole:\n%s", tc.name, i, got, whole)
			}
		}
		if len(data) <= 80 {
			for i := 0; i <= len(data); i++ {
				for j := i; j <= len(data); j++ {
					if got := splitReq(data, nil, i, j); got != whole {
						t.Fatalf("%s split at %d and %d:\n%s\nwhole:\n%s", tc.name, i, j, got, whole)
					}
				}
			}
		}
		cuts := make([]int, len(data))
		for i := range cuts {
			cuts[i] = i
		}
		if got := splitReq(data, nil, cuts...); got != whole {
			t.Fatalf("%s byte by byte:\n%s\nwhole:\n%s", tc.name, got, whole)
		}
	}
}

// TestRequestHeadFollowedByBody checks that n stops at the end of the head
// when a body and a pipelined request follow it in the buffer.
func TestRequestHeadFollowedByBody(t *testing.T) {
	head := "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
	buf := []byte(head + "hello" + minimalHead)
	h := new(requestHead)
	h.reset()
	n, err := parseRequestHead(buf, nil, h)
	if err != nil || n != len(head) {
		t.Fatalf("n=%d err=%v, want %d", n, err, len(head))
	}
	rest := buf[n+int(h.contentLength):]
	h.reset()
	n, err = parseRequestHead(rest, nil, h)
	if err != nil || n != len(minimalHead) || string(h.method()) != "GET" {
		t.Fatalf("second: n=%d err=%v method=%q", n, err, h.method())
	}
}

// TestRequestFields checks the field list: names as received, values
// without surrounding whitespace, and the case-insensitive lookup.
func TestRequestFields(t *testing.T) {
	h := wantReq(t, "GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Pad: \t a  b \t\r\nX-Obs: caf\xe9\r\nx-pad: second\r\n\r\n", 200)
	want := []string{"Host", "x", "X-Empty", "", "X-Pad", "a  b", "X-Obs", "caf\xe9", "x-pad", "second"}
	if h.fields.len() != len(want)/2 {
		t.Fatalf("%d fields, want %d", h.fields.len(), len(want)/2)
	}
	for i := 0; i < h.fields.len(); i++ {
		if string(h.fields.name(i)) != want[2*i] || string(h.fields.value(i)) != want[2*i+1] {
			t.Errorf("field %d: %q: %q, want %q: %q", i, h.fields.name(i), h.fields.value(i), want[2*i], want[2*i+1])
		}
	}
	if v, ok := h.fields.get("x-pad"); !ok || string(v) != "a  b" {
		t.Errorf(`get("x-pad") = %q, %v; want the first one`, v, ok)
	}
	if _, ok := h.fields.get("x-missing"); ok {
		t.Errorf(`get("x-missing") found something`)
	}
	if string(h.host()) != "x" {
		t.Errorf("host %q", h.host())
	}
}

// TestRequestHeadReuse parses heads of different sizes into one head
// value: nothing of an earlier request may show in a later one.
func TestRequestHeadReuse(t *testing.T) {
	h := new(requestHead)
	for i, s := range []string{browserHead, "POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\n", minimalHead} {
		h.reset()
		n, err := parseRequestHead([]byte(s), nil, h)
		if err != nil || n != len(s) {
			t.Fatalf("request %d: n=%d err=%v", i, n, err)
		}
		if got, want := describeReq(h, n, err), describeReq(parseReq(s, nil)); got != want {
			t.Fatalf("request %d reused:\n%s\nfresh:\n%s", i, got, want)
		}
	}
}

func TestParseAfterCompletePanics(t *testing.T) {
	h := new(requestHead)
	h.reset()
	if _, err := parseRequestHead([]byte(minimalHead), nil, h); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	parseRequestHead([]byte(minimalHead), nil, h)
}

// TestRequestHeadAllocs checks that parsing allocates nothing once the
// head value has seen a head as large.
func TestRequestHeadAllocs(t *testing.T) {
	for _, s := range []string{minimalHead, browserHead} {
		buf := []byte(s)
		h := new(requestHead)
		allocs := testing.AllocsPerRun(100, func() {
			h.reset()
			if n, err := parseRequestHead(buf, nil, h); n != len(buf) || err != nil {
				t.Fatalf("n=%d err=%v", n, err)
			}
			if _, ok := h.fields.get("user-agent"); !ok && s == browserHead {
				t.Fatal("no user-agent")
			}
		})
		if allocs != 0 {
			t.Errorf("%d allocations per parse of %q", int(allocs), s[:16])
		}
	}
}

// TestRequestHeadIncrementalAllocs checks the same for a head that
// arrives in pieces.
func TestRequestHeadIncrementalAllocs(t *testing.T) {
	buf := []byte(browserHead)
	h := new(requestHead)
	allocs := testing.AllocsPerRun(100, func() {
		h.reset()
		for end := 1; end <= len(buf); end += 7 {
			if n, err := parseRequestHead(buf[:end], nil, h); n != 0 || err != nil {
				t.Fatalf("n=%d err=%v", n, err)
			}
		}
		if n, err := parseRequestHead(buf, nil, h); n != len(buf) || err != nil {
			t.Fatalf("n=%d err=%v", n, err)
		}
	})
	if allocs != 0 {
		t.Errorf("%d allocations per incremental parse", int(allocs))
	}
}

// TestSlowClientLinear feeds a large head one byte per call and counts
// how far the parser looks: each call must look only at the new byte (a
// quadratic parser would look at n²/2 bytes).
func TestSlowClientLinear(t *testing.T) {
	data := []byte("GET /" + strings.Repeat("a", 8000) + " HTTP/1.1\r\nHost: x\r\n" +
		strings.Repeat("X-Field: "+strings.Repeat("v", 100)+"\r\n", 90) + "\r\n")
	h := new(requestHead)
	h.reset()
	for end := 1; end < len(data); end++ {
		n, err := parseRequestHead(data[:end], nil, h)
		if n != 0 || err != nil {
			t.Fatalf("at %d: n=%d err=%v", end, n, err)
		}
		// The search for the next LF resumes where the last stopped, and
		// the method check where it stopped.
		if h.scanned != end {
			t.Fatalf("at %d: scanned=%d", end, h.scanned)
		}
	}
	if n, err := parseRequestHead(data, nil, h); n != len(data) || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
}

// TestZeroRequestHead checks that a zero requestHead needs no reset
// before its first parse.
func TestZeroRequestHead(t *testing.T) {
	var h requestHead
	n, err := parseRequestHead([]byte(minimalHead), nil, &h)
	if err != nil || n != len(minimalHead) || h.contentLength != -1 {
		t.Fatalf("n=%d err=%v contentLength=%d", n, err, h.contentLength)
	}
	var r responseHead
	if _, err := parseResponseHead([]byte("HTTP/1.1 200 OK\r\n\r\n"), nil, &r); err != nil || r.contentLength != -1 {
		t.Fatalf("response: err=%v contentLength=%d", err, r.contentLength)
	}
}
