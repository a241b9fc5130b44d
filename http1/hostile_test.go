package http1

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

// The server's answer to malformed and hostile requests, sent raw over
// loopback. The parser's tables (malformed_test.go, strict_test.go) prove
// each rule on a head in memory; this one proves what a client sees: the
// status, that the connection is closed after it, that nothing behind
// the bad request is served, and that the server goes on serving others.

// hostileServer is the server the table runs against: small limits, so
// that the cases over them stay small, and timeouts of a second, so that
// the cases that wait for one are quick. Nothing in a case that does not
// stall comes close to a second: each is sent in one write.
func hostileServer(log *servedLog) *Server {
	return &Server{
		Handler:         readingHandler(log),
		MaxRequestLine:  1 << 10,
		MaxHeaderBytes:  4 << 10,
		MaxHeaderFields: 20,
		MaxBodyBytes:    1 << 10,
		HeaderTimeout:   time.Second,
		BodyTimeout:     time.Second,
	}
}

// smuggled is a request hidden behind a bad one; no case may get it
// served.
const smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"

// rq builds a request from its request line and field lines, and ends
// the head.
func rq(line string, fields ...string) string {
	return line + "\r\n" + strings.Join(append(fields, ""), "\r\n") + "\r\n"
}

// post is a POST to / with Host and the given fields, then body.
func post(body string, fields ...string) string {
	return rq("POST / HTTP/1.1", append([]string{"Host: x"}, fields...)...) + body
}

// chunkedPost is a chunked POST whose body is framing, as sent.
func chunkedPost(framing string) string {
	return post(framing, "Transfer-Encoding: chunked")
}

// repeatField returns first and n copies of field.
func repeatField(first, field string, n int) []string {
	fs := []string{first}
	for range n {
		fs = append(fs, field)
	}
	return fs
}

// A hostileCase is bytes a client sends, in one write, and what the
// server must answer: ok responses of 200 (to good requests pipelined
// before the bad one), then status, then nothing: the connection is
// closed. A status of 0 means no answer, only the close.
type hostileCase struct {
	name   string
	send   string
	status int
	ok     int  // good responses before it
	fin    bool // the client closes its side after sending
}

var hostileCases = []hostileCase{
	// The request line (RFC 9112 section 3).
	{name: "empty method", send: " / HTTP/1.1\r\nHost: x\r\n\r\n" + smuggled, status: 400},
	{name: "leading whitespace", send: "  GET / HTTP/1.1\r\nHost: x\r\n\r\n", status: 400},
	{name: "response sent as request", send: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" + smuggled, status: 400},
	{name: "method with parenthesis", send: rq("G(ET / HTTP/1.1", "Host: x") + smuggled, status: 400},
	{name: "method with NUL", send: rq("GE\x00T / HTTP/1.1", "Host: x"), status: 400},
	{name: "method with DEL", send: rq("GET\x7f / HTTP/1.1", "Host: x"), status: 400},
	{name: "method with UTF-8", send: rq("G\xc3\x89T / HTTP/1.1", "Host: x"), status: 400},
	{name: "tab after method", send: rq("GET\t/ HTTP/1.1", "Host: x"), status: 400},
	{name: "two spaces after method", send: rq("GET  / HTTP/1.1", "Host: x"), status: 400},
	{name: "space after version", send: rq("GET / HTTP/1.1 ", "Host: x"), status: 400},
	{name: "HTTP/0.9 simple request", send: "GET /\r\n\r\n", status: 400},
	{name: "target with NUL", send: rq("GET /a\x00b HTTP/1.1", "Host: x"), status: 400},
	{name: "target with control", send: rq("GET /a\x01b HTTP/1.1", "Host: x"), status: 400},
	{name: "target with bare CR", send: rq("GET /a\rb HTTP/1.1", "Host: x"), status: 400},
	{name: "target with fragment", send: rq("GET /a#b HTTP/1.1", "Host: x"), status: 400},
	{name: "relative target", send: rq("GET a/b HTTP/1.1", "Host: x"), status: 400},
	{name: "asterisk target with GET", send: rq("GET * HTTP/1.1", "Host: x"), status: 400},
	{name: "CONNECT without port", send: rq("CONNECT example.com HTTP/1.1", "Host: x"), status: 400},
	{name: "lower-case version", send: rq("GET / http/1.1", "Host: x"), status: 400},
	{name: "two-digit minor version", send: rq("GET / HTTP/1.10", "Host: x"), status: 400},
	{name: "too many empty lines first", send: strings.Repeat("\r\n", 5) + rq("GET / HTTP/1.1", "Host: x"), status: 400},
	{name: "request line too long", send: rq("GET /"+strings.Repeat("a", 1100)+" HTTP/1.1", "Host: x"), status: 414},
	{name: "request line too long, unended", send: "GET /" + strings.Repeat("a", 2000), status: 414},
	{name: "method too long", send: strings.Repeat("A", 2000), status: 414},

	// Versions (RFC 9110 section 6.2).
	{name: "HTTP/2.0", send: rq("GET / HTTP/2.0", "Host: x"), status: 505},
	{name: "HTTP/3.0", send: rq("GET / HTTP/3.0", "Host: x"), status: 505},
	{name: "HTTP/0.9 version", send: rq("GET / HTTP/0.9", "Host: x"), status: 505},
	{name: "HTTP/2 preface", send: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00", status: 505},

	// Line endings (RFC 9112 section 2.2).
	{name: "bare LF after request line", send: "GET / HTTP/1.1\nHost: x\r\n\r\n", status: 400},
	{name: "bare LF after field", send: "GET / HTTP/1.1\r\nHost: x\n\r\n", status: 400},
	{name: "bare LF ending head", send: "GET / HTTP/1.1\r\nHost: x\r\n\n" + smuggled, status: 400},
	{name: "bare LF everywhere", send: "GET / HTTP/1.1\nHost: x\n\n", status: 400},
	{name: "bare CR in value", send: rq("GET / HTTP/1.1", "Host: x", "A: b\rc"), status: 400},
	{name: "bare CR ending request line", send: "GET / HTTP/1.1\rHost: x\r\n\r\n", status: 400},
	{name: "CR CR LF", send: "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n", status: 400},

	// Field lines (RFC 9112 section 5).
	{name: "space before colon", send: rq("GET / HTTP/1.1", "Host : x"), status: 400},
	{name: "tab before colon", send: rq("GET / HTTP/1.1", "Host: x", "A\t: b"), status: 400},
	{name: "obs-fold", send: rq("GET / HTTP/1.1", "Host: x", "A: b", " c"), status: 400},
	{name: "obs-fold with tab", send: rq("GET / HTTP/1.1", "Host: x", "A: b", "\tc"), status: 400},
	{name: "obs-fold hiding TE", send: post("0\r\n\r\n"+smuggled, "X: y", " Transfer-Encoding: chunked", "Content-Length: 5"), status: 400},
	{name: "whitespace before first field", send: rq("GET / HTTP/1.1", " Host: x"), status: 400},
	{name: "field without colon", send: rq("GET / HTTP/1.1", "Host: x", "NoColon"), status: 400},
	{name: "empty field name", send: rq("GET / HTTP/1.1", "Host: x", ": v"), status: 400},
	{name: "field name with NUL", send: rq("GET / HTTP/1.1", "Host: x", "A\x00B: v"), status: 400},
	{name: "field name with UTF-8", send: rq("GET / HTTP/1.1", "Host: x", "N\xc3\xa9: v"), status: 400},
	{name: "field name with at sign", send: rq("GET / HTTP/1.1", "Host: x", "A@B: v"), status: 400},
	{name: "field value with NUL", send: rq("GET / HTTP/1.1", "Host: x", "A: b\x00c"), status: 400},
	{name: "field value with DEL", send: rq("GET / HTTP/1.1", "Host: x", "A: b\x7fc"), status: 400},
	{name: "field value with escape", send: rq("GET / HTTP/1.1", "Host: x", "A: \x1b[31m"), status: 400},

	// Host (RFC 9112 section 3.2).
	{name: "HTTP/1.1 without Host", send: rq("GET / HTTP/1.1"), status: 400},
	{name: "two Hosts", send: rq("GET / HTTP/1.1", "Host: a", "Host: b"), status: 400},
	{name: "two identical Hosts", send: rq("GET / HTTP/1.1", "Host: a", "Host: a"), status: 400},
	{name: "Host with space", send: rq("GET / HTTP/1.1", "Host: a b"), status: 400},
	{name: "Host with slash", send: rq("GET / HTTP/1.1", "Host: a/b"), status: 400},
	{name: "Host list", send: rq("GET / HTTP/1.1", "Host: a, b"), status: 400},

	// Content-Length (RFC 9110 section 8.6, RFC 9112 section 6.3).
	{name: "CL differing lines", send: post("abcdef"+smuggled, "Content-Length: 5", "Content-Length: 6"), status: 400},
	{name: "CL differing list", send: post("abcdef", "Content-Length: 5, 6"), status: 400},
	{name: "CL negative", send: post("", "Content-Length: -1"), status: 400},
	{name: "CL plus sign", send: post("abc", "Content-Length: +3"), status: 400},
	{name: "CL hex", send: post("abc", "Content-Length: 0x3"), status: 400},
	{name: "CL trailing letter", send: post("abc", "Content-Length: 3x"), status: 400},
	{name: "CL overflow", send: post("", "Content-Length: 9223372036854775808"), status: 400},

	// Transfer-Encoding and request smuggling (RFC 9112 section 6).
	{name: "CL.TE", send: post("0\r\n\r\n"+"G", "Content-Length: 6", "Transfer-Encoding: chunked") + smuggled, status: 400},
	{name: "TE.CL", send: post("3c\r\n"+smuggled+"\r\n0\r\n\r\n", "Transfer-Encoding: chunked", "Content-Length: 4"), status: 400},
	{name: "TE.TE, second not chunked", send: post("0\r\n\r\n"+smuggled, "Transfer-Encoding: chunked", "Transfer-Encoding: x"), status: 400},
	{name: "TE chunked then gzip", send: post("0\r\n\r\n", "Transfer-Encoding: chunked, gzip"), status: 400},
	{name: "TE gzip alone", send: post("", "Transfer-Encoding: gzip"), status: 400},
	{name: "TE identity", send: post("", "Transfer-Encoding: identity"), status: 400},
	{name: "TE chunked twice", send: post("0\r\n\r\n", "Transfer-Encoding: chunked, chunked"), status: 400},
	{name: "TE chunked with parameter", send: post("0\r\n\r\n", "Transfer-Encoding: chunked;q=1"), status: 400},
	{name: "TE xchunked", send: post("0\r\n\r\n", "Transfer-Encoding: xchunked"), status: 400},
	{name: "TE quoted", send: post("0\r\n\r\n", `Transfer-Encoding: "chunked"`), status: 400},
	{name: "TE empty", send: post("", "Transfer-Encoding: "), status: 400},
	{name: "TE with vertical tab", send: post("0\r\n\r\n", "Transfer-Encoding: \x0bchunked"), status: 400},
	{name: "TE space before colon", send: post("0\r\n\r\n", "Transfer-Encoding : chunked", "Content-Length: 5"), status: 400},
	{name: "TE in HTTP/1.0", send: rq("POST / HTTP/1.0", "Transfer-Encoding: chunked") + "0\r\n\r\n" + smuggled, status: 400},

	// Transfer codings the server does not implement (RFC 9112 section 6.1).
	{name: "TE gzip, chunked", send: post("0\r\n\r\n", "Transfer-Encoding: gzip, chunked"), status: 501},
	{name: "TE unknown, chunked", send: post("0\r\n\r\n", "Transfer-Encoding: foo, chunked"), status: 501},
	{name: "TE deflate line, chunked line", send: post("0\r\n\r\n", "Transfer-Encoding: deflate", "Transfer-Encoding: chunked"), status: 501},

	// Chunked framing (RFC 9112 section 7.1), read by the handler.
	{name: "chunk size not hex", send: chunkedPost("zz\r\n"), status: 400},
	{name: "chunk size 0x", send: chunkedPost("0x3\r\nabc\r\n0\r\n\r\n"), status: 400},
	{name: "chunk size negative", send: chunkedPost("-1\r\na\r\n0\r\n\r\n"), status: 400},
	{name: "chunk size leading space", send: chunkedPost(" 3\r\nabc\r\n0\r\n\r\n"), status: 400},
	{name: "chunk size trailing space", send: chunkedPost("3 \r\nabc\r\n0\r\n\r\n"), status: 400},
	{name: "chunk size overflow", send: chunkedPost("10000000000000003\r\nabc\r\n0\r\n\r\n"), status: 400},
	{name: "chunk size bare LF", send: chunkedPost("3\nabc\r\n0\r\n\r\n"), status: 400},
	{name: "chunk longer than its size", send: chunkedPost("3\r\nabcd\r\n0\r\n\r\n"), status: 400},
	{name: "chunk data without CRLF", send: chunkedPost("3\r\nabc0\r\n\r\n" + smuggled), status: 400},
	{name: "chunk extension without name", send: chunkedPost("3;=x\r\nabc\r\n0\r\n\r\n"), status: 400},
	{name: "chunk extension with control", send: chunkedPost("3;a=\"\x01\"\r\nabc\r\n0\r\n\r\n"), status: 400},
	{name: "chunk extensions too long", send: chunkedPost("1;" + strings.Repeat("a", 5000) + "\r\na\r\n0\r\n\r\n"), status: 400},
	{name: "trailer space before colon", send: chunkedPost("0\r\nA : b\r\n\r\n"), status: 400},
	{name: "trailer obs-fold", send: chunkedPost("0\r\nA: b\r\n c\r\n\r\n"), status: 400},
	{name: "trailer with NUL", send: chunkedPost("0\r\nA: b\x00\r\n\r\n"), status: 400},
	{name: "trailers too long", send: chunkedPost("0\r\n" + strings.Repeat("A: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n", 200) + "\r\n"), status: 400},
	{name: "last chunk without final CRLF", send: chunkedPost("0\r\n\rX" + smuggled), status: 400},
	{name: "chunked body cut short", send: chunkedPost("5\r\nab"), status: 400, fin: true},
	{name: "sized body cut short", send: post("abc", "Content-Length: 10"), status: 400, fin: true},

	// Bodies over MaxBodyBytes (1 KiB here).
	{name: "CL over the limit", send: post("", "Content-Length: 1025"), status: 413},
	{name: "CL far over the limit", send: post("", "Content-Length: 9223372036854775807"), status: 413},
	{name: "CL over the limit, 100-continue", send: post("", "Content-Length: 2000", "Expect: 100-continue"), status: 413},
	{name: "chunk over the limit", send: chunkedPost("401\r\n" + strings.Repeat("a", 0x401) + "\r\n0\r\n\r\n"), status: 413},
	{name: "chunks over the limit", send: chunkedPost(strings.Repeat("200\r\n"+strings.Repeat("a", 0x200)+"\r\n", 3) + "0\r\n\r\n"), status: 413},

	// Heads over their limits (4 KiB, 20 fields here).
	{name: "head too large", send: rq("GET / HTTP/1.1", "Host: x", "A: "+strings.Repeat("b", 5000)), status: 431},
	{name: "head too large, unended", send: "GET / HTTP/1.1\r\nHost: x\r\nA: " + strings.Repeat("b", 8000), status: 431},
	{name: "too many fields", send: rq("GET / HTTP/1.1", repeatField("Host: x", "A: b", 20)...), status: 431},
	{name: "endless small fields", send: "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("A: b\r\n", 500), status: 431},

	// Timeouts (a second here).
	{name: "head never ends", send: "GET / HTTP/1.1\r\nHost: x\r\n", status: 408},
	{name: "body never ends", send: post("0123456789", "Content-Length: 100"), status: 408},

	// Expectations (RFC 9110 section 10.1.1).
	{name: "unknown expectation", send: post("abc", "Content-Length: 3", "Expect: 200-ok") + smuggled, status: 417},

	// Not HTTP at all.
	{name: "TLS ClientHello", send: "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + strings.Repeat("\x00", 32) + "\x00\x00\x02\x13\x01\x01\x00", status: 400},
	{name: "SSH banner", send: "SSH-2.0-OpenSSH_9.6\r\n", status: 400},
	{name: "binary garbage", send: "\x8f\x02\xff\xfe\x00\x00\x13\x37\r\n\r\n", status: 400},
	{name: "lone NUL", send: "\x00", status: 400},
	{name: "only empty lines", send: strings.Repeat("\r\n", 100), status: 400},

	// No answer: the client went away inside a head.
	{name: "half a request line, then FIN", send: "GET /ind", fin: true},
	{name: "head without its end, then FIN", send: "GET / HTTP/1.1\r\nHost: x\r\n", fin: true},
	{name: "nothing, then FIN", send: "", fin: true},
	{name: "request, then FIN", send: rq("GET / HTTP/1.1", "Host: x"), fin: true, ok: 1},

	// Pipelined: what came before the bad request is answered, in order;
	// what comes after it is not served.
	{name: "good, then bad", send: rq("GET /1 HTTP/1.1", "Host: x") + rq("GET /2 HTTP/1.1", "Host : x") + smuggled, ok: 1, status: 400},
	{name: "three good, then bad", send: strings.Repeat(rq("GET / HTTP/1.1", "Host: x"), 3) + "\x16\x03\x01" + smuggled, ok: 3, status: 400},
	{name: "sized body, then garbage", send: post("abc", "Content-Length: 3") + "GARBAGE\r\n\r\n" + smuggled, ok: 1, status: 400},
	{name: "chunked body, then CL.TE", send: chunkedPost("3\r\nabc\r\n0\r\n\r\n") + post("0\r\n\r\n", "Content-Length: 5", "Transfer-Encoding: chunked") + smuggled, ok: 1, status: 400},
	{name: "good, then body over the limit", send: rq("GET / HTTP/1.1", "Host: x") + post("", "Content-Length: 5000") + smuggled, ok: 1, status: 413},
	{name: "Connection: close, then more", send: rq("GET / HTTP/1.1", "Host: x", "Connection: close") + smuggled, ok: 1},
	{name: "HTTP/1.0, then more", send: rq("GET / HTTP/1.0") + smuggled, ok: 1},
}

func TestServerHostileRequests(t *testing.T) {
	if len(hostileCases) < 70 {
		t.Fatalf("the table has %d cases, want at least 70", len(hostileCases))
	}
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		log := new(servedLog)
		ts := startServer(t, x, hostileServer(log))
		// A client with a keep-alive connection open throughout: no
		// hostile request may disturb it.
		bystander := dialRaw(t, ts.addr)
		for _, tc := range hostileCases {
			t.Run(tc.name, func(t *testing.T) {
				runHostileCase(t, ts.addr, tc)
				if n := log.count("/smuggled"); n > 0 {
					t.Fatalf("the request behind the bad one was served")
				}
				expectServes(t, ts.addr, "ok /check 0")
				bystander.send("GET /bystander HTTP/1.1\r\nHost: x\r\n\r\n")
				if r := bystander.read(false); r.status != 200 || r.body != "ok /bystander 0" {
					t.Fatalf("the bystander's keep-alive connection: %d %q", r.status, r.body)
				}
			})
		}
	})
}

// runHostileCase sends tc's bytes on a new connection and checks the
// answers and the close.
func runHostileCase(t *testing.T, addr string, tc hostileCase) {
	c := dialRaw(t, addr)
	defer c.Close()
	c.sendLoose(tc.send)
	if tc.fin {
		c.closeWrite()
	}
	for i := range tc.ok {
		r, err := c.readErr(false)
		if err != nil || r.status != 200 {
			t.Fatalf("response %d: %d %q (%v); want 200 to the good request before the bad one", i+1, r.status, r.body, err)
		}
		if tc.status != 0 && r.fields["connection"] == "close" {
			t.Fatalf("response %d says Connection: close; the bad request after it was not yet read", i+1)
		}
	}
	if tc.status != 0 {
		r, err := c.readErr(false)
		if err != nil {
			t.Fatalf("reading the answer: %v; want %d", err, tc.status)
		}
		if r.status != tc.status {
			t.Fatalf("answered %q, body %q; want %d", r.line, r.body, tc.status)
		}
		if r.fields["connection"] != "close" {
			t.Errorf("the %d has no Connection: close (fields %v)", r.status, r.fields)
		}
	}
	rest, err := c.closedWithin(10 * time.Second)
	if err != nil {
		t.Fatalf("after the answer: %v (read %q); want the connection closed", err, rest)
	}
	if len(rest) > 0 {
		t.Fatalf("read %q after the answer; want the connection closed", rest)
	}
}

// TestServerAnswersBeforeAnIncompleteHead: a response to a complete
// request goes out even when the bytes after that request begin another
// one that is not complete yet: the CRLF that some clients send after a
// POST body (RFC 9112 section 2.2 tells a server to ignore it), or the
// first bytes of the next pipelined request. The client waits for the
// response before it sends more, or half-closes after its request; it
// must get its response either way, not after the header timeout, and
// not never.
func TestServerAnswersBeforeAnIncompleteHead(t *testing.T) {
	cases := []struct {
		name, send, rest string
	}{
		{"CRLF after a POST body", post("abc", "Content-Length: 3") + "\r\n", rq("GET /next HTTP/1.1", "Host: x")},
		{"start of the next request", rq("GET /first HTTP/1.1", "Host: x") + "GET /next HT", "TP/1.1\r\nHost: x\r\n\r\n"},
	}
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		srv := hostileServer(new(servedLog))
		srv.HeaderTimeout = time.Minute // far beyond the reads' deadline
		ts := startServer(t, x, srv)
		for _, tc := range cases {
			t.Run(tc.name+", client waits", func(t *testing.T) {
				c := dialRaw(t, ts.addr)
				c.send(tc.send)
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				r, err := c.readErr(false)
				if err != nil {
					t.Fatalf("no response to the complete request within 5s (%v): "+
						"the server holds it until the incomplete head after it is whole, "+
						"or until the header timeout", err)
				}
				if r.status != 200 {
					t.Fatalf("first response: %q", r.line)
				}
				c.SetReadDeadline(time.Now().Add(20 * time.Second))
				c.send(tc.rest)
				if r := c.read(false); r.status != 200 || !strings.HasPrefix(r.body, "ok /next ") {
					t.Fatalf("the next request: %q %q", r.line, r.body)
				}
			})
			t.Run(tc.name+", then FIN", func(t *testing.T) {
				c := dialRaw(t, ts.addr)
				c.send(tc.send)
				c.closeWrite()
				r, err := c.readErr(false)
				if err != nil {
					t.Fatalf("the connection ended without the response to the complete request (%v): "+
						"the server closed on the client's FIN with that response still unsent", err)
				}
				if r.status != 200 {
					t.Fatalf("first response: %q", r.line)
				}
				if rest, err := c.closedWithin(10 * time.Second); err != nil || len(rest) > 0 {
					t.Fatalf("after the response read %q, %v; want the connection closed", rest, err)
				}
			})
		}
	})
}

// TestServerPipelineFloodBackpressure: a client that pipelines thousands
// of requests and reads none of the responses is held back once the
// socket buffers are full: the server stops reading rather than keeping
// the responses (40 MiB of them) in memory, and answers every request,
// in order, once the client reads.
func TestServerPipelineFloodBackpressure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const n, size = 5000, 8 << 10
		var served atomic.Int64
		ts := startServer(t, x, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
			served.Add(1)
			body := make([]byte, size)
			copy(body, r.Target())
			return w.Send(200, body)
		})})
		c := dialRaw(t, ts.addr)
		var all strings.Builder
		for i := range n {
			fmt.Fprintf(&all, "GET /%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		sent := make(chan error, 1)
		go func() {
			_, err := io.WriteString(c.Conn, all.String())
			sent <- err
		}()
		// Wait until the server stops: nothing served for 300ms.
		for last := int64(-1); ; {
			time.Sleep(300 * time.Millisecond)
			now := served.Load()
			if now == last {
				break
			}
			last = now
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		stalled := served.Load()
		if stalled == n {
			t.Fatalf("all %d requests were served before the client read anything: "+
				"the socket buffers took 40 MiB, or the server kept the responses", n)
		}
		if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 4<<20 {
			t.Fatalf("the server's heap grew by %d bytes while %d responses waited for the client", grew, stalled)
		}
		for i := range n {
			r := c.read(false)
			if want := fmt.Sprintf("/%d", i); r.status != 200 || len(r.body) != size || !strings.HasPrefix(r.body, want+"\x00") {
				t.Fatalf("response %d: %q, %d bytes starting %q; want 200 for %s", i, r.line, len(r.body), r.body[:min(len(r.body), 8)], want)
			}
		}
		if err := <-sent; err != nil {
			t.Fatalf("writing the requests: %v", err)
		}
	})
}
