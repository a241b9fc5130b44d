package delayserver_test

import (
	"bytes"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/asyncgo/async/delayserver"
)

// answer is what a client can observe of a response: everything but the
// Date and the order of the fields, which the two implementations write
// differently and the protocol leaves open.
type answer struct {
	statusLine string // "HTTP/1.1 200 OK"
	fields     http.Header
	length     int64 // the Content-Length, -1 if none
	close      bool  // Connection: close, which the reader takes out of fields
	body       string
}

// answerOf parses raw, a response read until the server closed the
// connection, to a request of method. Exactly one response must be there.
func answerOf(t *testing.T, raw []byte, method string) answer {
	t.Helper()
	line, _, _ := bytes.Cut(raw, []byte("\r\n"))
	resp, body := parseResponse(t, raw, method)
	fields := resp.Header.Clone()
	delete(fields, "Date")
	if _, rest, ok := bytes.Cut(raw, []byte("\r\n\r\n")); ok && method != http.MethodHead && len(rest) != len(body) {
		t.Errorf("%d bytes after the head, want the %d of the body alone: more in %q", len(rest), len(body), raw)
	}
	return answer{statusLine: string(line), fields: fields, length: resp.ContentLength, close: resp.Close, body: body}
}

func (a answer) equal(b answer) bool {
	return a.statusLine == b.statusLine && a.length == b.length && a.close == b.close && a.body == b.body &&
		maps.EqualFunc(a.fields, b.fields, slices.Equal)
}

// TestSameAnswers sends the same raw requests to both implementations and
// checks that a client sees the same answers (status line, fields but
// Date, body, the connection closed after one response) and that both
// write the same log.
func TestSameAnswers(t *testing.T) {
	tests := []struct {
		name, method, req string
	}{
		{"ok", "GET", "GET /0/hello HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"escapes and slashes", "GET", "GET /0/a%20b/c%2Fd HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"utf-8", "GET", "GET /0/caf%C3%A9 HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"query ignored", "GET", "GET /0/x?q=1&r=%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"quote and sub-delims", "GET", "GET /0/a\"b!$&'()*+,;=:@ HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"escaped digit in the delay", "GET", "GET /%31/x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"absolute form", "GET", "GET http://example.com/0/abs HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"absolute form without a path", "GET", "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"keep-alive asked for", "GET", "GET /0/ka HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"},
		{"pipelined: the second is never answered", "GET", "GET /0/one HTTP/1.1\r\nHost: x\r\n\r\nGET /0/two HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"GET with a body", "GET", "GET /0/b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"},
		{"GET with a chunked body", "GET", "GET /0/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"},
		{"not a number", "GET", "GET /abc/x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"negative", "GET", "GET /-1/x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"over the cap", "GET", "GET /60001/x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"no message", "GET", "GET /100 HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"empty message", "GET", "GET /100/ HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"root", "GET", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"empty delay", "GET", "GET //x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"POST with a body", "POST", "POST /0/x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"},
		{"PUT", "PUT", "PUT /0/x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"},
		{"DELETE", "DELETE", "DELETE /0/x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"HEAD", "HEAD", "HEAD /0/x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"OPTIONS", "OPTIONS", "OPTIONS /0/x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"methods are case-sensitive", "get", "get /0/x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"an unknown method", "FETCH", "FETCH /0/x HTTP/1.1\r\nHost: x\r\n\r\n"},
	}
	servers := make(map[delayserver.Impl]*delayserver.Server)
	logs := make(map[delayserver.Impl]*syncBuffer)
	for _, impl := range delayserver.Impls() {
		logs[impl] = new(syncBuffer)
		servers[impl] = start(t, impl, logs[impl])
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := make(map[delayserver.Impl]answer)
			for impl, srv := range servers {
				answers[impl] = answerOf(t, rawRequest(t, srv, tt.req), tt.method)
			}
			want := answers[delayserver.NetHTTP]
			for impl, got := range answers {
				if !got.equal(want) {
					t.Errorf("%q:\n%v answers %+v\n%v answers %+v", tt.req, delayserver.NetHTTP, want, impl, got)
				}
			}
		})
	}
	if a, b := logs[delayserver.NetHTTP].String(), logs[delayserver.Async].String(); a != b || a == "" {
		t.Errorf("the logs differ:\nnethttp:\n%s\nasync:\n%s", a, b)
	}
}

// TestDifferences pins down where the two implementations answer
// differently: requests that break HTTP/1.1 itself, which each server
// refuses before the protocol sees them, in its own words, and the
// version of the status line. The package doc lists these.
func TestDifferences(t *testing.T) {
	tests := []struct {
		name, req string
		// What each implementation answers: a status line, and a body
		// ("" to leave it unchecked).
		netLine, netBody     string
		asyncLine, asyncBody string
	}{
		{"malformed escape in the message", "GET /0/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
			"HTTP/1.1 400 Bad Request", "400 Bad Request",
			"HTTP/1.1 400 Bad Request", `invalid message "%zz": invalid URL escape "%zz"` + "\n"},
		{"malformed escape in the delay", "GET /%zz/x HTTP/1.1\r\nHost: x\r\n\r\n",
			"HTTP/1.1 400 Bad Request", "400 Bad Request",
			"HTTP/1.1 400 Bad Request", `invalid delay "%zz": not a whole number of milliseconds` + "\n"},
		{"a raw # in the target", "GET /0/x#frag HTTP/1.1\r\nHost: x\r\n\r\n",
			"HTTP/1.1 200 OK", "x#frag",
			"HTTP/1.1 400 Bad Request", ""},
		{"a raw non-ASCII byte in the target", "GET /0/caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",
			"HTTP/1.1 200 OK", "café",
			"HTTP/1.1 400 Bad Request", ""},
		{"asterisk form", "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
			"HTTP/1.1 400 Bad Request", `invalid delay "*": not a whole number of milliseconds` + "\n",
			"HTTP/1.1 400 Bad Request", ""},
		{"HTTP/1.1 without Host", "GET /0/x HTTP/1.1\r\n\r\n",
			"HTTP/1.1 400 Bad Request: missing required Host header", "",
			"HTTP/1.1 400 Bad Request", ""},
		{"HTTP/1.0", "GET /0/old HTTP/1.0\r\n\r\n",
			"HTTP/1.0 200 OK", "old",
			"HTTP/1.1 200 OK", "old"},
	}
	servers := make(map[delayserver.Impl]*delayserver.Server)
	for _, impl := range delayserver.Impls() {
		servers[impl] = start(t, impl, nil)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for impl, srv := range servers {
				wantLine, wantBody := tt.netLine, tt.netBody
				if impl == delayserver.Async {
					wantLine, wantBody = tt.asyncLine, tt.asyncBody
				}
				raw := rawRequest(t, srv, tt.req)
				line, _, _ := bytes.Cut(raw, []byte("\r\n"))
				_, body := parseResponse(t, raw, http.MethodGet)
				if string(line) != wantLine || wantBody != "" && body != wantBody {
					t.Errorf("%v: %q answers %q, want %q with body %q", impl, tt.req, raw, wantLine, wantBody)
				}
			}
		})
	}
}
