package http1

import (
	"strings"
	"testing"
)

// One test per strictness rule, each citing the section that writes it.
// The hostile-request table holds more cases of each.

// req builds a request head from a request line and field lines.
func req(line string, fields ...string) string {
	var b strings.Builder
	b.WriteString(line + "\r\n")
	for _, f := range fields {
		b.WriteString(f + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// RFC 9112 section 6.1: "A server MAY reject a request that contains both
// Content-Length and Transfer-Encoding"; we do, in either order.
func TestRejectContentLengthWithTransferEncoding(t *testing.T) {
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Content-Length: 3", "Transfer-Encoding: chunked"), 400)
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: chunked", "Content-Length: 0"), 400)
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: gzip, chunked", "Content-Length: 3"), 400)
}

// RFC 9110 section 8.6 and RFC 9112 section 6.3 rule 5: repeated
// Content-Length with differing values is unrecoverable (400); identical
// repeats, on separate lines or as a list, frame one way and are accepted.
func TestRejectConflictingContentLength(t *testing.T) {
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Content-Length: 3", "Content-Length: 4"), 400)
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Content-Length: 3, 4"), 400)
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Content-Length: 3, 3", "Content-Length: 03"), 200)
	h := wantReq(t, req("POST / HTTP/1.1", "Host: x", "Content-Length: 3", "content-length: 3"), 200)
	if h.contentLength != 3 {
		t.Errorf("content length %d", h.contentLength)
	}
}

// RFC 9110 section 8.6: Content-Length = 1*DIGIT. No sign, no hex, no
// empty value, nothing beyond int64.
func TestRejectInvalidContentLength(t *testing.T) {
	for _, v := range []string{"", "-0", "+1", "0x1", "1e3", "1.0", "1 1", "１", "9223372036854775808", "18446744073709551616"} {
		wantReq(t, req("POST / HTTP/1.1", "Host: x", "Content-Length: "+v), 400)
	}
}

// RFC 9112 section 6.3 rule 4: in a request whose Transfer-Encoding does
// not end in chunked the length "cannot be determined reliably; the server
// MUST respond with the 400".
func TestRejectTransferEncodingNotEndingInChunked(t *testing.T) {
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: gzip"), 400)
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: chunked, identity"), 400)
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip"), 400)
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: chunkedx"), 400)
}

// RFC 9112 section 6.1: "A server that receives a request message with a
// transfer coding it does not understand SHOULD respond with 501". Only
// chunked is implemented, so any other coding before it is 501.
func TestRejectUnsupportedTransferCoding(t *testing.T) {
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: gzip, chunked"), 501)
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: x-custom;p=1", "Transfer-Encoding: chunked"), 501)
}

// RFC 9112 section 7: "A sender MUST NOT apply the chunked transfer coding
// more than once"; a body chunked twice is a framing dispute.
func TestRejectChunkedTwice(t *testing.T) {
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: chunked, chunked"), 400)
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: chunked", "Transfer-Encoding: CHUNKED"), 400)
}

// RFC 9112 section 7: chunked has no parameters.
func TestRejectChunkedParameters(t *testing.T) {
	wantReq(t, req("POST / HTTP/1.1", "Host: x", "Transfer-Encoding: chunked; q=1"), 400)
}

// RFC 9112 section 6.1: an HTTP/1.0 message with Transfer-Encoding has
// faulty framing, "even if a Content-Length is present".
func TestRejectTransferEncodingInHTTP10(t *testing.T) {
	wantReq(t, req("POST / HTTP/1.0", "Transfer-Encoding: chunked"), 400)
	wantReq(t, req("POST / HTTP/1.0", "Transfer-Encoding: chunked", "Content-Length: 3"), 400)
}

// RFC 9112 section 5.1: "A server MUST reject, with a response status code
// of 400 (Bad Request), any received request message that contains
// whitespace between a header field name and colon."
func TestRejectWhitespaceBeforeColon(t *testing.T) {
	wantReq(t, req("GET / HTTP/1.1", "Host : x"), 400)
	wantReq(t, req("GET / HTTP/1.1", "Host: x", "Content-Length\t: 0"), 400)
	_, _, err := parseReq(req("GET / HTTP/1.1", "Host: x", "Transfer-Encoding : chunked"), nil)
	if err == nil || !strings.Contains(err.Error(), `whitespace between header field name and colon "Transfer-Encoding "`) {
		t.Errorf("error %v", err)
	}
}

// RFC 9112 section 5.2: a server that receives obs-fold "MUST either
// reject the message by sending a 400 (Bad Request) ... or replace each
// received obs-fold with one or more SP"; we reject.
func TestRejectObsLineFolding(t *testing.T) {
	wantReq(t, req("GET / HTTP/1.1", "Host: x", "X-A: one", " two"), 400)
	wantReq(t, req("GET / HTTP/1.1", "Host: x", "X-A: one", "\ttwo"), 400)
}

// RFC 9112 section 2.2: whitespace between the start line and the first
// field line: a recipient MUST reject the message or ignore such lines;
// we reject.
func TestRejectWhitespaceBeforeFirstField(t *testing.T) {
	wantReq(t, req("GET / HTTP/1.1", " Host: x"), 400)
	wantReq(t, req("GET / HTTP/1.1", "\tX: y", "Host: x"), 400)
}

// RFC 9112 section 2.2: "A sender MUST NOT generate a bare CR ... A
// recipient of such a bare CR MUST consider that element to be invalid or
// replace each bare CR with SP"; we reject, wherever it is.
func TestRejectBareCR(t *testing.T) {
	wantReq(t, "GET /\r HTTP/1.1\r\nHost: x\r\n\r\n", 400)
	wantReq(t, "GET / HTTP/1.1\rX\r\nHost: x\r\n\r\n", 400)
	wantReq(t, "GET / HTTP/1.1\r\nHost: x\r\nA\r: b\r\n\r\n", 400)
	wantReq(t, "GET / HTTP/1.1\r\nHost: x\r\nA: \rb\r\n\r\n", 400)
	wantReq(t, "GET / HTTP/1.1\r\nHost: x\r\n\r\r\n", 400)
}

// RFC 9112 section 2.2: a recipient MAY accept a bare LF as a line
// terminator. We do not: a front end that splits lines only at CRLF
// would read a different message, which is how requests are smuggled.
func TestRejectBareLF(t *testing.T) {
	wantReq(t, "GET / HTTP/1.1\nHost: x\r\n\r\n", 400)
	wantReq(t, "GET / HTTP/1.1\r\nHost: x\n\r\n", 400)
	wantReq(t, "GET / HTTP/1.1\r\nHost: x\r\n\n", 400)
	wantReq(t, "GET / HTTP/1.1\r\nHost: x\r\nX: a\nContent-Length: 5\r\n\r\n", 400)
}

// RFC 9110 section 5.5: field-value = *field-content, which is VCHAR,
// obs-text, SP and HTAB; NUL, CR, LF and the other controls are invalid,
// and "field values containing CR, LF, or NUL characters are invalid and
// dangerous". obs-text (0x80-0xFF) is accepted as opaque.
func TestRejectInvalidFieldValue(t *testing.T) {
	for _, c := range []byte{0, 1, 8, 0x0b, 0x0c, '\r', 0x1f, 0x7f} {
		wantReq(t, req("GET / HTTP/1.1", "Host: x", "X: a"+string(c)+"b"), 400)
	}
	wantReq(t, req("GET / HTTP/1.1", "Host: x", "X: a\tb \x80\xff"), 200)
}

// RFC 9110 section 9.1 and 5.6.2: method = token.
func TestRejectInvalidMethod(t *testing.T) {
	for _, m := range []string{"G(ET", "GE\"T", "G:T", "GET\x00", "GÉT", "G\x7fT", "{GET}"} {
		wantReq(t, req(m+" / HTTP/1.1", "Host: x"), 400)
	}
	wantReq(t, req("X-MY_METHOD.v1!~ / HTTP/1.1", "Host: x"), 200)
}

// RFC 9110 section 5.1: field-name = token.
func TestRejectInvalidFieldName(t *testing.T) {
	for _, n := range []string{"A(b)", "A/b", "A@b", "A\"b", "A=b", "A{b}", "A\x01", "Ä"} {
		wantReq(t, req("GET / HTTP/1.1", "Host: x", n+": v"), 400)
	}
	_, _, err := parseReq(req("GET / HTTP/1.1", "Host: x", "Bad Name: v"), nil)
	if err == nil || err.Error() != `http1: malformed header field name "Bad Name"` {
		t.Errorf("error %v", err)
	}
}

// RFC 9112 section 3.2 (and RFC 3986): a request-target is visible ASCII
// without a fragment; anything else must be percent-encoded.
func TestRejectInvalidTarget(t *testing.T) {
	for _, tg := range []string{"/a\x00", "/a\x7f", "/\xe2\x82\xac", "/a#b", "/a\tb"} {
		wantReq(t, req("GET "+tg+" HTTP/1.1", "Host: x"), 400)
	}
}

// RFC 9112 sections 3.2.1 to 3.2.4: origin-form starts with "/";
// absolute-form has a scheme; authority-form (host:port) is only for
// CONNECT, which must use it; asterisk-form only for OPTIONS.
func TestTargetForms(t *testing.T) {
	wantReq(t, req("GET /a HTTP/1.1", "Host: x"), 200)
	wantReq(t, req("GET https://x/a HTTP/1.1", "Host: x"), 200)
	wantReq(t, req("GET x:80 HTTP/1.1", "Host: x"), 200) // a scheme "x", as RFC 3986 reads it
	wantReq(t, req("GET 1x:80 HTTP/1.1", "Host: x"), 400)
	wantReq(t, req("CONNECT x:443 HTTP/1.1", "Host: x:443"), 200)
	wantReq(t, req("CONNECT /x HTTP/1.1", "Host: x"), 400)
	wantReq(t, req("CONNECT x:https HTTP/1.1", "Host: x"), 400)
	wantReq(t, req("OPTIONS * HTTP/1.1", "Host: x"), 200)
	wantReq(t, req("GET * HTTP/1.1", "Host: x"), 400)
	wantReq(t, req("OPTIONS *a HTTP/1.1", "Host: x"), 400)
}

// RFC 9112 section 3.2: "A server MUST respond with a 400 (Bad Request)
// status code to any HTTP/1.1 request message that lacks a Host header
// field and to any request message that contains more than one Host
// header field line or a Host header field with an invalid field value."
func TestRejectMissingOrRepeatedHost(t *testing.T) {
	wantReq(t, req("GET / HTTP/1.1"), 400)
	wantReq(t, req("GET / HTTP/1.1", "Host: a", "Host: a"), 400)
	wantReq(t, req("GET / HTTP/1.0", "Host: a", "host: b"), 400)
	wantReq(t, req("GET / HTTP/1.1", "Host: a b"), 400)
	wantReq(t, req("GET / HTTP/1.1", "Host: a\"b"), 400)
	wantReq(t, req("GET / HTTP/1.0"), 200)
	wantReq(t, req("GET / HTTP/1.1", "HOST: [::1]:8080"), 200)
}

// RFC 9112 section 2.2: "a server that is expecting to receive and parse a
// request-line SHOULD ignore at least one empty line (CRLF) received prior
// to the request-line". We ignore up to maxLeadingEmptyLines.
func TestLeadingEmptyLines(t *testing.T) {
	for i := 1; i <= maxLeadingEmptyLines; i++ {
		wantReq(t, strings.Repeat("\r\n", i)+minimalHead, 200)
	}
	wantReq(t, strings.Repeat("\r\n", maxLeadingEmptyLines+1)+minimalHead, 400)
	wantReq(t, "\n"+minimalHead, 400)
}

// RFC 9112 section 2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT,
// case-sensitive (400 otherwise). RFC 9110 section 6.2: a higher minor
// version is processed as the highest we implement (1.1); another major
// version is 505 (RFC 9110 section 15.6.6).
func TestVersions(t *testing.T) {
	if h := wantReq(t, req("GET / HTTP/1.0"), 200); h.minor != 0 {
		t.Errorf("1.0: minor %d", h.minor)
	}
	if h := wantReq(t, req("GET / HTTP/1.9", "Host: x"), 200); h.minor != 1 {
		t.Errorf("1.9: minor %d", h.minor)
	}
	for _, v := range []string{"HTTP/0.9", "HTTP/2.0", "HTTP/9.9"} {
		wantReq(t, req("GET / "+v, "Host: x"), 505)
	}
	for _, v := range []string{"HTTP/1", "HTTP/1.", "http/1.1", "HTTP/1.1.1", "HTTP/11", "HTTPS/1.1", "HTTP/1,1", "HTTP/ 1.1"} {
		wantReq(t, req("GET / "+v, "Host: x"), 400)
	}
}

// RFC 9113 section 3.4: the HTTP/2 connection preface starts like a
// request line; it is answered 505, as an unsupported version.
func TestHTTP2Preface(t *testing.T) {
	_, _, err := parseReq("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", nil)
	if statusOf(0, err) != 505 || !strings.Contains(err.Error(), "HTTP/2 connection preface") {
		t.Errorf("error %v", err)
	}
}

// The limits: request line (414), head bytes and field count (431), at
// the defaults and with small limits, each exactly at the edge.
func TestLimits(t *testing.T) {
	line := func(n int) string { // a request line of n bytes
		return "GET /" + strings.Repeat("a", n-len("GET / HTTP/1.1")) + " HTTP/1.1"
	}
	wantReq(t, req(line(8<<10), "Host: x"), 200)
	wantReq(t, req(line(8<<10+1), "Host: x"), 414)
	head := func(n int) string { // a head of n bytes
		base := req("GET / HTTP/1.1", "Host: x", "X: ")
		return req("GET / HTTP/1.1", "Host: x", "X: "+strings.Repeat("v", n-len(base)))
	}
	wantReq(t, head(64<<10), 200)
	wantReq(t, head(64<<10+1), 431)
	fields := func(n int) string {
		f := []string{"Host: x"}
		for len(f) < n {
			f = append(f, "X: y")
		}
		return req("GET / HTTP/1.1", f...)
	}
	wantReq(t, fields(100), 200)
	wantReq(t, fields(101), 431)

	lim := &limits{startLine: 20, headerBytes: 100, headerCount: 2}
	for _, tc := range []struct {
		head   string
		status int
	}{
		{req("GET /aaaaaa HTTP/1.1", "Host: x"), 200},
		{req("GET /aaaaaaa HTTP/1.1", "Host: x"), 414},
		{"GET /aaaaaaaaaaaaaaa", 0},
		{"GET /aaaaaaaaaaaaaaaa", 0},    // 21 bytes: the 21st may be a CR
		{"GET /aaaaaaaaaaaaaaaaa", 414}, // 22 bytes without LF: too long
		{req("GET / HTTP/1.1", "Host: x", "A: b"), 200},
		{req("GET / HTTP/1.1", "Host: x", "A: b", "C: d"), 431},
		{req("GET / HTTP/1.1", "Host: x", "A: "+strings.Repeat("b", 68)), 200},
		{req("GET / HTTP/1.1", "Host: x", "A: "+strings.Repeat("b", 69)), 431},
		{"GET / HTTP/1.1\r\nHost: x\r\nA: " + strings.Repeat("b", 80), 431},
	} {
		h := new(requestHead)
		h.reset()
		n, err := parseRequestHead([]byte(tc.head), lim, h)
		if got := statusOf(n, err); got != tc.status {
			t.Errorf("%q with %+v: status %d (%v), want %d", tc.head, *lim, got, err, tc.status)
		}
	}
}

// RFC 9112 section 9.3: HTTP/1.1 persists unless "close" is a connection
// option; HTTP/1.0 persists only with "keep-alive". Options are a
// case-insensitive list (RFC 9110 section 7.6.1).
func TestKeepAlive(t *testing.T) {
	for _, tc := range []struct {
		head string
		keep bool
	}{
		{req("GET / HTTP/1.1", "Host: x"), true},
		{req("GET / HTTP/1.1", "Host: x", "Connection: close"), false},
		{req("GET / HTTP/1.1", "Host: x", "Connection: keep-alive, Close"), false},
		{req("GET / HTTP/1.1", "Host: x", "Connection: upgrade", "connection: CLOSE"), false},
		{req("GET / HTTP/1.1", "Host: x", "Connection: closed"), true},
		{req("GET / HTTP/1.0"), false},
		{req("GET / HTTP/1.0", "Connection: keep-alive"), true},
		{req("GET / HTTP/1.0", "Connection: foo,,KEEP-ALIVE"), true},
		{req("GET / HTTP/1.0", "Connection: keep-alive", "Connection: close"), false},
	} {
		h := wantReq(t, tc.head, 200)
		if h.keepAlive != tc.keep {
			t.Errorf("%q: keepAlive %v, want %v", tc.head, h.keepAlive, tc.keep)
		}
	}
}

// RFC 9110 section 10.1.1: 100-continue, compared ignoring case; ignored in
// an HTTP/1.0 request ("MUST ignore"); other expectations are noted for
// the server to answer 417.
func TestExpectContinue(t *testing.T) {
	for _, tc := range []struct {
		head          string
		cont, unknown bool
	}{
		{req("PUT / HTTP/1.1", "Host: x", "Content-Length: 5", "Expect: 100-continue"), true, false},
		{req("PUT / HTTP/1.1", "Host: x", "Content-Length: 5", "Expect: 100-Continue"), true, false},
		{req("PUT / HTTP/1.0", "Content-Length: 5", "Expect: 100-continue"), false, false},
		{req("PUT / HTTP/1.1", "Host: x", "Expect: 200-ok"), false, true},
		{req("PUT / HTTP/1.1", "Host: x"), false, false},
	} {
		h := wantReq(t, tc.head, 200)
		if h.expectContinue != tc.cont || h.expectOther != tc.unknown {
			t.Errorf("%q: continue %v other %v", tc.head, h.expectContinue, h.expectOther)
		}
	}
}

// TestErrorMessages checks the error text: the package, what failed, the
// offending input quoted and cut to maxErrorInput bytes.
func TestErrorMessages(t *testing.T) {
	for _, tc := range []struct{ head, want string }{
		{req("GET / HTTP/1.1", "Host: x", "Bad Name: y"), `http1: malformed header field name "Bad Name"`},
		{req("GET / HTTP/1.1", "Host: x", "X: a\x00"), `http1: invalid character in header field value "a\x00"`},
		{req("GET / HTTP/3.0", "Host: x"), `http1: unsupported HTTP version "HTTP/3.0"`},
		{req("GET / HTTP/1.1", "Host: x", "Content-Length: 1x"), `http1: invalid Content-Length "1x"`},
		{req("GET / HTTP/1.1", "Host: x", "X: "+strings.Repeat("\x01", 50)), `http1: invalid character in header field value "` + strings.Repeat(`\x01`, 40) + `"...`},
		{req("GET / HTTP/1.1"), `http1: HTTP/1.1 request without Host "/"`},
	} {
		_, _, err := parseReq(tc.head, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: error %v\nwant %s", tc.head, err, tc.want)
		}
	}
}

// TestLimitsDefaults checks how limits are filled in: nil and zero
// fields mean the defaults, and a tiny start line or head size is raised
// to what still parses a head.
func TestLimitsDefaults(t *testing.T) {
	var none *limits
	if got := none.orDefault(); got != defaultLimits {
		t.Errorf("nil: %+v", got)
	}
	if got := (&limits{}).orDefault(); got != defaultLimits {
		t.Errorf("zero: %+v", got)
	}
	got := (&limits{startLine: 1, headerBytes: 1, headerCount: 1}).orDefault()
	want := limits{startLine: 16, headerBytes: 16 + 2 + 2*maxLeadingEmptyLines + 2, headerCount: 1}
	if got != want {
		t.Errorf("tiny: %+v, want %+v", got, want)
	}
}

// TestValidValue checks the word-at-a-time check of field values against
// the table, for every byte at every position of a 17-byte value.
func TestValidValue(t *testing.T) {
	b := []byte("abcdefghijklmnopq")
	for i := range b {
		for c := 0; c < 256; c++ {
			v := append([]byte(nil), b...)
			v[i] = byte(c)
			if got, want := validValue(v), charClass[c]&classValue != 0; got != want {
				t.Fatalf("byte %#x at %d: %v, want %v", c, i, got, want)
			}
		}
	}
}
